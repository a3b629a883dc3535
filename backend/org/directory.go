package org

import (
	"context"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"tack/backend/apperr"
	"tack/backend/identity"
	"tack/backend/store"
)

// ErrUserNotFound is returned when a user ID does not exist.
var ErrUserNotFound = apperr.NotFound("org.user_not_found", "user not found")

// ErrDepartmentNotFound is returned when a department ID does not exist.
var ErrDepartmentNotFound = apperr.NotFound("org.department_not_found", "department not found")

// User returns a user with roles loaded.
func (s *Service) User(ctx context.Context, id string) (User, error) {
	var u User
	if err := s.db.WithContext(ctx).First(&u, "id = ?", id).Error; err != nil {
		if store.IsNotFound(err) {
			return User{}, ErrUserNotFound
		}
		return User{}, fmt.Errorf("org: get user %s: %w", id, err)
	}
	roles, err := s.rolesOf(s.db.WithContext(ctx), []string{id})
	if err != nil {
		return User{}, err
	}
	u.Roles = roles[id]
	return u, nil
}

// UserWithRoles is User for a caller that already holds the user's roles
// (a request's actor, whose roles the session cache keeps current): one
// statement instead of two.
func (s *Service) UserWithRoles(ctx context.Context, id string, roles []string) (User, error) {
	var u User
	if err := s.db.WithContext(ctx).First(&u, "id = ?", id).Error; err != nil {
		if store.IsNotFound(err) {
			return User{}, ErrUserNotFound
		}
		return User{}, fmt.Errorf("org: get user %s: %w", id, err)
	}
	u.Roles = slices.Clone(roles)
	return u, nil
}

// Profile is the signed-in actor's own user row with their roles (GET
// /me), from the session cache's copy while it is current: no statement on
// most requests. A change to the row drops the copy on every replica (see
// the session cache's rules).
func (s *Service) Profile(ctx context.Context, actor identity.Actor) (User, error) {
	u, ok, gen := s.sessions.getUser(actor.UserID)
	if !ok {
		readAt := time.Now()
		if err := s.db.WithContext(ctx).First(&u, "id = ?", actor.UserID).Error; err != nil {
			if store.IsNotFound(err) {
				return User{}, ErrUserNotFound
			}
			return User{}, fmt.Errorf("org: get user %s: %w", actor.UserID, err)
		}
		s.sessions.putUser(u, readAt, gen)
	}
	u.Roles = slices.Clone(actor.Roles)
	return u, nil
}

// Names returns the display names of the given users, keyed by ID: what
// lists need to show who. Names come from the directory cache kept beside
// the session cache (a rename invalidates both, on every replica); those it
// lacks come from one narrow read (no roles, no other columns). Unknown IDs
// are absent.
func (s *Service) Names(ctx context.Context, ids []string) (map[string]string, error) {
	out, missing, gen := s.sessions.getNames(ids)
	if len(missing) == 0 {
		return out, nil
	}
	var rows []struct{ ID, Name string }
	if err := s.db.WithContext(ctx).Model(&User{}).Select("id, name").Where("id IN ?", missing).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("org: names: %w", err)
	}
	for _, r := range rows {
		out[r.ID] = r.Name
	}
	s.sessions.putNames(rows, gen)
	return out, nil
}

