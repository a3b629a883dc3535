package drive

import (
	"context"
	"errors"
	"strings"
	"unicode/utf8"

	"gorm.io/gorm"

	"tack/backend/apperr"
	"tack/backend/identity"
	"tack/backend/org"
)

// newSpace builds a space and its root folder (named like the space).
func (s *Service) newSpace(kind, name, owner, dept, createdBy string) (*Space, *Entry) {
	now := s.clock.Now()
	sp := &Space{ID: newID(), Kind: kind, Name: name, OwnerID: owner, DepartmentID: dept, QuotaBytes: s.cfg.DefaultQuota,
		Version: 1, CreatedBy: createdBy, CreatedAt: now, UpdatedAt: now}
	folder := folderName(name, kind) // the name as a folder (it may be a company's or a person's name)
	root := &Entry{ID: newID(), SpaceID: sp.ID, Kind: KindFolder, Name: folder, NameKey: nameKey(folder), Version: 1,
		CreatedBy: createdBy, CreatedAt: now, ModifiedBy: createdBy, ModifiedAt: now}
	sp.RootID = root.ID
	return sp, root
}

// createSpace inserts a space, its root and the root's grants. A unique
// index refuses a second company/department/personal space: the loser of a
// race gets errDuplicate and reads the winner's.
func (s *Service) createSpace(st dbx, sp *Space, root *Entry, grants []Permission) error {
	if err := st.insertSpace(sp, root); err != nil {
		return err
	}
	for i := range grants {
		g := grants[i]
		g.ID, g.EntryID, g.SpaceID, g.CreatedAt = newID(), root.ID, sp.ID, s.clock.Now()
		if err := st.upsertPermission(&g); err != nil {
			return err
		}
	}
	return nil
}

// ensure returns the space of kind keyed by column=value, creating it with
// make when missing.
func (s *Service) ensure(ctx context.Context, kind, column, value string, make func() (*Space, *Entry, []Permission)) (*Space, error) {
	if sp, err := s.read(ctx).spaceWhere(kind, column, value); err != nil || sp != nil {
		return sp, err
	}
	err := s.write(ctx, func(st dbx) error {
		if sp, err := st.spaceWhere(kind, column, value); err != nil || sp != nil {
			return err
		}
		sp, root, grants := make()
		return s.createSpace(st, sp, root, grants)
	})
	if err != nil && !errors.Is(err, errDuplicate) {
		return nil, err
	}
	return s.read(ctx).spaceWhere(kind, column, value)
}

// CompanySpace returns the company space (all staff read, admins manage),
// creating it on first use.
func (s *Service) CompanySpace(ctx context.Context) (*Space, error) {
	name := "Company"
	if c, err := s.org.Company(ctx); err == nil && c.Name != "" {
		name = c.Name
	}
	return s.ensure(ctx, SpaceCompany, "", "", func() (*Space, *Entry, []Permission) {
		sp, root := s.newSpace(SpaceCompany, name, "", "", org.System.UserID)
		return sp, root, []Permission{{PrincipalType: PrincipalEveryone, Role: RoleViewer, CreatedBy: org.System.UserID}}
	})
}

// PersonalSpace returns the actor's personal space, creating it on first use.
func (s *Service) PersonalSpace(ctx context.Context, a identity.Actor) (*Space, error) {
	return s.ensure(ctx, SpacePersonal, "owner_id", a.UserID, func() (*Space, *Entry, []Permission) {
		sp, root := s.newSpace(SpacePersonal, a.Name, a.UserID, "", a.UserID)
		return sp, root, nil
	})
}

// DepartmentSpace returns a department's space (members edit, the head and
// admins manage), creating it when missing.
func (s *Service) DepartmentSpace(ctx context.Context, d org.Department) (*Space, error) {
	return s.ensure(ctx, SpaceDepartment, "department_id", d.ID, func() (*Space, *Entry, []Permission) {
		sp, root := s.newSpace(SpaceDepartment, d.Name, "", d.ID, org.System.UserID)
		return sp, root, departmentGrants(d.ID)
	})
}

