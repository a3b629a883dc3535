package chat

import (
	"context"
	"fmt"
	"slices"

	"gorm.io/gorm"

	"tack/backend/org"
	"tack/backend/store"
)

// The all-staff group is the root department's group; every other
// department has a department group. Their members follow the org through
// the hooks below, each run inside org's transaction (tx only).

// OnUserChanged keeps a created or transferred user in the right org groups
// (org.UserHook).
func (s *Service) OnUserChanged(ctx context.Context, tx *gorm.DB, u org.User) error {
	depts, err := departments(tx)
	if err != nil {
		return err
	}
	groups, err := orgGroups(tx)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(groups, func(c Conversation) bool { return c.Kind == KindAllStaff }) {
		for _, d := range depts {
			if d.ParentID == nil {
				if _, err := s.ensureGroup(tx, d, depts); err != nil {
					return err
				}
			}
		}
		if groups, err = orgGroups(tx); err != nil {
			return err
		}
	}
	var in []string // the conversations they are in, one read
	if err := tx.Model(&Member{}).Where("user_id = ?", u.ID).Pluck("conversation_id", &in).Error; err != nil {
		return fmt.Errorf("chat: follow user: %w", err)
	}
	now := s.clock.Now()
	for i := range groups {
		c := &groups[i]
		want := u.Active && (c.Kind == KindAllStaff || c.DepartmentID == u.DepartmentID ||
			(c.IncludeSub && slices.Contains(org.Descendants(depts, c.DepartmentID), u.DepartmentID)))
		member := slices.Contains(in, c.ID)
		switch {
		case want && !member:
			role := RoleMember
			if c.OwnerID == u.ID {
				role = RoleOwner
			}
			// No event: the group shows in their list when it loads next
			// (every new account would otherwise start with a burst).
			if err := addMember(tx, c, u.ID, role, now); err != nil {
				return err
			}
		case !want && member:
			if err := removeMember(tx, c, u.ID, "", now); err != nil {
				return err
			}
			if err := emitConv(tx, "", c, "removed", []string{u.ID}); err != nil {
				return err
			}
		}
	}
	return nil
}

// OnUserDeactivated takes a leaver out of every conversation; groups they
// owned pass to an admin of the group, else their manager when a member,
// else the longest member (org.DeactivateHook). Their messages remain.
func (s *Service) OnUserDeactivated(ctx context.Context, tx *gorm.DB, u org.User, manager *org.User) error {
	var mine []Member
	if err := tx.Where("user_id = ?", u.ID).Find(&mine).Error; err != nil {
		return fmt.Errorf("chat: leaver's conversations: %w", err)
	}
	successor := ""
	if manager != nil {
		successor = manager.ID
	}
	now := s.clock.Now()
	for _, m := range mine {
		c, err := loadConv(tx, m.ConversationID)
		if err != nil {
			return err
		}
		if err := removeMember(tx, c, u.ID, successor, now); err != nil {
			return err
		}
		if c.Kind != KindDirect && c.OwnerID != u.ID {
			ids, err := memberIDs(tx, c.ID)
			if err != nil {
				return err
			}
			if err := emitConv(tx, "", c, "members", ids); err != nil {
				return err
			}
		}
	}
	return nil
}

// OnDepartmentChanged creates or renames a department's group, hands it to
// the department head and refreshes the members of the groups that include
// sub-departments (a move changes them) (org.DepartmentHook).
func (s *Service) OnDepartmentChanged(ctx context.Context, tx *gorm.DB, d org.Department) error {
	depts, err := departments(tx)
	if err != nil {
		return err
	}
	c, err := s.ensureGroup(tx, d, depts)
	if err != nil {
		return err
	}
	if err := s.syncGroup(tx, c, depts); err != nil {
		return err
	}
	groups, err := orgGroups(tx)
	if err != nil {
		return err
	}
	for i := range groups {
		if groups[i].IncludeSub && groups[i].ID != c.ID {
			if err := s.syncGroup(tx, &groups[i], depts); err != nil {
				return err
			}
		}
	}
	return nil
}

// OnDepartmentDeleted archives the deleted department's group: read-only,
// its history kept for its members.
func (s *Service) OnDepartmentDeleted(ctx context.Context, tx *gorm.DB, d org.Department) error {
	var cs []Conversation
	if err := tx.Where("kind = ? AND department_id = ? AND archived_at IS NULL", KindDepartment, d.ID).Find(&cs).Error; err != nil {
		return fmt.Errorf("chat: deleted department's group: %w", err)
	}
	now := s.clock.Now()
	for i := range cs {
		if err := tx.Model(&Conversation{}).Where("id = ?", cs[i].ID).Updates(map[string]any{"archived_at": now,
			"version": gorm.Expr("version + 1"), "updated_at": now}).Error; err != nil {
			return fmt.Errorf("chat: archive group: %w", err)
		}
		ids, err := memberIDs(tx, cs[i].ID)
		if err != nil {
			return err
		}
		if err := emitConv(tx, "", &cs[i], "dissolved", ids); err != nil {
			return err
		}
	}
	return nil
}

