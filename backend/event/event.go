// Package event is the contract of the events Tack emits: each type is a
// named constant here with the struct its data is marshalled from. The
// server's emitters and consumers, the desktop client (app/) and the web UI
// (frontend/src/api/events.gen.ts, generated from this file) all derive from
// it, so a type or a field exists in one place. It imports nothing of Tack:
// every domain and the desktop client may import it.
//
// To add an event: a constant and its payload struct here, a line in
// Payloads, `go generate ./backend/event/` (the test fails while the
// TypeScript is stale), then emit it with notify.Emit(tx, &notify.Event{Type:
// event.X, Data: event.Data(event.Y{...})}).
package event

//go:generate go run ./gen

import "encoding/json"

// The event types. The dotted name is what the events table, the SSE stream
// and the notification rows carry.
const (
	ApprovalTaskAssigned = "approval.task_assigned"
	ApprovalProgressed   = "approval.progressed"
	ApprovalDecided      = "approval.decided"
	ApprovalCC           = "approval.cc"
	ApprovalReturned     = "approval.returned"
	ApprovalWithdrawn    = "approval.withdrawn"
	ApprovalComment      = "approval.comment"
	ApprovalReminder     = "approval.reminder"
	ApprovalOverdue      = "approval.overdue"

	MeetingInvited          = "meeting.invited"
	MeetingChanged          = "meeting.changed"
	MeetingCancelled        = "meeting.cancelled"
	MeetingReminder         = "meeting.reminder"
	MeetingMinutesPublished = "meeting.minutes_published"

	TaskAssigned = "task.assigned"
	TaskOverdue  = "task.overdue"

	DriveShared = "drive.shared"

	DingReceived = "ding.received"
	// DingAcked tells a DING's sender, live, that one receiver confirmed
	// it, so the sender's page counts down without a reload. It goes to
	// the sender only and makes no notification (notify/rules.go liveOnly).
	DingAcked             = "ding.acked"
	AnnouncementPublished = "announcement.published"

	OrgUserDeactivated = "org.user_deactivated"
	OrgPasswordReset   = "org.password_reset"

	ReportSubmitted = "report.submitted"
	ReportCommented = "report.commented"
	// Chat events reach live streams and the replay only: chat keeps its
	// own unread counts (one read watermark per member), so they make no
	// notification rows (notify/rules.go liveOnly).
	ChatMessage      = "chat.message"
	ChatRead         = "chat.read"
	ChatConversation = "chat.conversation"
	// ChatAnnouncement is a new group announcement (群公告): unlike the
	// other chat events it makes a notification per member, as company
	// announcements do (announcements are rare).
	ChatAnnouncement = "chat.announcement"
	// ChatBusySummary tells a person who sat in a meeting how many new
	// messages one of their groups got meanwhile: one notification per busy
	// group after the meeting, instead of none at all while it ran.
	ChatBusySummary      = "chat.busy_summary"
	AttendanceFieldPunch = "attendance.field_punch"
	// ReportReminder reminds an expected writer before the due time;
	// ReportMissing is the leader's one summary of who has not written.
	ReportReminder = "report.reminder"
	ReportMissing  = "report.missing"
	// ReportMentioned tells the people @-mentioned in a report or in one
	// of its comments (Comment, By set), who may then read it.
	ReportMentioned      = "report.mentioned"
	AttendanceReminder   = "attendance.reminder"
	AttendanceSummary    = "attendance.summary"
	AttendanceMonthReady = "attendance.month_ready"
	// AttendanceFieldReviewed tells the employee the head's decision on
	// their field punch (approved or rejected).
	AttendanceFieldReviewed = "attendance.field_reviewed"

	// StreamsClosed ends a user's live event streams (account deactivated,
	// sessions revoked). It has no recipients: never a notification.
	StreamsClosed = "auth.streams_closed"
)

