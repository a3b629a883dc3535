package org

import (
	"context"
	"fmt"
	"slices"

	"gorm.io/gorm"

	"tack/backend/apperr"
	"tack/backend/identity"
	"tack/backend/store"
)

// builtinRoles are created at setup and cannot be deleted.
var builtinRoles = []Role{
	{ID: RoleAdmin, Name: "Administrator", Description: "manages the whole workspace", Builtin: true, Privileged: true},
	{ID: RoleHR, Name: "HR", Description: "onboards and offboards people, edits profiles", Builtin: true, Privileged: true},
	{ID: RoleDeptHead, Name: "Department head", Description: "approves for and views their department", Builtin: true, Privileged: true},
	{ID: RoleMember, Name: "Member", Description: "every employee", Builtin: true},
	{ID: RoleGeneralManager, Name: "General manager", Description: "approves what exceeds a department's authority", Builtin: true, Privileged: true},
}

func (s *Service) ensureBuiltinRoles(tx *gorm.DB) error {
	now := s.clock.Now()
	for _, r := range builtinRoles {
		var n int64
		if err := tx.Model(&Role{}).Where("id = ?", r.ID).Count(&n).Error; err != nil {
			return fmt.Errorf("org: builtin roles: %w", err)
		}
		if n > 0 {
			continue
		}
		r.CreatedAt = now
		if err := tx.Create(&r).Error; err != nil {
			return fmt.Errorf("org: builtin role %s: %w", r.ID, err)
		}
	}
	return nil
}

// Roles lists every role, built-in first. Everyone may read it.
func (s *Service) Roles(ctx context.Context) ([]Role, error) {
	var rs []Role
	if err := s.db.WithContext(ctx).Order("builtin DESC, id").Find(&rs).Error; err != nil {
		return nil, fmt.Errorf("org: list roles: %w", err)
	}
	return rs, nil
}

// CreateRole adds a custom role (admins only).
func (s *Service) CreateRole(ctx context.Context, actor identity.Actor, req NewRoleRequest) (Role, error) {
	if !actor.IsAdmin() {
		return Role{}, errForbidden
	}
	var v apperr.Validator
	v.Check(roleIDRE.MatchString(req.ID), "id", "invalid")
	check(&v, "name", textProblem(req.Name, maxNameLen))
	v.Check(len(req.Description) <= 500, "description", "too_long")
	if err := v.Err("org.invalid_role", "the role is not valid"); err != nil {
		return Role{}, err
	}
	r := Role{ID: req.ID, Name: req.Name, Description: req.Description, Privileged: req.Privileged == nil || *req.Privileged,
		CreatedAt: s.clock.Now()}
	err := store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&Role{}).Where("id = ?", r.ID).Count(&n).Error; err != nil {
			return fmt.Errorf("org: role exists: %w", err)
		}
		if n > 0 {
			return apperr.Conflict("org.role_exists", "a role with this id exists").WithField("id", "duplicate")
		}
		if err := tx.Create(&r).Error; err != nil {
			if store.IsDuplicate(err) {
				return apperr.Conflict("org.role_exists", "a role with this id exists").WithField("id", "duplicate")
			}
			return fmt.Errorf("org: create role: %w", err)
		}
		return s.audit(tx, actor, "role.create", "role", r.ID, map[string]any{"name": r.Name, "privileged": r.Privileged})
	})
	return r, err
}

