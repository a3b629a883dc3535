package notify

import (
	"time"

	"tack/backend/event"
)

// Notification is one event as one user sees it in the notification center.
// Title is the subject's human text (data.title); Body is an English fallback;
// the UI translates by Type with Data.
type Notification struct {
	ID          string         `gorm:"primaryKey" json:"id"`
	UserID      string         `json:"user_id"`
	EventID     int64          `json:"event_id"`
	Type        string         `json:"type"`
	SubjectType string         `json:"subject_type"`
	SubjectID   string         `json:"subject_id"`
	ActorID     string         `json:"actor_id"`
	Title       string         `json:"title"`
	Body        string         `json:"body"`
	Link        string         `json:"link"`
	Data        map[string]any `gorm:"serializer:json" json:"data"`
	ReadAt      *time.Time     `json:"read_at"`
	EscalatedAt *time.Time     `json:"-"`
	EmailedAt   *time.Time     `json:"-"`
	CreatedAt   time.Time      `json:"created_at"`
}

// TableName keeps the table name stable.
func (Notification) TableName() string { return "notifications" }

// Ding is an urgent reminder that each receiver must acknowledge.
type Ding struct {
	ID          string `gorm:"primaryKey" json:"id"`
	SenderID    string `json:"sender_id"`
	SenderName  string `json:"sender_name"`
	Message     string `json:"message"`
	SubjectType string `json:"subject_type"`
	SubjectID   string `json:"subject_id"`
	Auto        bool   `json:"auto"` // sent by the escalation policy
	// Content is what a DING Tack writes itself says (an automatic DING,
	// an announcement reminder), as fields the clients render in the
	// reader's language; Message is then its English text. Nil on a
	// person's own DING.
	Content   *event.DingContent `gorm:"serializer:json" json:"content,omitempty"`
	CreatedAt time.Time          `json:"created_at"`
	Receipts  []DingReceipt      `gorm:"-" json:"receipts"`
	// Acked is the viewer's own acknowledgement time (received box).
	AckedAt  *time.Time `gorm:"-" json:"acked_at,omitempty"`
	Receiver bool       `gorm:"-" json:"receiver"` // the viewer is a receiver
}

// TableName keeps the table name stable.
func (Ding) TableName() string { return "dings" }

// DingReceipt says whether one receiver has acknowledged a DING.
type DingReceipt struct {
	DingID  string     `gorm:"primaryKey" json:"-"`
	UserID  string     `gorm:"primaryKey" json:"user_id"`
	Name    string     `gorm:"-" json:"name"`
	AckedAt *time.Time `json:"acked_at"`
}

// TableName keeps the table name stable.
func (DingReceipt) TableName() string { return "ding_receipts" }

// DingRequest is the body of POST /ding.
type DingRequest struct {
	Recipients  []string `json:"recipients"`
	Message     string   `json:"message"`
	SubjectType string   `json:"subject_type"`
	SubjectID   string   `json:"subject_id"`
}

// Announcement is a company notice (公告) to everyone or to departments.
type Announcement struct {
	ID            string     `gorm:"primaryKey" json:"id"`
	Title         string     `json:"title"`
	Body          string     `json:"body"`
	Format        string     `json:"format"` // markdown | plain
	RequireAck    bool       `json:"require_ack"`
	Everyone      bool       `json:"everyone"`
	DepartmentIDs []string   `gorm:"serializer:json" json:"department_ids"`
	PublisherID   string     `json:"publisher_id"`
	PublisherName string     `json:"publisher_name"`
	CreatedAt     time.Time  `json:"created_at"`
	ReadAt        *time.Time `gorm:"-" json:"read_at"`  // the viewer's
	AckedAt       *time.Time `gorm:"-" json:"acked_at"` // the viewer's
}

// TableName keeps the table name stable.
func (Announcement) TableName() string { return "announcements" }

// AnnouncementReceipt is one audience member's read/acknowledge state.
type AnnouncementReceipt struct {
	AnnouncementID string     `gorm:"primaryKey" json:"-"`
	UserID         string     `gorm:"primaryKey" json:"user_id"`
	Name           string     `gorm:"-" json:"name"`
	ReadAt         *time.Time `json:"read_at"`
	AckedAt        *time.Time `json:"acked_at"`
}

// TableName keeps the table name stable.
func (AnnouncementReceipt) TableName() string { return "announcement_receipts" }

// AnnouncementRequest is the body of POST /announcements.
type AnnouncementRequest struct {
	Title         string   `json:"title"`
	Body          string   `json:"body"`
	Format        string   `json:"format"`
	RequireAck    bool     `json:"require_ack"`
	Everyone      bool     `json:"everyone"`
	DepartmentIDs []string `json:"department_ids"`
}

// Receipts groups an announcement's audience by state.
type Receipts struct {
	Read         []AnnouncementReceipt `json:"read"`
	Acknowledged []AnnouncementReceipt `json:"acknowledged"`
	NotYet       []AnnouncementReceipt `json:"not_yet"`
}
