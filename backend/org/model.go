package org

import (
	"encoding/json"
	"time"

	"tack/backend/identity"
)

// Built-in role IDs. Custom roles (e.g. "general_manager") are rows in roles.
const (
	RoleAdmin          = identity.RoleAdmin
	RoleHR             = "hr"
	RoleDeptHead       = "dept_head"
	RoleMember         = "member"
	RoleGeneralManager = "general_manager"
)

// Company is the single workspace row; its existence means setup is done.
type Company struct {
	ID        string    `gorm:"primaryKey" json:"id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`

	SessionDays int `json:"-"` // SecuritySettings.SessionDays
}

// TableName keeps the table name stable.
func (Company) TableName() string { return "company" }

// Department is a node in the org tree. HeadID is the department head, who
// approves for the department and grants its permissions.
type Department struct {
	ID        string    `gorm:"primaryKey" json:"id"`
	Name      string    `json:"name"`
	ParentID  *string   `json:"parent_id"`
	HeadID    *string   `json:"head_id"`
	SortOrder int       `json:"sort_order"`
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// TableName keeps the table name stable.
func (Department) TableName() string { return "departments" }

// User is an account. Name is the real name the policy requires; Email is the
// login. Roles is loaded from user_roles and not a column.
type User struct {
	ID            string     `gorm:"primaryKey" json:"id"`
	Email         string     `json:"email"`
	Name          string     `json:"name"`
	DepartmentID  string     `json:"department_id"`
	Title         string     `json:"title"`
	Phone         string     `json:"phone"`
	ManagerID     *string    `json:"manager_id"`
	Active        bool       `json:"active"`
	PasswordHash  string     `json:"-"`
	TOTPSecret    string     `gorm:"column:totp_secret" json:"-"`
	TOTPEnabled   bool       `gorm:"column:totp_enabled" json:"totp_enabled"`
	TOTPLastStep  int64      `gorm:"column:totp_last_step" json:"-"`
	Locale        string     `json:"locale"`
	Version       int        `json:"version"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`
	DeactivatedAt *time.Time `json:"deactivated_at"`
	Roles         []string   `gorm:"-" json:"roles"`

	// MustChangePassword is set by a password reset: until the owner
	// chooses a new password, their sessions may do nothing else.
	MustChangePassword bool `json:"must_change_password,omitempty"`
}

// TableName keeps the table name stable.
func (User) TableName() string { return "users" }

// Role is a named permission set. Built-in roles cannot be deleted.
type Role struct {
	ID          string    `gorm:"primaryKey" json:"id"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	Builtin     bool      `json:"builtin"`
	CreatedAt   time.Time `json:"created_at"`

	// Privileged roles (admin, HR, department head, general manager, and
	// custom roles unless created otherwise) carry power: approval steps and
	// drive grants name them. Only administrators grant or revoke them.
	Privileged bool `json:"privileged"`
}

// TableName keeps the table name stable.
func (Role) TableName() string { return "roles" }

// UserRole links a user to a role.
type UserRole struct {
	UserID string `gorm:"primaryKey"`
	RoleID string `gorm:"primaryKey"`
}

// TableName keeps the table name stable.
func (UserRole) TableName() string { return "user_roles" }

// Session is a signed-in device. ID is the SHA-256 of the bearer token, so a
// leaked database does not leak usable tokens.
type Session struct {
	ID         string `gorm:"primaryKey"`
	UserID     string `gorm:"index"`
	UserAgent  string
	IP         string
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
}

// TableName keeps the table name stable.
func (Session) TableName() string { return "sessions" }

// System is the actor for background jobs (reminders, escalation, migrations).
var System = identity.Actor{UserID: "system", Name: "Tack", Roles: []string{RoleAdmin}}

// SetupRequest is the first-run form: the company and its first administrator.
type SetupRequest struct {
	CompanyName string         `json:"company_name"`
	Admin       NewUserRequest `json:"admin"`
}

// LoginRequest signs a user in. TOTPCode is needed when 2FA is on.
// Login is an email or a phone number; Email is the older name of the same
// field, still accepted when Login is empty.
type LoginRequest struct {
	Login    string `json:"login"`
	Email    string `json:"email"`
	Password string `json:"password"`
	TOTPCode string `json:"totp_code"`
	// Set by the HTTP layer, not the client.
	IP        string `json:"-"`
	UserAgent string `json:"-"`
}

// LoginResult is a new session.
type LoginResult struct {
	Token     string    `json:"token"`
	User      User      `json:"user"`
	ExpiresAt time.Time `json:"expires_at"`
}

// NewUserRequest opens an account (onboarding). Password is generated when empty.
type NewUserRequest struct {
	Email        string   `json:"email"`
	Name         string   `json:"name"`
	DepartmentID string   `json:"department_id"`
	Title        string   `json:"title"`
	Phone        string   `json:"phone"`
	ManagerID    *string  `json:"manager_id"`
	Roles        []string `json:"roles"`
	Password     string   `json:"password"`
}

// NewUserResult is the created user and, when it was generated, the password
// to hand to them.
type NewUserResult struct {
	User            User   `json:"user"`
	InitialPassword string `json:"initial_password,omitempty"`
}

// OptionalID is a PATCH field that can be left out (Set false), cleared
// (null or "") or set to an ID.
type OptionalID struct {
	Set bool
	ID  string
}

// SetID returns an OptionalID that sets id ("" clears).
func SetID(id string) OptionalID { return OptionalID{Set: true, ID: id} }

// UnmarshalJSON runs only for a field that is present, null included.
func (o *OptionalID) UnmarshalJSON(b []byte) error {
	o.Set, o.ID = true, ""
	if string(b) == "null" {
		return nil
	}
	return json.Unmarshal(b, &o.ID)
}

// MarshalJSON writes null for a cleared or absent ID.
func (o OptionalID) MarshalJSON() ([]byte, error) {
	if o.ID == "" {
		return []byte("null"), nil
	}
	return json.Marshal(o.ID)
}

// UpdateUserRequest patches a user; nil fields are left alone. ManagerID
// null or "" clears the manager. Version must be the version read.
type UpdateUserRequest struct {
	Email        *string    `json:"email"`
	Name         *string    `json:"name"`
	DepartmentID *string    `json:"department_id"`
	Title        *string    `json:"title"`
	Phone        *string    `json:"phone"`
	ManagerID    OptionalID `json:"manager_id"`
	Roles        *[]string  `json:"roles"`
	Locale       *string    `json:"locale"`
	Version      int        `json:"version"`
}

// UserFilter narrows ListUsers. Cursor is the last ID of the previous page.
type UserFilter struct {
	DepartmentID    string
	Recursive       bool
	Query           string
	IncludeInactive bool
	Limit           int
	Cursor          string
}

// NewDepartmentRequest creates a department under ParentID.
type NewDepartmentRequest struct {
	Name      string  `json:"name"`
	ParentID  string  `json:"parent_id"`
	HeadID    *string `json:"head_id"`
	SortOrder int     `json:"sort_order"`
}

// UpdateDepartmentRequest renames, moves or changes the head; nil fields are
// left alone; HeadID null or "" clears the head.
type UpdateDepartmentRequest struct {
	Name      *string    `json:"name"`
	ParentID  *string    `json:"parent_id"`
	HeadID    OptionalID `json:"head_id"`
	SortOrder *int       `json:"sort_order"`
	Version   int        `json:"version"`
}

// NewRoleRequest creates a custom role. Privileged defaults to true: a
// custom role can be named by approval steps and drive grants.
type NewRoleRequest struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Privileged  *bool  `json:"privileged"`
}

// UpdateRoleRequest renames a custom role or changes its description; the ID
// (used by approval flows and user_roles) never changes.
type UpdateRoleRequest struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Privileged  *bool  `json:"privileged"` // nil leaves it alone
}

// ChangePasswordResult is the caller's new session: changing the password
// ends every session, the current one included, and opens this one.
type ChangePasswordResult = LoginResult

// ChangePasswordRequest changes the caller's own password.
type ChangePasswordRequest struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
}

// TOTPSetup is a fresh, not yet enabled TOTP secret for an authenticator app.
type TOTPSetup struct {
	Secret     string `json:"secret"`
	OTPAuthURL string `json:"otpauth_url"`
}
