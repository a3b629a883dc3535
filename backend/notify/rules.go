package notify

import (
	"fmt"
	"slices"
)

// bodies are the English fallbacks per event type; the UI translates by type.
var bodies = map[string]string{
	"approval.task_assigned":    "An approval is waiting for you: %s",
	"approval.decided":          "Your approval was %[2]s: %[1]s",
	"approval.cc":               "You were copied on an approval: %s",
	"approval.reminder":         "Reminder: please handle the approval %s",
	"approval.overdue":          "Approval is overdue: %s",
	"approval.withdrawn":        "Approval withdrawn: %s",
	"approval.returned":         "Approval returned: %s",
	"approval.comment":          "New comment on approval: %s",
	"approval.progressed":       "Your approval moved to the next step: %s",
	"meeting.invited":           "You are invited to a meeting: %s",
	"meeting.changed":           "Meeting changed: %s",
	"meeting.cancelled":         "Meeting cancelled: %s",
	"meeting.reminder":          "Meeting starting soon: %s",
	"meeting.minutes_published": "Minutes published: %s",
	"task.assigned":             "A task was assigned to you: %s",
	"task.overdue":              "Task overdue: %s",
	"drive.shared":              "A file was shared with you: %s",
	"ding.received":             "DING: %s",
	"announcement.published":    "New announcement: %s",
	"org.user_deactivated":      "User deactivated: %s",
	"org.password_reset":        "Your password was reset by %s; choose a new one when you sign in",
}

// notificationsFor applies the rules: one notification per recipient (never
// to the actor who caused the event), title from data.title, link from
// data.link, type and data kept so the UI can translate.
func notificationsFor(ev Event, newID func() string) []Notification {
	title, _ := ev.Data["title"].(string)
	link, _ := ev.Data["link"].(string)
	outcome, _ := ev.Data["outcome"].(string)
	body := title
	if f, ok := bodies[ev.Type]; ok {
		if ev.Type == "approval.decided" {
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
		if uid == "" || slices.Contains(seen, uid) || (uid == ev.ActorID && ev.Type != "ding.received") {
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