// Payloads maps every type to its payload struct (a zero value). The
// generator and the contract test read it.
var Payloads = map[string]any{
	ApprovalTaskAssigned: Approval{}, ApprovalProgressed: Approval{}, ApprovalDecided: Approval{},
	ApprovalCC: Approval{}, ApprovalReturned: Approval{}, ApprovalWithdrawn: Approval{},
	ApprovalComment: Approval{}, ApprovalReminder: Approval{}, ApprovalOverdue: Approval{},

	MeetingInvited: Meeting{}, MeetingChanged: Meeting{}, MeetingCancelled: Meeting{},
	MeetingReminder: Meeting{}, MeetingMinutesPublished: Meeting{},

	TaskAssigned: Task{}, TaskOverdue: Task{},
	DriveShared: DriveShare{},

	DingReceived:          Ding{},
	DingAcked:             DingAck{},
	AnnouncementPublished: Announcement{},

	OrgUserDeactivated: UserDeactivated{},
	OrgPasswordReset:   PasswordReset{},
	StreamsClosed:      Streams{},
	ReportSubmitted:    Report{}, ReportCommented: Report{},

	ChatMessage: Message{}, ChatRead: ReadMark{}, ChatConversation: Conversation{},
	ChatAnnouncement: ChatAnnouncementData{}, ChatBusySummary: ChatBusy{},

	AttendanceFieldPunch: AttendancePunch{},
	ReportReminder:       Report{}, ReportMissing: Report{},
	ReportMentioned:    Report{},
	AttendanceReminder: AttendanceRemind{}, AttendanceSummary: AttendanceDaySummary{},
	AttendanceMonthReady:    AttendanceMonth{},
	AttendanceFieldReviewed: AttendanceFieldReview{},
}

// Every payload but Streams has Title (the subject's human text, shown as
// is) and Link (the page the notification opens).

// Approval is the data of the approval.* events.
type Approval struct {
	Title   string `json:"title"`
	TitleEn string `json:"title_en"`
	Link    string `json:"link"`
	Number  string `json:"number"`
	// Outcome is the decision of approval.decided: approved, rejected, ...
	Outcome string `json:"outcome,omitempty"`
	// ToNode is the step approval.returned sends the request back to.
	ToNode  *int   `json:"to_node,omitempty"`
	Comment string `json:"comment,omitempty"`
	// By is who reminds (approval.reminder: applicant or sla) or, for
	// approval.progressed, the approver's user ID.
	By     string `json:"by,omitempty"`
	Step   string `json:"step,omitempty"` // approval.progressed: the step passed
	StepEn string `json:"step_en,omitempty"`
	// Stage counts the SLA reminders of one task.
	Stage      int    `json:"stage,omitempty"`
	TaskID     string `json:"task_id,omitempty"`
	ApproverID string `json:"approver_id,omitempty"`
	// Escalated marks approval.overdue sent to the approver's manager.
	Escalated bool `json:"escalated,omitempty"`
}

// Meeting is the data of the meeting.* events. Times are RFC 3339.
type Meeting struct {
	Title     string `json:"title"`
	Link      string `json:"link"`
	Start     string `json:"start"`
	End       string `json:"end"`
	RoomID    string `json:"room_id"`
	TimeZone  string `json:"time_zone"`
	RRule     string `json:"rrule"`
	Where     string `json:"where"`
	OnlineURL string `json:"online_url"`
	Organizer string `json:"organizer,omitempty"`
	// Changes says what meeting.changed changed: time, place, details.
	Changes []string `json:"changes,omitempty"`
	// One sitting of a series: its original start, its hours, and whether
	// only it was cancelled.
	Occurrence          string `json:"occurrence,omitempty"`
	OccurrenceStart     string `json:"occurrence_start,omitempty"`
	OccurrenceEnd       string `json:"occurrence_end,omitempty"`
	OccurrenceCancelled bool   `json:"occurrence_cancelled,omitempty"`
	// OrganizerHandoverFrom names the organizer who left the company.
	OrganizerHandoverFrom string `json:"organizer_handover_from,omitempty"`
	MinutesBefore         int    `json:"minutes_before,omitempty"`
	DocumentID            string `json:"document_id,omitempty"`
	DocumentName          string `json:"document_name,omitempty"`
}

// Task is the data of task.assigned and task.overdue.
type Task struct {
	Title        string `json:"title"`
	Link         string `json:"link"`
	Due          string `json:"due"` // YYYY-MM-DD or ""
	MeetingID    string `json:"meeting_id"`
	MeetingTitle string `json:"meeting_title,omitempty"`
	FromUser     string `json:"from_user,omitempty"` // handed over from someone who left
}

// DriveShare is the data of drive.shared.
type DriveShare struct {
	Title   string `json:"title"`
	Link    string `json:"link"`
	Role    string `json:"role"`
	Kind    string `json:"kind"`
	SpaceID string `json:"space_id"`
	By      string `json:"by"` // the sharer's name
}

// Ding is the data of ding.received.
type Ding struct {
	Title       string `json:"title"`
	Link        string `json:"link"`
	DingID      string `json:"ding_id"`
	Message     string `json:"message"`
	SenderID    string `json:"sender_id"`
	SenderName  string `json:"sender_name"`
	Auto        bool   `json:"auto"`
	SubjectType string `json:"subject_type"`
	SubjectID   string `json:"subject_id"`
	// Content is set on the DINGs Tack writes itself; clients render it in
	// the reader's language. Message is then its English text, for email
	// and older clients.
	Content *DingContent `json:"content,omitempty"`
}