func departmentGrants(deptID string) []Permission {
	return []Permission{{PrincipalType: PrincipalDepartment, PrincipalID: deptID, Role: RoleEditor, CreatedBy: org.System.UserID}}
}

// OnDepartmentChanged is the org hook that keeps department spaces in step
// with the org tree: a new department gets a space, a renamed one renames
// its space. The company root department is the company space.
func (s *Service) OnDepartmentChanged(ctx context.Context, tx *gorm.DB, d org.Department) error {
	if d.ParentID == nil {
		return nil
	}
	st := dbx{tx}
	sp, err := st.spaceWhere(SpaceDepartment, "department_id", d.ID)
	if err != nil {
		return err
	}
	if sp == nil || sp.Name != d.Name {
		if err := checkDepartmentName(d.Name); err != nil {
			return err
		}
	}
	if sp == nil {
		sp, root := s.newSpace(SpaceDepartment, d.Name, "", d.ID, org.System.UserID)
		return s.createSpace(st, sp, root, departmentGrants(d.ID))
	}
	if sp.Name == d.Name {
		return nil
	}
	return s.renameSpace(st, sp, d.Name)
}

func (s *Service) renameSpace(st dbx, sp *Space, name string) error {
	if err := st.updateSpace(sp.ID, 0, map[string]any{"name": name, "updated_at": s.clock.Now()}); err != nil {
		return err
	}
	return st.renameRoot(sp.RootID, folderName(name, SpaceDepartment))
}

// syncSpaces creates the spaces that should exist and do not: the company
// space, the actor's personal space, and one per department (a department
// made before the drive existed, or while the hook was not wired).
func (s *Service) syncSpaces(ctx context.Context, a identity.Actor) error {
	if _, err := s.CompanySpace(ctx); err != nil {
		return err
	}
	if a.UserID != org.System.UserID {
		if _, err := s.PersonalSpace(ctx, a); err != nil {
			return err
		}
	}
	depts, err := s.org.Departments(ctx)
	if err != nil {
		return wrap("departments", err)
	}
	spaces, err := s.read(ctx).spaces()
	if err != nil {
		return err
	}
	have := map[string]bool{}
	for _, sp := range spaces {
		if sp.Kind == SpaceDepartment {
			have[sp.DepartmentID] = true
		}
	}
	for _, d := range depts {
		if d.ParentID != nil && !have[d.ID] {
			if _, err := s.DepartmentSpace(ctx, d); err != nil {
				return err
			}
		}
	}
	return nil
}

// everySpace brings the spaces the actor's org facts imply up to date
// (syncSpaces), then reads every space and who the actor is: what Spaces
// filters by role and AdminSpaces lists whole.
func (s *Service) everySpace(ctx context.Context, a identity.Actor) (dbx, who, []Space, error) {
	if err := s.syncSpaces(ctx, a); err != nil {
		return dbx{}, who{}, nil, err
	}
	w, err := s.who(ctx, a)
	if err != nil {
		return dbx{}, who{}, nil, err
	}
	st := s.read(ctx)
	all, err := st.spaces()
	if err != nil {
		return dbx{}, who{}, nil, err
	}
	return st, w, all, nil
}

// Spaces lists the spaces the actor can open (a role on the root), each
// with the actor's role.
func (s *Service) Spaces(ctx context.Context, a identity.Actor) ([]Space, error) {
	st, w, all, err := s.everySpace(ctx, a)
	if err != nil {
		return nil, err
	}
	out := []Space{}
	for _, sp := range all {
		root, err := st.entry(sp.RootID)
		if err != nil {
			return nil, err
		}
		r, err := s.roleOn(ctx, st, w, root)
		if err != nil {
			return nil, err
		}
		if r != "" {
			sp.Role = r
			out = append(out, sp)
		}
	}
	return out, nil
}

// Space returns one space the actor can open.
func (s *Service) Space(ctx context.Context, a identity.Actor, id string) (Space, error) {
	w, err := s.who(ctx, a)
	if err != nil {
		return Space{}, err
	}
	return s.spaceFor(ctx, s.read(ctx), w, id, RoleViewer)
}

