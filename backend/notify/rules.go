package notify

import (
	"fmt"
	"slices"

	"tack/backend/event"
)

// bodies are the English fallbacks per event type; the UI translates by type.
var bodies = map[string]string{
	event.ApprovalTaskAssigned:    "An approval is waiting for you: %s",
	event.ApprovalDecided:         "Your approval was %[2]s: %[1]s",
	event.ApprovalCC:              "You were copied on an approval: %s",
	event.ApprovalReminder:        "Reminder: please handle the approval %s",
	event.ApprovalOverdue:         "Approval is overdue: %s",
	event.ApprovalWithdrawn:       "Approval withdrawn: %s",
	event.ApprovalReturned:        "Approval returned: %s",
	event.ApprovalComment:         "New comment on approval: %s",
	event.ApprovalProgressed:      "Your approval moved to the next step: %s",
	event.MeetingInvited:          "You are invited to a meeting: %s",
	event.MeetingChanged:          "Meeting changed: %s",
	event.MeetingCancelled:        "Meeting cancelled: %s",
	event.MeetingReminder:         "Meeting starting soon: %s",
	event.MeetingMinutesPublished: "Minutes published: %s",
	event.TaskAssigned:            "A task was assigned to you: %s",
	event.TaskOverdue:             "Task overdue: %s",
	event.DriveShared:             "A file was shared with you: %s",
	event.DingReceived:            "DING: %s",
	event.AnnouncementPublished:   "New announcement: %s",
	event.ChatAnnouncement:        "New group announcement in %s",
	event.ChatBusySummary:         "New messages in %s while you were in a meeting",
	event.OrgUserDeactivated:      "User deactivated: %s",
	event.OrgPasswordReset:        "Your password was reset by %s; choose a new one when you sign in",
	event.ReportSubmitted:         "New work report: %s",
	event.ReportCommented:         "New comment on a work report: %s",
	event.ReportMentioned:         "You were mentioned in a work report: %s",
	event.AttendanceFieldPunch:    "Field punch to review: %s",
	event.AttendanceReminder:      "Attendance reminder: remember to punch (%s)",
	event.AttendanceSummary:       "Attendance exceptions on %s",
	event.AttendanceMonthReady:    "Monthly attendance to confirm: %s",
	event.AttendanceFieldReviewed: "Your field punch was %[2]s: %[1]s",
}

// liveOnly are the types that reach live streams and the replay but make no
// notification: chat counts its own unread messages with one read watermark
// per member, and a row per message per member is what chat must not write.
// ding.acked only updates the sender's open page: a notification for each
// confirmation would bury the DING it counts.
var liveOnly = map[string]bool{event.ChatMessage: true, event.ChatRead: true, event.ChatConversation: true,
	event.DingAcked: true}

// notificationsFor applies the rules: one notification per recipient (never
// to the actor who caused the event), title from data.title, link from
// data.link, type and data kept so the UI can translate.
func notificationsFor(ev Event, newID func() string) []Notification {
	if liveOnly[ev.Type] {
		return nil
	}
	title, _ := ev.Data["title"].(string)
	link, _ := ev.Data["link"].(string)
	outcome, _ := ev.Data["outcome"].(string)
	body := title
	if f, ok := bodies[ev.Type]; ok {
		if ev.Type == event.ApprovalDecided || ev.Type == event.AttendanceFieldReviewed {
			body = fmt.Sprintf(f, title, outcome)
		} else {
			body = fmt.Sprintf(f, title)
		}
	}
	if title == "" {
		title = ev.Type
	}
	var out []Notification
	var seen []string
	for _, uid := range ev.Recipients {
		if uid == "" || slices.Contains(seen, uid) || (uid == ev.ActorID && ev.Type != event.DingReceived) {
			continue
		}
		seen = append(seen, uid)
		out = append(out, Notification{
			ID: newID(), UserID: uid, EventID: ev.ID, Type: ev.Type,
			SubjectType: ev.SubjectType, SubjectID: ev.SubjectID, ActorID: ev.ActorID,
			Title: title, Body: body, Link: link, Data: ev.Data, CreatedAt: ev.CreatedAt,
		})
	}
	return out
}