// EnsureOrgGroups gives every department its group with the right members
// (the demo, and a workspace that had departments before chat existed).
func (s *Service) EnsureOrgGroups(ctx context.Context) error {
	return store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
		depts, err := departments(tx)
		if err != nil {
			return err
		}
		for _, d := range depts {
			c, err := s.ensureGroup(tx, d, depts)
			if err != nil {
				return err
			}
			if err := s.syncGroup(tx, c, depts); err != nil {
				return err
			}
		}
		return nil
	})
}

func departments(tx *gorm.DB) ([]org.Department, error) {
	var ds []org.Department
	if err := tx.Order("sort_order, id").Find(&ds).Error; err != nil {
		return nil, fmt.Errorf("chat: departments: %w", err)
	}
	return ds, nil
}

func orgGroups(tx *gorm.DB) ([]Conversation, error) {
	var cs []Conversation
	if err := tx.Where("kind IN ? AND archived_at IS NULL", []string{KindAllStaff, KindDepartment}).Order("id").Find(&cs).Error; err != nil {
		return nil, fmt.Errorf("chat: org groups: %w", err)
	}
	return cs, nil
}

// ensureGroup returns d's live group, creating it (owned by the head, else
// the first administrator) or following its name and head.
func (s *Service) ensureGroup(tx *gorm.DB, d org.Department, depts []org.Department) (*Conversation, error) {
	kind := KindDepartment
	if d.ParentID == nil {
		kind = KindAllStaff
	}
	owner := ""
	if d.HeadID != nil {
		owner = *d.HeadID
	} else if kind == KindAllStaff {
		var ids []string
		if err := tx.Model(&org.User{}).Joins("JOIN user_roles r ON r.user_id = users.id AND r.role_id = ?", org.RoleAdmin).
			Where("users.active = ?", true).Order("users.created_at, users.id").Limit(1).Pluck("users.id", &ids).Error; err != nil {
			return nil, fmt.Errorf("chat: first admin: %w", err)
		}
		if len(ids) > 0 {
			owner = ids[0]
		}
	}
	var c Conversation
	err := tx.Where("kind = ? AND department_id = ? AND archived_at IS NULL", kind, d.ID).First(&c).Error
	now := s.clock.Now()
	if store.IsNotFound(err) {
		post := PolicyAll
		if kind == KindAllStaff {
			post = PolicyAdmins // the company's announcements: only admins post by default
		}
		c = Conversation{ID: store.NewID(), Kind: kind, Name: d.Name, OwnerID: owner, DepartmentID: d.ID,
			PostPolicy: post, AddPolicy: PolicyAdmins, Version: 1, CreatedAt: now, UpdatedAt: now}
		if err := tx.Create(&c).Error; err != nil {
			return nil, fmt.Errorf("chat: create org group: %w", err)
		}
		return &c, nil
	}
	if err != nil {
		return nil, fmt.Errorf("chat: find org group: %w", err)
	}
	changes := map[string]any{}
	if c.Name != d.Name {
		changes["name"] = d.Name
		c.Name = d.Name
	}
	if d.HeadID != nil && c.OwnerID != *d.HeadID {
		changes["owner_id"] = *d.HeadID
		if c.OwnerID != "" {
			if err := tx.Model(&Member{}).Where("conversation_id = ? AND user_id = ?", c.ID, c.OwnerID).Update("role", RoleAdmin).Error; err != nil {
				return nil, fmt.Errorf("chat: old owner: %w", err)
			}
		}
		if err := tx.Model(&Member{}).Where("conversation_id = ? AND user_id = ?", c.ID, *d.HeadID).Update("role", RoleOwner).Error; err != nil {
			return nil, fmt.Errorf("chat: head owns: %w", err)
		}
		c.OwnerID = *d.HeadID
	}
	if len(changes) > 0 {
		changes["version"], changes["updated_at"] = c.Version+1, now
		if err := tx.Model(&Conversation{}).Where("id = ?", c.ID).Updates(changes).Error; err != nil {
			return nil, fmt.Errorf("chat: follow department: %w", err)
		}
		c.Version++
	}
	return &c, nil
}

// syncGroup makes an org group's members exactly the active people it should
// hold: everyone for the all-staff group, the department's people (and its
// sub-departments' when IncludeSub) for a department group.
func (s *Service) syncGroup(tx *gorm.DB, c *Conversation, depts []org.Department) error {
	q := tx.Model(&org.User{}).Where("active = ?", true)
	if c.Kind == KindDepartment {
		ds := []string{c.DepartmentID}
		if c.IncludeSub {
			ds = org.Descendants(depts, c.DepartmentID)
		}
		q = q.Where("department_id IN ?", ds)
	}
	var want []string
	if err := q.Order("id").Pluck("id", &want).Error; err != nil {
		return fmt.Errorf("chat: group's people: %w", err)
	}
	have, err := memberIDs(tx, c.ID)
	if err != nil {
		return err
	}
	now := s.clock.Now()
	var removed []string
	for _, uid := range want {
		if slices.Contains(have, uid) {
			continue
		}
		role := RoleMember
		if uid == c.OwnerID {
			role = RoleOwner
		}
		if err := addMember(tx, c, uid, role, now); err != nil {
			return err
		}
	}
	for _, uid := range have {
		if !slices.Contains(want, uid) {
			if err := removeMember(tx, c, uid, "", now); err != nil {
				return err
			}
			removed = append(removed, uid)
		}
	}
	return emitConv(tx, "", c, "removed", removed)
}
