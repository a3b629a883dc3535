package org

import (
	"context"
	"fmt"
	"slices"

	"gorm.io/gorm"

	"tack/backend/apperr"
	"tack/backend/store"
)

// builtinRoles are created at setup and cannot be deleted.
var builtinRoles = []Role{
	{ID: RoleAdmin, Name: "Administrator", Description: "manages the whole workspace", Builtin: true},
	{ID: RoleHR, Name: "HR", Description: "onboards and offboards people, edits profiles", Builtin: true},
	{ID: RoleDeptHead, Name: "Department head", Description: "approves for and views their department", Builtin: true},
	{ID: RoleMember, Name: "Member", Description: "every employee", Builtin: true},
	{ID: RoleGeneralManager, Name: "General manager", Description: "approves what exceeds a department's authority", Builtin: true},
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
func (s *Service) CreateRole(ctx context.Context, actor Actor, req NewRoleRequest) (Role, error) {
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
	r := Role{ID: req.ID, Name: req.Name, Description: req.Description, CreatedAt: s.clock.Now()}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
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
		return s.audit(tx, actor, "role.create", "role", r.ID, map[string]any{"name": r.Name})
	})
	return r, err
}

// UpdateRole renames a custom role or edits its description (admins only).
// Built-in roles keep their names: the UI translates them by ID.
func (s *Service) UpdateRole(ctx context.Context, actor Actor, id string, req UpdateRoleRequest) (Role, error) {
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
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.First(&r, "id = ?", id).Error; err != nil {
			if store.IsNotFound(err) {
				return apperr.NotFound("org.role_not_found", "role not found")
			}
			return fmt.Errorf("org: get role: %w", err)
		}
		if r.Builtin {
			return apperr.Conflict("org.role_builtin", "built-in roles cannot be changed")
		}
		if err := tx.Model(&Role{}).Where("id = ?", id).Updates(map[string]any{
			"name": req.Name, "description": req.Description}).Error; err != nil {
			return fmt.Errorf("org: update role: %w", err)
		}
		r.Name, r.Description = req.Name, req.Description
		return s.audit(tx, actor, "role.update", "role", id, map[string]any{"name": r.Name})
	})
	return r, err
}

// DeleteRole removes a custom role that nobody holds (admins only).
func (s *Service) DeleteRole(ctx context.Context, actor Actor, id string) error {
	if !actor.IsAdmin() {
		return errForbidden
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
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

// setRoles replaces the roles of userID inside tx. member is always kept.
func setRoles(tx *gorm.DB, userID string, roles []string) error {
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

// checkRoles validates that every role exists and that actor may grant or
// revoke the difference between old and new (only admins touch "admin").
func checkRoles(tx *gorm.DB, v *apperr.Validator, actor Actor, old, roles []string) error {
	roles = normRoles(roles)
	var n int64
	if err := tx.Model(&Role{}).Where("id IN ?", roles).Count(&n).Error; err != nil {
		return fmt.Errorf("org: check roles: %w", err)
	}
	v.Check(int(n) == len(roles), "roles", "not_found")
	if slices.Contains(old, RoleAdmin) != slices.Contains(roles, RoleAdmin) && !actor.IsAdmin() {
		return apperr.Forbidden("org.admin_role_admins_only", "only administrators grant or revoke the admin role")
	}
	return nil
}
