package org

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"gorm.io/gorm"

	"tack/backend/apperr"
	"tack/backend/identity"
	"tack/backend/store"
)

// CreateDepartment adds a department under req.ParentID (admins only). A
// head, when given, must be an active user and gets the dept_head role.
func (s *Service) CreateDepartment(ctx context.Context, actor identity.Actor, req NewDepartmentRequest) (Department, error) {
	if !actor.IsAdmin() {
		return Department{}, errForbidden
	}
	var d Department
	err := s.authWrite(ctx, func(tx *gorm.DB) error { // a new head gains a role
		var v apperr.Validator
		req.Name = strings.TrimSpace(req.Name)
		check(&v, "name", textProblem(req.Name, maxNameLen))
		if req.ParentID == "" {
			v.Check(false, "parent_id", "required")
		} else {
			ok, err := exists(tx, &Department{}, req.ParentID)
			if err != nil {
				return err
			}
			v.Check(ok, "parent_id", "not_found")
		}
		if req.HeadID != nil && *req.HeadID == "" {
			req.HeadID = nil
		}
		if req.HeadID != nil {
			ok, err := activeUser(tx, *req.HeadID)
			if err != nil {
				return err
			}
			v.Check(ok, "head_id", "not_found")
		}
		if err := v.Err("org.invalid_department", "the department is not valid"); err != nil {
			return err
		}
		now := s.clock.Now()
		parent := req.ParentID
		d = Department{ID: store.NewID(), Name: req.Name, ParentID: &parent, HeadID: req.HeadID,
			SortOrder: req.SortOrder, Version: 1, CreatedAt: now, UpdatedAt: now}
		if err := tx.Create(&d).Error; err != nil {
			return fmt.Errorf("org: create department: %w", err)
		}
		if d.HeadID != nil {
			if err := grantRole(tx, *d.HeadID, RoleDeptHead); err != nil {
				return err
			}
		}
		if err := s.departmentChanged(ctx, tx, d); err != nil {
			return err
		}
		return s.audit(tx, actor, "department.create", "department", d.ID,
			map[string]any{"name": d.Name, "parent_id": parent, "head_id": d.HeadID})
	})
	return d, err
}

