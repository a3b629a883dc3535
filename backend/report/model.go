package report

import (
	"time"

	"tack/backend/approval"
)

// Template is a kind of report: its form (the approval form designer's
// schema), who may write it, its cycle and due time, and who receives it
// besides the writer's leader.
type Template struct {
	ID         string           `gorm:"primaryKey" json:"id"`
	BuiltinKey string           `json:"builtin_key"`
	NameZh     string           `gorm:"column:name_zh" json:"name_zh"`
	NameEn     string           `gorm:"column:name_en" json:"name_en"`
	Fields     []approval.Field `gorm:"serializer:json" json:"fields"`
	Cycle      string           `json:"cycle"`
	DueTime    string           `json:"due_time"` // "20:00" in the company zone
	// Who may write it: members of Departments (and below) and Users; both
	// empty means everyone.
	Departments []string `gorm:"serializer:json" json:"departments"`
	Users       []string `gorm:"serializer:json" json:"users"`
	// Recipients receive every report of the template, besides the leader;
	// RecipientDepartments are groups: the active members of those
	// departments (and below) receive them too.
	Recipients           []string `gorm:"serializer:json" json:"recipients"`
	RecipientDepartments []string `gorm:"serializer:json" json:"recipient_departments"`
	// CreatedBy is who made a custom template ("" for the built-ins).
	CreatedBy string    `json:"created_by"`
	Active    bool      `json:"active"`
	SortOrder int       `json:"sort_order"`
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// TableName keeps the table name stable.
func (Template) TableName() string { return "report_templates" }

// Report statuses.
const (
	StatusDraft     = "draft"
	StatusSubmitted = "submitted"
)

// Report is one report: a draft while its writer types (saved on the
// server), then submitted to its recipients.
type Report struct {
	ID           string `gorm:"primaryKey" json:"id"`
	TemplateID   string `json:"template_id"`
	WriterID     string `json:"writer_id"`
	DepartmentID string `json:"department_id"`
	Period       string `json:"period"` // the template cycle's period key, "" without a cycle
	// TemplateVersion is the version of the template's form the report was
	// written on (TemplateVersion rows): editing a template later never
	// changes what a report shows.
	TemplateVersion int            `json:"template_version"`
	Form            map[string]any `gorm:"serializer:json" json:"form"`
	Status          string         `json:"status"`
	DueAt           *time.Time     `json:"due_at"`
	SubmittedAt     *time.Time     `json:"submitted_at"`
	Late            bool           `json:"late"`
	EditedAt        *time.Time     `json:"edited_at"`
	Version         int            `json:"version"`
	CreatedAt       time.Time      `json:"created_at"`
	UpdatedAt       time.Time      `json:"updated_at"`
}

// TableName keeps the table name stable.
func (Report) TableName() string { return "reports" }

// TemplateVersion is the form of one version of a template, kept so that
// reports written on it read the same after the template is edited.
type TemplateVersion struct {
	TemplateID string           `gorm:"primaryKey" json:"template_id"`
	Version    int              `gorm:"primaryKey" json:"version"`
	NameZh     string           `gorm:"column:name_zh" json:"name_zh"`
	NameEn     string           `gorm:"column:name_en" json:"name_en"`
	Fields     []approval.Field `gorm:"serializer:json" json:"fields"`
	CreatedAt  time.Time        `json:"created_at"`
}

// TableName keeps the table name stable.
func (TemplateVersion) TableName() string { return "report_template_versions" }

// Recipient is one person a report was sent to, and when they read it.
type Recipient struct {
	ReportID string     `gorm:"primaryKey" json:"report_id"`
	UserID   string     `gorm:"primaryKey" json:"user_id"`
	Reason   string     `json:"reason"` // leader, template, group, chosen, mentioned
	ReadAt   *time.Time `json:"read_at"`
}

// TableName keeps the table name stable.
func (Recipient) TableName() string { return "report_recipients" }

// Revision is the text a report had before an edit after submitting.
type Revision struct {
	ID        string         `gorm:"primaryKey" json:"id"`
	ReportID  string         `json:"report_id"`
	Form      map[string]any `gorm:"serializer:json" json:"form"`
	CreatedAt time.Time      `json:"created_at"` // when it was replaced
}

// TableName keeps the table name stable.
func (Revision) TableName() string { return "report_revisions" }

// Comment is a comment on a report, or a reply to one (ParentID).
type Comment struct {
	ID         string    `gorm:"primaryKey" json:"id"`
	ReportID   string    `json:"report_id"`
	AuthorID   string    `json:"author_id"`
	AuthorName string    `gorm:"-" json:"author_name"`
	ParentID   *string   `json:"parent_id"`
	Body       string    `json:"body"`
	CreatedAt  time.Time `json:"created_at"`
}

// TableName keeps the table name stable.
func (Comment) TableName() string { return "report_comments" }

// Like is one person's like of a report.
type Like struct {
	ReportID  string `gorm:"primaryKey"`
	UserID    string `gorm:"primaryKey"`
	CreatedAt time.Time
}

// TableName keeps the table name stable.
func (Like) TableName() string { return "report_likes" }

// Exemption reasons of an expected writer.
const (
	ExemptLeave = "leave"
)

// Expected is one writer expected to write one template's report for one
// period, materialised by the job when the period starts (as attendance
// materialises expected punches). LeaderID is the writer's leader then:
// whose "not submitted" list shows the row.
type Expected struct {
	TemplateID   string    `gorm:"primaryKey" json:"template_id"`
	Period       string    `gorm:"primaryKey" json:"period"`
	UserID       string    `gorm:"primaryKey" json:"user_id"`
	DepartmentID string    `json:"department_id"`
	LeaderID     string    `json:"leader_id"`
	DueAt        time.Time `json:"due_at"`
	Exempt       string    `json:"exempt"` // "" or an Exempt* reason
	CreatedAt    time.Time `json:"created_at"`
	// RemindedAt and SummarizedAt mark the writer's reminder and the
	// leader's summary as done (sent or dropped): each happens once.
	RemindedAt   *time.Time `json:"-"`
	SummarizedAt *time.Time `json:"-"`
}

// TableName keeps the table name stable.
func (Expected) TableName() string { return "report_expected" }

// Draft is what saving a draft (or editing within the window) sends.
type Draft struct {
	Form    map[string]any `json:"form"`
	Version int            `json:"version"`
}

// Submission submits a draft: the final form and people chosen besides the
// default recipients.
type Submission struct {
	Form    map[string]any `json:"form"`
	Version int            `json:"version"`
	CC      []string       `json:"cc"`
	// Mentions are people @-mentioned: they are told (report.mentioned) and
	// may read the report.
	Mentions []string `json:"mentions"`
}

// Start opens (or resumes) the draft of a template for a period ("" = the
// current one).
type Start struct {
	TemplateID string `json:"template_id"`
	Period     string `json:"period"`
}

// CommentInput is a new comment.
type CommentInput struct {
	Body     string  `json:"body"`
	ParentID *string `json:"parent_id"`
	// Mentions are the people @-mentioned in the comment (at most 50,
	// active): each is told (report.mentioned) and, like a mention in the
	// report itself, becomes a recipient who may read the report.
	Mentions []string `json:"mentions"`
}
