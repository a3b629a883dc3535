package approval

import "time"

// Instance statuses.
const (
	StatusPending   = "pending"
	StatusApproved  = "approved"
	StatusRejected  = "rejected"
	StatusWithdrawn = "withdrawn"
)

// Task statuses and kinds.
const (
	TaskWaiting     = "waiting" // a later stage of a node, not yet actionable
	TaskPending     = "pending"
	TaskApproved    = "approved"
	TaskRejected    = "rejected"
	TaskTransferred = "transferred"
	TaskCancelled   = "cancelled"
	TaskReturned    = "returned"
	TaskSkipped     = "skipped"

	KindApprove = "approve"
	KindCC      = "cc"
)

// Starters says who may start a template: everyone, or members of the listed
// departments (and their sub-departments) or holders of the listed roles.
type Starters struct {
	Everyone    bool     `json:"everyone"`
	Departments []string `json:"departments"`
	Roles       []string `json:"roles"`
}

// Template is an approval kind (请假, 报销...). Its form and flow live in
// versions; saving creates a new version, instances keep the one they started with.
type Template struct {
	ID            string   `gorm:"primaryKey" json:"id"`
	BuiltinKey    string   `json:"builtin_key"`
	Prefix        string   `json:"prefix"`
	NameZh        string   `gorm:"column:name_zh" json:"name_zh"`
	NameEn        string   `gorm:"column:name_en" json:"name_en"`
	DescriptionZh string   `gorm:"column:description_zh" json:"description_zh"`
	DescriptionEn string   `gorm:"column:description_en" json:"description_en"`
	Category      string   `json:"category"`
	Icon          string   `json:"icon"`
	Starters      Starters `gorm:"serializer:json" json:"starters"`
	SLAHours      float64  `gorm:"column:sla_hours" json:"sla_hours"`
	// SkipSelf is SelfApproval == SelfAuto, kept for older clients.
	SkipSelf   bool `json:"skip_self"`
	SkipRepeat bool `json:"skip_repeat"`
	// SelfApproval says where a step that lands on the applicant goes
	// (SelfUp, SelfAuto, SelfUser); SelfApprovalUser is SelfUser's approver.
	SelfApproval     string    `json:"self_approval"`
	SelfApprovalUser string    `json:"self_approval_user"`
	Active           bool      `json:"active"`
	CurrentVersion   int       `json:"current_version"`
	Version          int       `json:"version"`
	CreatedAt        time.Time `json:"created_at"`
	UpdatedAt        time.Time `json:"updated_at"`

	Fields []Field `gorm:"-" json:"fields"`
	Flow   Flow    `gorm:"-" json:"flow"`
}

// TableName keeps the table name stable.
func (Template) TableName() string { return "approval_templates" }

// TemplateVersion is one saved form + flow of a template.
type TemplateVersion struct {
	ID         string    `gorm:"primaryKey" json:"id"`
	TemplateID string    `json:"template_id"`
	Number     int       `json:"number"`
	Fields     []Field   `gorm:"serializer:json" json:"fields"`
	Flow       Flow      `gorm:"serializer:json" json:"flow"`
	CreatedBy  string    `json:"created_by"`
	CreatedAt  time.Time `json:"created_at"`
}

// TableName keeps the table name stable.
func (TemplateVersion) TableName() string { return "approval_template_versions" }

// Instance is one submitted approval.
type Instance struct {
	ID                string         `gorm:"primaryKey" json:"id"`
	Number            string         `json:"number"`
	TemplateID        string         `json:"template_id"`
	TemplateVersionID string         `json:"template_version_id"`
	TemplateName      string         `json:"template_name"`
	TemplateNameEn    string         `gorm:"column:template_name_en" json:"template_name_en"`
	Title             string         `json:"title"`
	TitleEn           string         `gorm:"column:title_en" json:"title_en"`
	ApplicantID       string         `json:"applicant_id"`
	DepartmentID      string         `json:"department_id"`
	Form              map[string]any `gorm:"serializer:json" json:"form"`
	Route             []RouteNode    `gorm:"serializer:json" json:"route"`
	CurrentNode       int            `json:"current_node"`
	Status            string         `json:"status"`
	Archived          bool           `json:"archived"`
	Version           int            `json:"version"`
	SubmittedAt       time.Time      `json:"submitted_at"`
	FinishedAt        *time.Time     `json:"finished_at"`
	LastRemindedAt    *time.Time     `json:"last_reminded_at"`
	UpdatedAt         time.Time      `json:"updated_at"`

	// held, while a submit has no number yet, keeps the events its first
	// steps emit until the number is taken (submit.go).
	held *[]heldEvent `gorm:"-"`
}