// UpdateDepartment renames, moves (refusing cycles) or changes the head of a
// department (admins only), checking the version.
func (s *Service) UpdateDepartment(ctx context.Context, actor identity.Actor, id string, req UpdateDepartmentRequest) (Department, error) {
	if !actor.IsAdmin() {
		return Department{}, errForbidden
	}
	var d Department
	err := s.authWrite(ctx, func(tx *gorm.DB) error { // a new head gains a role
		if err := tx.First(&d, "id = ?", id).Error; err != nil {
			if store.IsNotFound(err) {
				return ErrDepartmentNotFound
			}
			return fmt.Errorf("org: get department: %w", err)
		}
		var v apperr.Validator
		changes := map[string]any{}
		if req.Name != nil {
			n := strings.TrimSpace(*req.Name)
			check(&v, "name", textProblem(n, maxNameLen))
			changes["name"] = n
		}
		if req.SortOrder != nil {
			changes["sort_order"] = *req.SortOrder
		}
		if req.ParentID != nil && (d.ParentID == nil || *d.ParentID != *req.ParentID) {
			if err := s.checkMove(tx, &v, d, *req.ParentID); err != nil {
				return err
			}
			changes["parent_id"] = *req.ParentID
		}
		if req.HeadID.Set {
			if req.HeadID.ID == "" {
				changes["head_id"] = nil
			} else {
				ok, err := activeUser(tx, req.HeadID.ID)
				if err != nil {
					return err
				}
				v.Check(ok, "head_id", "not_found")
				changes["head_id"] = req.HeadID.ID
			}
		}
		if err := v.Err("org.invalid_department", "the department is not valid"); err != nil {
			return err
		}
		changes["version"] = d.Version + 1
		changes["updated_at"] = s.clock.Now()
		res := tx.Model(&Department{}).Where("id = ? AND version = ?", id, req.Version).Updates(changes)
		if res.Error != nil {
			return fmt.Errorf("org: update department: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return ErrStale
		}
		if req.HeadID.Set && req.HeadID.ID != "" {
			if err := grantRole(tx, req.HeadID.ID, RoleDeptHead); err != nil {
				return err
			}
		}
		if err := tx.First(&d, "id = ?", id).Error; err != nil {
			return fmt.Errorf("org: reload department: %w", err)
		}
		if err := s.departmentChanged(ctx, tx, d); err != nil {
			return err
		}
		delete(changes, "updated_at")
		return s.audit(tx, actor, "department.update", "department", id, changes)
	})
	return d, err
}

// checkMove validates moving d under parentID: the root stays the root, and
// a department cannot move below itself.
func (s *Service) checkMove(tx *gorm.DB, v *apperr.Validator, d Department, parentID string) error {
	if d.ParentID == nil {
		return apperr.Conflict("org.root_department", "the company root cannot be moved")
	}
	if parentID == "" {
		v.Check(false, "parent_id", "required")
		return nil
	}
	var all []Department
	if err := tx.Find(&all).Error; err != nil {
		return fmt.Errorf("org: departments: %w", err)
	}
	found := slices.ContainsFunc(all, func(x Department) bool { return x.ID == parentID })
	v.Check(found, "parent_id", "not_found")
	if found && slices.Contains(Descendants(all, d.ID), parentID) {
		return apperr.Conflict("org.department_cycle", "a department cannot move below itself").WithField("parent_id", "invalid")
	}
	return nil
}

// DeleteDepartment removes an empty department (admins only): one with
// members (active or not) or sub-departments is refused with 409.
func (s *Service) DeleteDepartment(ctx context.Context, actor identity.Actor, id string) error {
	if !actor.IsAdmin() {
		return errForbidden
	}
	return store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
		var d Department
		if err := tx.First(&d, "id = ?", id).Error; err != nil {
			if store.IsNotFound(err) {
				return ErrDepartmentNotFound
			}
			return fmt.Errorf("org: get department: %w", err)
		}
		if d.ParentID == nil {
			return apperr.Conflict("org.root_department", "the company root cannot be deleted")
		}
		var n int64
		if err := tx.Model(&Department{}).Where("parent_id = ?", id).Count(&n).Error; err != nil {
			return fmt.Errorf("org: count children: %w", err)
		}
		if n > 0 {
			return apperr.Conflict("org.department_has_children", "move or delete its sub-departments first")
		}
		if err := tx.Model(&User{}).Where("department_id = ?", id).Count(&n).Error; err != nil {
			return fmt.Errorf("org: count members: %w", err)
		}
		if n > 0 {
			return apperr.Conflict("org.department_has_members", "move its members to another department first")
		}
		if err := tx.Delete(&Department{}, "id = ?", id).Error; err != nil {
			return fmt.Errorf("org: delete department: %w", err)
		}
		if err := s.departmentDeleted(ctx, tx, d); err != nil {
			return err
		}
		return s.audit(tx, actor, "department.delete", "department", id, map[string]any{"name": d.Name})
	})
}

// grantRole adds role to userID unless they hold it.
func grantRole(tx *gorm.DB, userID, role string) error {
	var n int64
	if err := tx.Model(&UserRole{}).Where("user_id = ? AND role_id = ?", userID, role).Count(&n).Error; err != nil {
		return fmt.Errorf("org: has role: %w", err)
	}
	if n > 0 {
		return nil
	}
	if err := authChanged(tx, "u:"+userID); err != nil {
		return err
	}
	if err := tx.Create(&UserRole{UserID: userID, RoleID: role}).Error; err != nil {
		return fmt.Errorf("org: grant %s: %w", role, err)
	}
	return nil
}
