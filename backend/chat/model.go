package chat

import "time"

// Conversation kinds.
const (
	KindDirect     = "direct"
	KindAllStaff   = "all_staff"
	KindDepartment = "department"
	KindProject    = "project"
	KindTemporary  = "temporary"
)

// Member roles in a group (a direct chat's two people are members).
const (
	RoleOwner  = "owner"
	RoleAdmin  = "admin"
	RoleMember = "member"
)

// Policies: who may post, who may add members.
const (
	PolicyAll    = "all"
	PolicyAdmins = "admins"
)

// Message actions carried by chat.message events.
const (
	ActionNew      = "new"
	ActionEdited   = "edited"
	ActionRecalled = "recalled"
)

// Conversation is a direct chat or a group. LastSeq is the sequence number
// of its newest message; each message takes the next one in its write
// transaction. DirectKey ("<id>|<id>", sorted) makes one direct chat per
// pair. DepartmentID is set for department and all-staff groups (the root).
type Conversation struct {
	ID            string     `gorm:"primaryKey" json:"id"`
	Kind          string     `json:"kind"`
	Name          string     `json:"name"`
	OwnerID       string     `json:"owner_id"`
	DirectKey     *string    `json:"-"`
	DepartmentID  string     `json:"department_id"`
	IncludeSub    bool       `json:"include_sub"`
	PostPolicy    string     `json:"post_policy"`
	AddPolicy     string     `json:"add_policy"`
	LastSeq       int64      `json:"last_seq"`
	LastMessageAt *time.Time `json:"last_message_at"`
	ArchivedAt    *time.Time `json:"archived_at"`
	// The group announcement (群公告): its text ("" none), author, time and
	// version (each new text is a new version; members read it by version).
	Announcement        string     `json:"announcement"`
	AnnouncementBy      string     `json:"announcement_by"`
	AnnouncementAt      *time.Time `json:"announcement_at"`
	AnnouncementVersion int        `json:"announcement_version"`
	Version             int        `json:"version"`
	CreatedAt           time.Time  `json:"created_at"`
	UpdatedAt           time.Time  `json:"updated_at"`
}

// TableName keeps the table name stable.
func (Conversation) TableName() string { return "chat_conversations" }

// orgManaged reports whether the members follow the org tree.
func (c *Conversation) orgManaged() bool { return c.Kind == KindAllStaff || c.Kind == KindDepartment }

// Member is one person in a conversation. ReadSeq is their read watermark:
// every message with a sequence up to it is read. JoinedSeq is LastSeq when
// they joined; older messages do not count them as unread.
type Member struct {
	ConversationID string    `gorm:"primaryKey" json:"conversation_id"`
	UserID         string    `gorm:"primaryKey" json:"user_id"`
	Role           string    `json:"role"`
	ReadSeq        int64     `json:"read_seq"`
	JoinedSeq      int64     `json:"joined_seq"`
	Muted          bool      `json:"muted"`
	Pinned         bool      `json:"pinned"`
	JoinedAt       time.Time `json:"joined_at"`
	// AnnouncementRead is the announcement version the member last read.
	AnnouncementRead int    `json:"announcement_read"`
	Name             string `gorm:"-" json:"name"`
}

// TableName keeps the table name stable.
func (Member) TableName() string { return "chat_members" }

func (m *Member) isAdmin() bool { return m.Role == RoleOwner || m.Role == RoleAdmin }

// Message is one message. ClientKey is the sender's idempotency key: a
// retried send with the same key returns the first message.
type Message struct {
	ID              string   `gorm:"primaryKey" json:"id"`
	ConversationID  string   `json:"conversation_id"`
	Seq             int64    `json:"seq"`
	SenderID        string   `json:"sender_id"`
	ClientKey       string   `json:"client_key"`
	Kind            string   `json:"kind"`
	Body            string   `json:"body"`
	Mentions        []string `gorm:"serializer:json" json:"mentions"`
	MentionAll      bool     `json:"mention_all"`
	ReplyToID       string   `json:"reply_to_id"`
	ForwardedFromID string   `json:"forwarded_from_id"`
	// FileID and File: the drive file of a file or image message (FileID
	// alone is indexed: a forwarded copy shares the file, which is deleted
	// when no message refers to it any more).
	FileID     string     `json:"-"`
	File       *FileRef   `gorm:"serializer:json" json:"file,omitempty"`
	EditedAt   *time.Time `json:"edited_at"`
	RecalledAt *time.Time `json:"recalled_at"`
	RecalledBy string     `json:"recalled_by"`
	CreatedAt  time.Time  `json:"created_at"`
}