// UsersByID returns the users with the given IDs, roles loaded, keyed by ID.
// Unknown IDs are absent from the map.
func (s *Service) UsersByID(ctx context.Context, ids []string) (map[string]User, error) {
	out := make(map[string]User, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var users []User
	if err := s.db.WithContext(ctx).Where("id IN ?", ids).Find(&users).Error; err != nil {
		return nil, fmt.Errorf("org: users by id: %w", err)
	}
	roles, err := s.rolesOf(s.db.WithContext(ctx), ids)
	if err != nil {
		return nil, err
	}
	for _, u := range users {
		u.Roles = roles[u.ID]
		out[u.ID] = u
	}
	return out, nil
}

// ActorFor builds the Actor of an active user.
func (s *Service) ActorFor(ctx context.Context, userID string) (identity.Actor, error) {
	u, err := s.User(ctx, userID)
	if err != nil {
		return identity.Actor{}, err
	}
	if !u.Active {
		return identity.Actor{}, apperr.Unauthenticated("org.user_inactive", "this account has been deactivated")
	}
	return identity.Actor{UserID: u.ID, Name: u.Name, DepartmentID: u.DepartmentID, Roles: u.Roles,
		MustChangePassword: u.MustChangePassword}, nil
}

// Department returns one department.
func (s *Service) Department(ctx context.Context, id string) (Department, error) {
	var d Department
	if err := s.db.WithContext(ctx).First(&d, "id = ?", id).Error; err != nil {
		if store.IsNotFound(err) {
			return Department{}, ErrDepartmentNotFound
		}
		return Department{}, fmt.Errorf("org: get department %s: %w", id, err)
	}
	return d, nil
}

// Departments returns every department, ordered for display.
func (s *Service) Departments(ctx context.Context) ([]Department, error) {
	var ds []Department
	if err := s.db.WithContext(ctx).Order("sort_order, name, id").Find(&ds).Error; err != nil {
		return nil, fmt.Errorf("org: list departments: %w", err)
	}
	return ds, nil
}

// DepartmentChain returns the department and its ancestors, nearest first,
// in one statement (a recursive walk up parent_id; issue 14: a submit read
// each level separately, twice). The depth bound and the seen set keep a
// cycle in bad data from looping; a missing department or ancestor is
// ErrDepartmentNotFound, as before.
func (s *Service) DepartmentChain(ctx context.Context, id string) ([]Department, error) {
	if id == "" {
		return nil, nil
	}
	var rows []Department
	err := s.db.WithContext(ctx).Raw(`WITH RECURSIVE up(id, depth) AS (
		SELECT id, 0 FROM departments WHERE id = ?
		UNION ALL
		SELECT d.parent_id, up.depth + 1 FROM departments d JOIN up ON d.id = up.id
		WHERE d.parent_id IS NOT NULL AND up.depth < 64)
		SELECT departments.* FROM departments JOIN up ON departments.id = up.id ORDER BY up.depth`, id).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("org: department chain %s: %w", id, err)
	}
	var chain []Department
	seen := map[string]bool{}
	for _, d := range rows {
		if seen[d.ID] {
			return chain, nil // a cycle: stop where it closes
		}
		seen[d.ID] = true
		chain = append(chain, d)
	}
	if len(chain) == 0 {
		return nil, ErrDepartmentNotFound
	}
	if last := chain[len(chain)-1]; last.ParentID != nil && !seen[*last.ParentID] && len(chain) <= 64 {
		return nil, ErrDepartmentNotFound
	}
	return chain, nil
}

// DepartmentHead returns the active head of the department, walking up the tree
// when the department has none (or the head has left). It returns nil when no
// department up to the root has an active head.
func (s *Service) DepartmentHead(ctx context.Context, departmentID string) (*User, error) {
	chain, err := s.DepartmentChain(ctx, departmentID)
	if err != nil {
		return nil, err
	}
	return s.HeadIn(ctx, chain)
}