// DingAck is the data of ding.acked: who confirmed, and the DING's counts
// after it, so a page can update without asking.
type DingAck struct {
	Title    string `json:"title"` // the DING's message
	Link     string `json:"link"`
	DingID   string `json:"ding_id"`
	UserID   string `json:"user_id"` // the receiver who confirmed
	UserName string `json:"user_name"`
	AckedAt  string `json:"acked_at"` // RFC 3339
	Acked    int    `json:"acked"`    // receivers who have confirmed, this one included
	Total    int    `json:"total"`    // receivers
}

// The kinds of DING Tack writes itself.
const (
	// DingUnread: the escalation policy's DING about must-read notices
	// left unread (Count of them, the first Items).
	DingUnread = "unread"
	// DingPleaseRead: an announcement's publisher reminds those who have
	// not read it (one Item, the announcement).
	DingPleaseRead = "please_read"
)

// DingKinds lists the kinds, for the generator and the tests.
var DingKinds = []string{DingUnread, DingPleaseRead}

// DingContent is what a DING written by Tack says, as fields instead of a
// sentence: what kind, how many, and which notices (with links).
type DingContent struct {
	Kind  string     `json:"kind"`
	Count int        `json:"count"`
	Items []DingItem `json:"items"`
}

// Titles are the items' titles for a reader of English (an approval's
// English title where it has one) or not.
func (c *DingContent) Titles(english bool) []string {
	out := make([]string, len(c.Items))
	for i, it := range c.Items {
		out[i] = it.Title
		if english && it.TitleEn != "" {
			out[i] = it.TitleEn
		}
	}
	return out
}

// DingItem is one notice a DING is about.
type DingItem struct {
	Type    string `json:"type,omitempty"` // the notice's event type
	Title   string `json:"title"`
	TitleEn string `json:"title_en,omitempty"` // approvals have an English title
	Link    string `json:"link,omitempty"`
}

// Announcement is the data of announcement.published.
type Announcement struct {
	Title         string `json:"title"`
	Link          string `json:"link"`
	RequireAck    bool   `json:"require_ack"`
	PublisherName string `json:"publisher_name"`
}

// UserDeactivated is the data of org.user_deactivated.
type UserDeactivated struct {
	Title     string `json:"title"` // the person's name
	Link      string `json:"link"`
	UserID    string `json:"user_id"`
	ManagerID string `json:"manager_id"` // who takes over their work; "" when nobody
}

// PasswordReset is the data of org.password_reset.
type PasswordReset struct {
	Title  string `json:"title"` // the admin's name
	Link   string `json:"link"`
	ByID   string `json:"by_id"`
	ByName string `json:"by_name"`
}

// Streams is the data of auth.streams_closed.
type Streams struct {
	UserID string `json:"user_id"`
	// Sessions whose streams end; empty: all of the user's.
	Sessions []string `json:"sessions"`
}

// Message is the data of chat.message: a message was sent, edited or
// recalled in a conversation the recipient is a member of. A client that
// sees a Seq beyond the next one it expects fetches the gap by sequence.
type Message struct {
	Title          string   `json:"title"` // the conversation's name ("" for a direct chat)
	Link           string   `json:"link"`
	ConversationID string   `json:"conversation_id"`
	MessageID      string   `json:"message_id"`
	Seq            int64    `json:"seq"`
	Action         string   `json:"action"` // new, edited, recalled
	SenderID       string   `json:"sender_id"`
	SenderName     string   `json:"sender_name"`
	Body           string   `json:"body"` // "" when recalled
	Mentions       []string `json:"mentions"`
	MentionAll     bool     `json:"mention_all"`
	Direct         bool     `json:"direct"` // a direct chat (desktop notifications)
}

// ReadMark is the data of chat.read: UserID has read the conversation up to
// Seq. It goes to the reader (their other devices) and to the senders of the
// messages it covers (their "N unread" counts).
type ReadMark struct {
	Title          string `json:"title"`
	Link           string `json:"link"`
	ConversationID string `json:"conversation_id"`
	UserID         string `json:"user_id"`
	Seq            int64  `json:"seq"`
}

// Conversation is the data of chat.conversation: a conversation the
// recipient is (or was, for removed) in was created or changed.
type Conversation struct {
	Title          string `json:"title"`
	Link           string `json:"link"`
	ConversationID string `json:"conversation_id"`
	Change         string `json:"change"` // created, updated, members, removed, dissolved
}

