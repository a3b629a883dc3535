package meeting

import "time"

// Meeting statuses.
const (
	StatusActive    = "active"
	StatusCancelled = "cancelled"
)

// RSVP responses.
const (
	ResponsePending   = "pending"
	ResponseAccepted  = "accepted"
	ResponseDeclined  = "declined"
	ResponseTentative = "tentative"
)

// Task statuses.
const (
	TaskOpen = "open"
	TaskDone = "done"
)

// Room is a bookable meeting room. Admins manage rooms; everyone may list them.
type Room struct {
	ID        string    `gorm:"primaryKey" json:"id"`
	Name      string    `json:"name"`
	Capacity  int       `json:"capacity"`
	Location  string    `json:"location"`
	Equipment []string  `gorm:"serializer:json" json:"equipment"`
	Active    bool      `json:"active"`
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// TableName keeps the table name stable.
func (Room) TableName() string { return "meeting_rooms" }

// Meeting is a single meeting or a recurring series. StartAt/EndAt are the
// first occurrence (DTSTART/DTEND) in UTC; recurrence is expanded in TimeZone.
// SpanStart/SpanEnd bound every occurrence (incl. moved ones) for queries;
// SpanEnd is nil for an endless series.
type Meeting struct {
	ID              string     `gorm:"primaryKey" json:"id"`
	Title           string     `json:"title"`
	OrganizerID     string     `json:"organizer_id"`
	MinuteTakerID   string     `json:"minute_taker_id"`
	RoomID          string     `json:"room_id"`
	Place           string     `json:"place"`
	OnlineURL       string     `gorm:"column:online_url" json:"online_url"`
	Agenda          string     `json:"agenda"`
	Attachments     []string   `gorm:"serializer:json" json:"attachments"`
	TimeZone        string     `json:"time_zone"`
	StartAt         time.Time  `json:"start"`
	EndAt           time.Time  `json:"end"`
	RRule           string     `gorm:"column:rrule" json:"rrule"`
	SpanStart       time.Time  `json:"-"`
	SpanEnd         *time.Time `json:"-"`
	ReminderMinutes int        `json:"reminder_minutes"`
	Status          string     `json:"status"`
	Version         int        `json:"version"`
	CreatedAt       time.Time  `json:"created_at"`
	UpdatedAt       time.Time  `json:"updated_at"`

	Attendees  []Attendee  `gorm:"-" json:"attendees"`
	Exceptions []Exception `gorm:"-" json:"exceptions"`
}

// TableName keeps the table name stable.
func (Meeting) TableName() string { return "meetings" }

// Attendee is one invited person and their answer.
type Attendee struct {
	MeetingID   string     `gorm:"primaryKey" json:"-"`
	UserID      string     `gorm:"primaryKey" json:"user_id"`
	Response    string     `json:"response"`
	RespondedAt *time.Time `json:"responded_at"`
}

// TableName keeps the table name stable.
func (Attendee) TableName() string { return "meeting_attendees" }

// Exception overrides one occurrence of a series, keyed by its original start
// (iCalendar RECURRENCE-ID); Cancelled ones are EXDATEs.
type Exception struct {
	MeetingID     string    `gorm:"primaryKey" json:"-"`
	OriginalStart time.Time `gorm:"primaryKey" json:"original_start"`
	Cancelled     bool      `json:"cancelled"`
	StartAt       time.Time `json:"start"`
	EndAt         time.Time `json:"end"`
}

// TableName keeps the table name stable.
func (Exception) TableName() string { return "meeting_exceptions" }

// reminderSent marks that the reminder for one occurrence went out.
type reminderSent struct {
	MeetingID       string    `gorm:"primaryKey"`
	OccurrenceStart time.Time `gorm:"primaryKey"`
	SentAt          time.Time
}

func (reminderSent) TableName() string { return "meeting_reminders_sent" }

// ActionItem is a follow-up recorded in the minutes; publishing turns it into a Task.
type ActionItem struct {
	Title   string `json:"title"`
	OwnerID string `json:"owner_id"`
	Due     string `json:"due"` // YYYY-MM-DD, optional
	TaskID  string `json:"task_id,omitempty"`
}

// Minutes are the record of one occurrence of a meeting.
type Minutes struct {
	MeetingID       string       `gorm:"primaryKey" json:"meeting_id"`
	OccurrenceStart time.Time    `gorm:"primaryKey" json:"occurrence_start"`
	Present         []string     `gorm:"serializer:json" json:"present"`
	Absent          []string     `gorm:"serializer:json" json:"absent"`
	Discussion      string       `json:"discussion"`
	Decisions       []string     `gorm:"serializer:json" json:"decisions"`
	ActionItems     []ActionItem `gorm:"serializer:json" json:"action_items"`
	Status          string       `json:"status"` // draft | published
	DocumentID      string       `json:"document_id"`
	PublishedAt     *time.Time   `json:"published_at"`
	UpdatedBy       string       `json:"updated_by"`
	Version         int          `json:"version"`
	CreatedAt       time.Time    `json:"created_at"`
	UpdatedAt       time.Time    `json:"updated_at"`
}

// TableName keeps the table name stable.
func (Minutes) TableName() string { return "meeting_minutes" }

// Task is an action item someone owns until it is done.
type Task struct {
	ID              string     `gorm:"primaryKey" json:"id"`
	OwnerID         string     `json:"owner_id"`
	Title           string     `json:"title"`
	DueDate         string     `json:"due"`    // YYYY-MM-DD or ""
	DueAt           *time.Time `json:"due_at"` // end of the due day in the meeting's zone
	Status          string     `json:"status"` // open | done
	MeetingID       string     `json:"meeting_id"`
	CreatedBy       string     `json:"created_by"`
	OverdueNotified bool       `json:"-"`
	Version         int        `json:"version"`
	CreatedAt       time.Time  `json:"created_at"`
	UpdatedAt       time.Time  `json:"updated_at"`
	DoneAt          *time.Time `json:"done_at"`
	Overdue         bool       `gorm:"-" json:"overdue"`
}

// TableName keeps the table name stable.
func (Task) TableName() string { return "tasks" }

// calendarToken is the hash of a user's private feed token.
type calendarToken struct {
	UserID     string `gorm:"primaryKey"`
	TokenHash  string
	CreatedAt  time.Time
	LastUsedAt *time.Time
}

func (calendarToken) TableName() string { return "calendar_tokens" }

// Occurrence is one concrete sitting of a meeting, as listed in calendars.
// BusyOnly hides the details from people who are not invited.
type Occurrence struct {
	MeetingID     string    `json:"meeting_id"`
	OriginalStart time.Time `json:"original_start"`
	Start         time.Time `json:"start"`
	End           time.Time `json:"end"`
	Title         string    `json:"title"`
	RoomID        string    `json:"room_id"`
	Place         string    `json:"place,omitempty"`
	OnlineURL     string    `json:"online_url,omitempty"`
	OrganizerID   string    `json:"organizer_id,omitempty"`
	Recurring     bool      `json:"recurring"`
	Moved         bool      `json:"moved"`
	BusyOnly      bool      `json:"busy_only"`
	Response      string    `json:"response,omitempty"`
}

// Interval is a half-open span of time [Start, End).
type Interval struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

// MeetingInput creates or (with Version) replaces a meeting's fields.
// Start/End are RFC 3339, or local wall time "2006-01-02T15:04" in TimeZone.
type MeetingInput struct {
	Title           string   `json:"title"`
	Start           string   `json:"start"`
	End             string   `json:"end"`
	TimeZone        string   `json:"time_zone"`
	RoomID          string   `json:"room_id"`
	Place           string   `json:"place"`
	OnlineURL       string   `json:"online_url"`
	AttendeeIDs     []string `json:"attendee_ids"`
	MinuteTakerID   string   `json:"minute_taker_id"`
	Agenda          string   `json:"agenda"`
	Attachments     []string `json:"attachments"`
	RRule           string   `json:"rrule"`
	ReminderMinutes *int     `json:"reminder_minutes"`
	Version         int      `json:"version"`
}

// OccurrenceInput moves or cancels one occurrence of a series.
type OccurrenceInput struct {
	OriginalStart time.Time `json:"original_start"`
	Start         string    `json:"start"`
	End           string    `json:"end"`
	Cancelled     bool      `json:"cancelled"`
	Version       int       `json:"version"`
}

// RoomInput creates or updates a room.
type RoomInput struct {
	Name      string   `json:"name"`
	Capacity  int      `json:"capacity"`
	Location  string   `json:"location"`
	Equipment []string `json:"equipment"`
	Version   int      `json:"version"`
}

// SaveResult is a saved meeting plus attendee clash warnings.
type SaveResult struct {
	Meeting  Meeting   `json:"meeting"`
	Warnings []Warning `json:"warnings"`
}

// Warning is something about a saved meeting its organizer should know:
// "attendee_busy" (UserID has MeetingID at the same time) or
// "attachment_not_shared" (the drive Attachment could not be shared with
// the attendees: the organizer may not share it).
type Warning struct {
	Code       string    `json:"code"`
	UserID     string    `json:"user_id,omitempty"`
	MeetingID  string    `json:"meeting_id,omitempty"`
	Start      time.Time `json:"start,omitzero"`
	End        time.Time `json:"end,omitzero"`
	Attachment string    `json:"attachment,omitempty"`
}