// HeadIn is DepartmentHead over a chain the caller already read with
// DepartmentChain (a submit reads the applicant's chain once for both the
// flow's conditions and the head). The candidates come from one statement;
// the user is returned without roles (callers need who, not what they hold).
func (s *Service) HeadIn(ctx context.Context, chain []Department) (*User, error) {
	var ids []string
	for _, d := range chain {
		if d.HeadID != nil {
			ids = append(ids, *d.HeadID)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	var heads []User
	if err := s.db.WithContext(ctx).Where("id IN ? AND active = ?", ids, true).Find(&heads).Error; err != nil {
		return nil, fmt.Errorf("org: department heads: %w", err)
	}
	for _, id := range ids { // nearest department first
		for i := range heads {
			if heads[i].ID == id {
				return &heads[i], nil
			}
		}
	}
	return nil, nil
}

// ManagerChain returns up to n active managers above the user, nearest first.
// A user without a manager falls back to the head of their department (when
// that is not the user), so approvals "to the manager" never stall on a blank field.
func (s *Service) ManagerChain(ctx context.Context, userID string, n int) ([]User, error) {
	var chain []User
	seen := map[string]bool{userID: true}
	cur := userID
	for len(chain) < n {
		u, err := s.User(ctx, cur)
		if err != nil {
			return nil, err
		}
		var next *User
		if u.ManagerID != nil && !seen[*u.ManagerID] {
			m, err := s.User(ctx, *u.ManagerID)
			if err == nil {
				next = &m
			}
		}
		if next == nil {
			head, err := s.DepartmentHead(ctx, u.DepartmentID)
			if err != nil {
				return nil, err
			}
			if head != nil && !seen[head.ID] {
				next = head
			} else if head != nil && head.ID == u.ID {
				// The head of a department reports to the head of the parent department.
				d, err := s.Department(ctx, u.DepartmentID)
				if err != nil {
					return nil, err
				}
				if d.ParentID != nil {
					if ph, err := s.DepartmentHead(ctx, *d.ParentID); err == nil && ph != nil && !seen[ph.ID] {
						next = ph
					}
				}
			}
		}
		if next == nil {
			break
		}
		seen[next.ID] = true
		if next.Active {
			chain = append(chain, *next)
		}
		cur = next.ID
	}
	return chain, nil
}

// UsersWithRole returns the active users holding role.
func (s *Service) UsersWithRole(ctx context.Context, role string) ([]User, error) {
	var users []User
	err := s.db.WithContext(ctx).
		Where("active = ? AND id IN (?)", true, s.db.Model(&UserRole{}).Select("user_id").Where("role_id = ?", role)).
		Order("name, id").Find(&users).Error
	if err != nil {
		return nil, fmt.Errorf("org: users with role %s: %w", role, err)
	}
	return s.withRoles(ctx, users)
}

// DepartmentMembers returns the active users of a department, and of its
// sub-departments when recursive.
func (s *Service) DepartmentMembers(ctx context.Context, departmentID string, recursive bool) ([]User, error) {
	ids := []string{departmentID}
	if recursive {
		all, err := s.Departments(ctx)
		if err != nil {
			return nil, err
		}
		ids = Descendants(all, departmentID)
	}
	var users []User
	if err := s.db.WithContext(ctx).Where("active = ? AND department_id IN ?", true, ids).Order("name, id").Find(&users).Error; err != nil {
		return nil, fmt.Errorf("org: department members: %w", err)
	}
	return s.withRoles(ctx, users)
}

// Descendants returns root and the IDs of every department below it.
func Descendants(all []Department, root string) []string {
	children := map[string][]string{}
	for _, d := range all {
		if d.ParentID != nil {
			children[*d.ParentID] = append(children[*d.ParentID], d.ID)
		}
	}
	out := []string{root}
	for i := 0; i < len(out); i++ {
		out = append(out, children[out[i]]...)
	}
	return out
}

func (s *Service) withRoles(ctx context.Context, users []User) ([]User, error) {
	ids := make([]string, len(users))
	for i, u := range users {
		ids[i] = u.ID
	}
	roles, err := s.rolesOf(s.db.WithContext(ctx), ids)
	if err != nil {
		return nil, err
	}
	for i := range users {
		users[i].Roles = roles[users[i].ID]
	}
	return users, nil
}

func (s *Service) rolesOf(db *gorm.DB, userIDs []string) (map[string][]string, error) {
	out := map[string][]string{}
	if len(userIDs) == 0 {
		return out, nil
	}
	var links []UserRole
	if err := db.Where("user_id IN ?", userIDs).Order("role_id").Find(&links).Error; err != nil {
		return nil, fmt.Errorf("org: load roles: %w", err)
	}
	for _, l := range links {
		out[l.UserID] = append(out[l.UserID], l.RoleID)
	}
	return out, nil
}