// ChatAnnouncementData is the data of chat.announcement.
type ChatAnnouncementData struct {
	Title          string `json:"title"` // the group's name
	Link           string `json:"link"`
	ConversationID string `json:"conversation_id"`
	Body           string `json:"body"` // the first 200 characters
	AuthorName     string `json:"author_name"`
}

// ChatBusy is the data of chat.busy_summary. From and To (RFC 3339) are
// the meeting's sitting.
type ChatBusy struct {
	Title          string `json:"title"` // the group's name
	Link           string `json:"link"`
	ConversationID string `json:"conversation_id"`
	Count          int    `json:"count"` // new messages from others, still unread
	From           string `json:"from"`
	To             string `json:"to"`
}

// Data turns a payload into the events table's data map (through JSON, so
// it reads exactly as a consumer will read it back from the table).
func Data(payload any) map[string]any {
	b, err := json.Marshal(payload)
	if err != nil {
		panic("event: payload does not marshal: " + err.Error()) // only plain structs live here
	}
	out := map[string]any{}
	if err := json.Unmarshal(b, &out); err != nil {
		panic("event: payload is not an object: " + err.Error())
	}
	return out
}

// Decode reads an event's data map back into its payload struct.
func Decode[T any](data map[string]any) (T, error) {
	var p T
	b, err := json.Marshal(data)
	if err != nil {
		return p, err
	}
	err = json.Unmarshal(b, &p)
	return p, err
}

// Report is the data of report.submitted (to the recipients) and
// report.commented (to the writer and the others in the thread).
type Report struct {
	Title      string `json:"title"`
	Link       string `json:"link"`
	ReportID   string `json:"report_id"`
	TemplateID string `json:"template_id"`
	Period     string `json:"period"`
	WriterID   string `json:"writer_id"`
	WriterName string `json:"writer_name"`
	Late       bool   `json:"late,omitempty"`
	// Comment is report.commented's text (its start), By its author's name.
	Comment string `json:"comment,omitempty"`
	By      string `json:"by,omitempty"`
	// Missing is report.missing's count of writers who have not written.
	Missing int `json:"missing,omitempty"`
}

// AttendancePunch is the data of attendance.field_punch: a field punch (外勤)
// for the person's department head to review. Title is the person's name.
type AttendancePunch struct {
	Title string `json:"title"`
	Link  string `json:"link"`
	Note  string `json:"note"`
	// NeedsApproval: the group counts the punch only once the head approves it.
	NeedsApproval bool `json:"needs_approval,omitempty"`
}

// AttendanceFieldReview is the data of attendance.field_reviewed: the
// head's decision on the employee's field punch. Title is the punch's date
// and time ("2026-01-06 10:15", company time), Outcome approved or
// rejected, Reason the head's words, By the head's name.
type AttendanceFieldReview struct {
	Title   string `json:"title"`
	Link    string `json:"link"`
	Date    string `json:"date"`
	Outcome string `json:"outcome"`
	Reason  string `json:"reason,omitempty"`
	By      string `json:"by"`
	// Counted: the punch now counts in the day (an approved punch of a
	// group with field approval).
	Counted bool `json:"counted,omitempty"`
}

// AttendanceRemind is the data of attendance.reminder: the person has not
// punched in before their shift starts (Kind "in") or out after it ended
// (Kind "out"). Title is the shift's name, At the shift's start or end.
type AttendanceRemind struct {
	Title string `json:"title"`
	Link  string `json:"link"`
	Kind  string `json:"kind"`
	Date  string `json:"date"`
	At    string `json:"at"` // RFC 3339
}

// AttendanceDaySummary is the data of attendance.summary: the morning
// summary of yesterday's exceptions to the employee. Title is the date.
type AttendanceDaySummary struct {
	Title        string   `json:"title"`
	Link         string   `json:"link"`
	Date         string   `json:"date"`
	Status       string   `json:"status"`
	Flags        []string `json:"flags"`
	LateMinutes  int      `json:"late_minutes"`
	EarlyMinutes int      `json:"early_minutes"`
}

// AttendanceMonth is the data of attendance.month_ready: last month's
// report of a department for its head to confirm by DueOn. Title is the
// department's name and the month.
type AttendanceMonth struct {
	Title        string `json:"title"`
	Link         string `json:"link"`
	Month        string `json:"month"`
	DepartmentID string `json:"department_id"`
	DueOn        string `json:"due_on"`
}