// TableName keeps the table name stable.
func (Instance) TableName() string { return "approval_instances" }

// Task is one person's part in a node: an approval to give or a CC to read.
// Stage orders tasks inside a node: the lowest stage with open tasks is active.
type Task struct {
	ID         string     `gorm:"primaryKey" json:"id"`
	InstanceID string     `json:"instance_id"`
	NodeIndex  int        `json:"node_index"`
	Stage      int        `json:"stage"`
	Kind       string     `json:"kind"`
	AssigneeID string     `json:"assignee_id"`
	Status     string     `json:"status"`
	Comment    string     `json:"comment"`
	Version    int        `json:"version"`
	AssignedAt *time.Time `json:"assigned_at"`
	ActedAt    *time.Time `json:"acted_at"`
	DueAt      *time.Time `json:"due_at"`
	EscalateAt *time.Time `json:"escalate_at"`
	SLAStage   int        `gorm:"column:sla_stage" json:"sla_stage"`
	Overdue    bool       `json:"overdue"`
	CreatedAt  time.Time  `json:"created_at"`
}

// TableName keeps the table name stable.
func (Task) TableName() string { return "approval_tasks" }

// TimelineEntry records every action on an instance.
type TimelineEntry struct {
	ID         string         `gorm:"primaryKey" json:"id"`
	InstanceID string         `json:"instance_id"`
	ActorID    string         `json:"actor_id"`
	Action     string         `json:"action"`
	NodeIndex  int            `json:"node_index"`
	Comment    string         `json:"comment"`
	Data       map[string]any `gorm:"serializer:json" json:"data"`
	CreatedAt  time.Time      `json:"created_at"`
}

// TableName keeps the table name stable.
func (TimelineEntry) TableName() string { return "approval_timeline" }

// Comment is a remark on an instance, optionally with files.
type Comment struct {
	ID          string   `gorm:"primaryKey" json:"id"`
	InstanceID  string   `json:"instance_id"`
	AuthorID    string   `json:"author_id"`
	Body        string   `json:"body"`
	Attachments []string `gorm:"serializer:json" json:"attachments"` // drive IDs (comments from before archiving)
	// Files are the archived copies of the attached files.
	Files     []Attachment `gorm:"serializer:json" json:"files"`
	CreatedAt time.Time    `json:"created_at"`
}

// TableName keeps the table name stable.
func (Comment) TableName() string { return "approval_comments" }

// SubmitRequest starts an instance. Approvers fills "applicant chooses" nodes (node ID → user IDs).
type SubmitRequest struct {
	TemplateID string              `json:"template_id"`
	Form       map[string]any      `json:"form"`
	Approvers  map[string][]string `json:"approvers"`
}

// ActionRequest is the body of the instance actions.
type ActionRequest struct {
	TaskID      string   `json:"task_id"`
	Comment     string   `json:"comment"`
	UserID      string   `json:"user_id"`     // transfer / add-approver target
	Position    string   `json:"position"`    // add-approver: before|after
	NodeIndex   *int     `json:"node_index"`  // return target
	Attachments []string `json:"attachments"` // comment
}

// TemplateInput creates or edits a template (a new version when fields or flow change).
type TemplateInput struct {
	Prefix           string    `json:"prefix"`
	NameZh           string    `json:"name_zh"`
	NameEn           string    `json:"name_en"`
	DescriptionZh    string    `json:"description_zh"`
	DescriptionEn    string    `json:"description_en"`
	Category         string    `json:"category"`
	Icon             string    `json:"icon"`
	Starters         *Starters `json:"starters"`
	SLAHours         *float64  `json:"sla_hours"`
	SkipSelf         *bool     `json:"skip_self"` // older clients: true = SelfAuto, false = SelfUp
	SkipRepeat       *bool     `json:"skip_repeat"`
	SelfApproval     *string   `json:"self_approval"`
	SelfApprovalUser *string   `json:"self_approval_user"`
	Active           *bool     `json:"active"`
	Fields           []Field   `json:"fields"`
	Flow             *Flow     `json:"flow"`
	Version          int       `json:"version"`
}