// UpdateRole renames a custom role or edits its description (admins only).
// Built-in roles keep their names: the UI translates them by ID.
func (s *Service) UpdateRole(ctx context.Context, actor identity.Actor, id string, req UpdateRoleRequest) (Role, error) {
	if !actor.IsAdmin() {
		return Role{}, errForbidden
	}
	var v apperr.Validator
	check(&v, "name", textProblem(req.Name, maxNameLen))
	v.Check(len(req.Description) <= 500, "description", "too_long")
	if err := v.Err("org.invalid_role", "the role is not valid"); err != nil {
		return Role{}, err
	}
	var r Role
	err := store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
		if err := tx.First(&r, "id = ?", id).Error; err != nil {
			if store.IsNotFound(err) {
				return apperr.NotFound("org.role_not_found", "role not found")
			}
			return fmt.Errorf("org: get role: %w", err)
		}
		if r.Builtin {
			return apperr.Conflict("org.role_builtin", "built-in roles cannot be changed")
		}
		changes := map[string]any{"name": req.Name, "description": req.Description}
		if req.Privileged != nil {
			changes["privileged"] = *req.Privileged
			r.Privileged = *req.Privileged
		}
		if err := tx.Model(&Role{}).Where("id = ?", id).Updates(changes).Error; err != nil {
			return fmt.Errorf("org: update role: %w", err)
		}
		r.Name, r.Description = req.Name, req.Description
		return s.audit(tx, actor, "role.update", "role", id, map[string]any{"name": r.Name, "privileged": r.Privileged})
	})
	return r, err
}

// DeleteRole removes a custom role that nobody holds (admins only).
func (s *Service) DeleteRole(ctx context.Context, actor identity.Actor, id string) error {
	if !actor.IsAdmin() {
		return errForbidden
	}
	return store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
		var r Role
		if err := tx.First(&r, "id = ?", id).Error; err != nil {
			if store.IsNotFound(err) {
				return apperr.NotFound("org.role_not_found", "role not found")
			}
			return fmt.Errorf("org: get role: %w", err)
		}
		if r.Builtin {
			return apperr.Conflict("org.role_builtin", "built-in roles cannot be deleted")
		}
		var n int64
		if err := tx.Model(&UserRole{}).Where("role_id = ?", id).Count(&n).Error; err != nil {
			return fmt.Errorf("org: role holders: %w", err)
		}
		if n > 0 {
			return apperr.Conflict("org.role_in_use", "the role is still assigned to users")
		}
		if err := tx.Delete(&Role{}, "id = ?", id).Error; err != nil {
			return fmt.Errorf("org: delete role: %w", err)
		}
		return s.audit(tx, actor, "role.delete", "role", id, map[string]any{"name": r.Name})
	})
}

// setRoles replaces the roles of an existing user inside an authWrite.
func setRoles(tx *gorm.DB, userID string, roles []string) error {
	if err := authChanged(tx, "u:"+userID); err != nil {
		return err
	}
	return replaceRoles(tx, userID, roles)
}

// replaceRoles replaces the roles of userID inside tx (a new user needs no
// authWrite: no session can name them yet). member is always kept.
func replaceRoles(tx *gorm.DB, userID string, roles []string) error {
	if err := tx.Delete(&UserRole{}, "user_id = ?", userID).Error; err != nil {
		return fmt.Errorf("org: clear roles: %w", err)
	}
	for _, r := range normRoles(roles) {
		if err := tx.Create(&UserRole{UserID: userID, RoleID: r}).Error; err != nil {
			return fmt.Errorf("org: add role %s: %w", r, err)
		}
	}
	return nil
}

// normRoles sorts and dedups roles and adds member.
func normRoles(roles []string) []string {
	out := append([]string{RoleMember}, roles...)
	slices.Sort(out)
	return slices.Compact(out)
}

// Errors of role changes.
var (
	errOwnRoles = apperr.Forbidden("org.own_roles", "nobody changes their own roles; ask another administrator")
	errPrivRole = apperr.Forbidden("org.privileged_role_admins_only",
		"only administrators grant or revoke privileged roles (administrator, HR, department head, general manager and custom roles)")
)

