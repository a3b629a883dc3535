// Package identity holds who is acting: the Actor every service method
// receives. It is a leaf package (it imports nothing of Tack), so every
// domain can name the same type, including notify, which org imports.
package identity

import "slices"

// RoleAdmin is the administrators' built-in role ID (org.RoleAdmin).
const RoleAdmin = "admin"

// Actor is the authenticated caller every service method receives, so
// permission checks live in the services. backend/api builds it from the
// session (org.Service.Authenticate); background jobs act as org.System.
type Actor struct {
	UserID       string   `json:"user_id"`
	Name         string   `json:"name"`
	DepartmentID string   `json:"department_id"`
	Roles        []string `json:"roles"`
	// SessionID is the hash of the session the request came with ("" for
	// background jobs); MustChangePassword mirrors the user's flag.
	SessionID          string `json:"-"`
	MustChangePassword bool   `json:"-"`
}

// HasRole reports whether the actor holds role.
func (a Actor) HasRole(role string) bool { return slices.Contains(a.Roles, role) }

// IsAdmin reports whether the actor is an administrator.
func (a Actor) IsAdmin() bool { return a.HasRole(RoleAdmin) }