// TableName keeps the table name stable.
func (Message) TableName() string { return "chat_messages" }

// MessageView is a message as a member reads it: the sender's name, the
// quoted message and, on the reader's own messages, how many have not read it.
type MessageView struct {
	Message
	SenderName string `json:"sender_name"`
	Reply      *Quote `json:"reply,omitempty"`
	// Unread counts the members (besides the sender) whose watermark is
	// below this message; only on the reader's own messages, else -1.
	Unread int `json:"unread"`
}

// Quote is the message a reply quotes, shortened.
type Quote struct {
	ID         string `json:"id"`
	Seq        int64  `json:"seq"`
	SenderID   string `json:"sender_id"`
	SenderName string `json:"sender_name"`
	Body       string `json:"body"`
	Recalled   bool   `json:"recalled"`
}

// ConversationView is one conversation in the reader's list: with their own
// settings, unread count and the newest message.
type ConversationView struct {
	Conversation
	// Title is what the reader sees: the group name, or the other person's
	// name in a direct chat.
	Title       string `json:"title"`
	PeerID      string `json:"peer_id,omitempty"`
	MyRole      string `json:"my_role"`
	Muted       bool   `json:"muted"`
	Pinned      bool   `json:"pinned"`
	ReadSeq     int64  `json:"read_seq"`
	Unread      int64  `json:"unread"`
	MemberCount int    `json:"member_count"`
	// AnnouncementUnread: the group has an announcement the reader has not read.
	AnnouncementUnread bool         `json:"announcement_unread"`
	AnnouncementByName string       `json:"announcement_by_name,omitempty"`
	Last               *MessageView `json:"last,omitempty"`
	Members            []Member     `json:"members,omitempty"` // GetConversation only
}

// Receipts says who has and has not read one message.
type Receipts struct {
	MessageID string   `json:"message_id"`
	Seq       int64    `json:"seq"`
	Read      []Person `json:"read"`
	Unread    []Person `json:"unread"`
}

// Person is a user ID with a name.
type Person struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// NewGroupRequest creates a project or temporary group.
type NewGroupRequest struct {
	Kind      string   `json:"kind"`
	Name      string   `json:"name"`
	MemberIDs []string `json:"member_ids"`
}

// DirectRequest opens (or finds) the direct chat with UserID.
type DirectRequest struct {
	UserID string `json:"user_id"`
}

// UpdateGroupRequest changes a group's settings (owner and admins).
type UpdateGroupRequest struct {
	Name       *string `json:"name"`
	PostPolicy *string `json:"post_policy"`
	AddPolicy  *string `json:"add_policy"`
	// IncludeSub makes a department group hold the sub-departments' people too.
	IncludeSub *bool `json:"include_sub"`
	Version    int   `json:"version"`
}

// MySettingsRequest changes the reader's own settings of a conversation.
type MySettingsRequest struct {
	Muted  *bool `json:"muted"`
	Pinned *bool `json:"pinned"`
}

// MembersRequest adds people to a group.
type MembersRequest struct {
	UserIDs []string `json:"user_ids"`
}

// RoleRequest sets a member's role: admin, member, or owner (hand on).
type RoleRequest struct {
	Role string `json:"role"`
}

// SendRequest sends a message. ClientKey makes a retry safe.
type SendRequest struct {
	ClientKey  string   `json:"client_key"`
	Body       string   `json:"body"`
	Mentions   []string `json:"mentions"`
	MentionAll bool     `json:"mention_all"`
	ReplyToID  string   `json:"reply_to_id"`
	// kind and file are set by SendFile and Forward, never by a client.
	kind string
	file *FileRef
}

// EditRequest replaces a message's text.
type EditRequest struct {
	Body string `json:"body"`
}

// ForwardRequest copies a message to other conversations.
type ForwardRequest struct {
	ClientKey       string   `json:"client_key"`
	ConversationIDs []string `json:"conversation_ids"`
}

// ReadRequest moves the reader's watermark up to Seq.
type ReadRequest struct {
	Seq int64 `json:"seq"`
}

// MessagePage is a page of messages in sequence order. More says whether
// older (for before=) or newer (for after=) messages remain.
type MessagePage struct {
	Items []MessageView `json:"items"`
	More  bool          `json:"more"`
	// Newer says newer messages remain after a page around a sequence number.
	Newer bool `json:"newer,omitempty"`
}

// Unread is the reader's unread total (muted conversations left out).
type Unread struct {
	Total int64 `json:"total"`
}