// checkRoles validates that every role exists and that actor may change
// targetID's roles from old to roles ("" targetID: a new user): nobody
// changes their own roles, and only admins grant or revoke a privileged role.
func checkRoles(tx *gorm.DB, v *apperr.Validator, actor identity.Actor, targetID string, old, roles []string) error {
	roles = normRoles(roles)
	var found []Role
	if err := tx.Where("id IN ?", roles).Find(&found).Error; err != nil {
		return fmt.Errorf("org: check roles: %w", err)
	}
	v.Check(len(found) == len(roles), "roles", "not_found")
	var diff []string
	for _, r := range roles {
		if !slices.Contains(old, r) {
			diff = append(diff, r)
		}
	}
	for _, r := range old {
		if r != RoleMember && !slices.Contains(roles, r) {
			diff = append(diff, r)
		}
	}
	diff = slices.DeleteFunc(diff, func(r string) bool { return r == RoleMember }) // everyone's
	if len(diff) == 0 {
		return nil
	}
	if targetID != "" && targetID == actor.UserID {
		return errOwnRoles
	}
	if actor.IsAdmin() {
		return nil
	}
	priv, err := privilegedRoles(tx, diff)
	if err != nil {
		return err
	}
	if len(priv) > 0 {
		return errPrivRole
	}
	return nil
}

// privilegedRoles returns those of ids that are privileged. An unknown ID
// counts as privileged: it may be a role deleted meanwhile.
func privilegedRoles(tx *gorm.DB, ids []string) ([]string, error) {
	var rs []Role
	if err := tx.Where("id IN ?", ids).Find(&rs).Error; err != nil {
		return nil, fmt.Errorf("org: privileged roles: %w", err)
	}
	var out []string
	for _, id := range ids {
		i := slices.IndexFunc(rs, func(r Role) bool { return r.ID == id })
		if i < 0 || rs[i].Privileged {
			out = append(out, id)
		}
	}
	return out, nil
}

// holdsPrivilege reports whether u approves for others — holds a privileged
// role, heads a department or is someone's manager: their password may be
// reset only by an administrator.
func holdsPrivilege(tx *gorm.DB, u User) (bool, error) {
	priv, err := privilegedRoles(tx, slices.DeleteFunc(slices.Clone(u.Roles), func(r string) bool { return r == RoleMember }))
	if err != nil || len(priv) > 0 {
		return len(priv) > 0, err
	}
	var n int64
	if err := tx.Model(&Department{}).Where("head_id = ?", u.ID).Count(&n).Error; err != nil {
		return false, fmt.Errorf("org: heads: %w", err)
	}
	if n == 0 {
		if err := tx.Model(&User{}).Where("manager_id = ? AND active = ?", u.ID, true).Count(&n).Error; err != nil {
			return false, fmt.Errorf("org: manages: %w", err)
		}
	}
	return n > 0, nil
}

// errSelfManager refuses a non-admin who makes themselves someone's manager:
// the manager approves that person's requests.
var errSelfManager = apperr.Forbidden("org.self_manager_admins_only",
	"only an administrator makes you someone's manager (the manager approves their requests)")

// errPrivilegedTarget refuses HR who edits or deactivates a holder of power:
// HR could otherwise move the general manager out of the approval route,
// take a department head's department, or offboard an administrator's
// peers and have their approvals handed to someone else.
var errPrivilegedTarget = apperr.Forbidden("org.privileged_user_admins_only",
	"only an administrator edits or deactivates an administrator, HR, the general manager, a department head or the holder of a privileged role")

// checkPrivilegedTarget lets admins edit or deactivate anyone, and others
// (HR) only people who hold no privileged role and head no department.
func checkPrivilegedTarget(tx *gorm.DB, actor identity.Actor, u User) error {
	if actor.IsAdmin() {
		return nil
	}
	priv, err := privilegedRoles(tx, slices.DeleteFunc(slices.Clone(u.Roles), func(r string) bool { return r == RoleMember }))
	if err != nil {
		return err
	}
	if len(priv) > 0 {
		return errPrivilegedTarget
	}
	var n int64
	if err := tx.Model(&Department{}).Where("head_id = ?", u.ID).Count(&n).Error; err != nil {
		return fmt.Errorf("org: heads: %w", err)
	}
	if n > 0 {
		return errPrivilegedTarget
	}
	return nil
}