func (s *Service) spaceFor(ctx context.Context, st dbx, w who, id, role string) (Space, error) {
	sp, err := st.space(id)
	if err != nil {
		return Space{}, err
	}
	root, err := s.need(ctx, st, w, sp.RootID, role)
	if err != nil {
		if apperr.IsKind(err, apperr.KindNotFound) {
			return Space{}, ErrSpaceNotFound
		}
		return Space{}, err
	}
	sp.Role = root.Role
	return *sp, nil
}

func spaceNameProblem(n string) string {
	switch {
	case n == "":
		return "required"
	case utf8.RuneCountInString(n) > 100:
		return "too_long"
	}
	if _, err := CleanName(n); err != nil {
		return "invalid"
	}
	return ""
}

// CreateSpace creates a project space; the creator manages it and the
// listed members get their roles.
func (s *Service) CreateSpace(ctx context.Context, a identity.Actor, req CreateSpaceRequest) (Space, error) {
	req.Name = strings.TrimSpace(req.Name)
	var v apperr.Validator
	p := spaceNameProblem(req.Name)
	v.Check(p == "", "name", p)
	v.Check(utf8.RuneCountInString(req.Description) <= MaxDescription, "description", "too_long")
	grants := []Permission{{PrincipalType: PrincipalUser, PrincipalID: a.UserID, Role: RoleManager, CreatedBy: a.UserID}}
	for i, m := range req.Members {
		g, err := s.checkGrant(ctx, m)
		if err != nil {
			v.Check(false, "members."+itoa(i), "invalid")
			continue
		}
		g.CreatedBy = a.UserID
		grants = append(grants, g)
	}
	if err := v.Err("drive.invalid_space", "the space is not valid"); err != nil {
		return Space{}, err
	}
	name, _ := CleanName(req.Name)
	sp, root := s.newSpace(SpaceProject, name, a.UserID, "", a.UserID)
	sp.Description = req.Description
	err := s.write(ctx, func(st dbx) error { return s.createSpace(st, sp, root, grants) })
	if err != nil {
		return Space{}, err
	}
	return s.Space(ctx, a, sp.ID)
}

// UpdateSpace renames or re-describes a space (managers; department and
// company spaces follow the org and cannot be renamed here) or sets its
// quota (admins only).
func (s *Service) UpdateSpace(ctx context.Context, a identity.Actor, id string, req UpdateSpaceRequest) (Space, error) {
	if req.QuotaBytes != nil && req.Name == nil && req.Description == nil && a.IsAdmin() {
		return s.setQuota(ctx, a, id, req.Version, *req.QuotaBytes) // personal spaces too
	}
	w, err := s.who(ctx, a)
	if err != nil {
		return Space{}, err
	}
	err = s.write(ctx, func(st dbx) error {
		sp, err := s.spaceFor(ctx, st, w, id, RoleManager)
		if err != nil {
			return err
		}
		changes := map[string]any{"updated_at": s.clock.Now()}
		var v apperr.Validator
		if req.Name != nil {
			n := strings.TrimSpace(*req.Name)
			if sp.Kind == SpaceDepartment || sp.Kind == SpaceCompany {
				return ErrSpaceKind
			}
			p := spaceNameProblem(n)
			v.Check(p == "", "name", p)
			changes["name"] = n
		}
		if req.Description != nil {
			v.Check(utf8.RuneCountInString(*req.Description) <= MaxDescription, "description", "too_long")
			changes["description"] = *req.Description
		}
		if req.QuotaBytes != nil {
			if !a.IsAdmin() {
				return ErrForbidden
			}
			v.Check(*req.QuotaBytes >= 0, "quota_bytes", "invalid")
			changes["quota_bytes"] = *req.QuotaBytes
		}
		if err := v.Err("drive.invalid_space", "the space is not valid"); err != nil {
			return err
		}
		if err := st.updateSpace(id, req.Version, changes); err != nil {
			return err
		}
		if n, ok := changes["name"].(string); ok {
			return st.renameRoot(sp.RootID, folderName(n, SpaceProject))
		}
		return nil
	})
	if err != nil {
		return Space{}, err
	}
	return s.Space(ctx, a, id)
}
