package drive

import (
	"context"
	"slices"

	"tack/backend/apperr"
	"tack/backend/event"
	"tack/backend/identity"
	"tack/backend/notify"
	"tack/backend/org"
)

// checkGrant validates a grant request: a known role and an existing
// principal (active user, department, org role; everyone has no ID).
func (s *Service) checkGrant(ctx context.Context, g GrantRequest) (Permission, error) {
	var v apperr.Validator
	v.Check(roleLevel(g.Role) > 0, "role", "invalid")
	switch g.PrincipalType {
	case PrincipalUser:
		u, err := s.org.User(ctx, g.PrincipalID)
		v.Check(err == nil && u.Active, "principal_id", "not_found")
	case PrincipalDepartment:
		_, err := s.org.Department(ctx, g.PrincipalID)
		v.Check(err == nil, "principal_id", "not_found")
	case PrincipalRole:
		roles, err := s.org.Roles(ctx)
		if err != nil {
			return Permission{}, wrap("roles", err)
		}
		v.Check(slices.ContainsFunc(roles, func(r org.Role) bool { return r.ID == g.PrincipalID }), "principal_id", "not_found")
	case PrincipalEveryone:
		g.PrincipalID = ""
	default:
		v.Check(false, "principal_type", "invalid")
	}
	if err := v.Err("drive.invalid_permission", "the permission is not valid"); err != nil {
		return Permission{}, err
	}
	return Permission{PrincipalType: g.PrincipalType, PrincipalID: g.PrincipalID, Role: g.Role}, nil
}

// recipients are the users a grant reaches, for the drive.shared notice.
func (s *Service) recipients(ctx context.Context, p Permission) ([]string, error) {
	var users []org.User
	var err error
	switch p.PrincipalType {
	case PrincipalUser:
		return []string{p.PrincipalID}, nil
	case PrincipalDepartment:
		users, err = s.org.DepartmentMembers(ctx, p.PrincipalID, true)
	case PrincipalRole:
		users, err = s.org.UsersWithRole(ctx, p.PrincipalID)
	default:
		return nil, nil // everyone: no personal notice for a company-wide grant
	}
	if err != nil {
		return nil, wrap("grant recipients", err)
	}
	out := make([]string, len(users))
	for i, u := range users {
		out[i] = u.ID
	}
	return out, nil
}

// Permissions lists who has access to an entry (viewers may look): grants
// on the entry and, marked inherited, on its ancestors.
func (s *Service) Permissions(ctx context.Context, a identity.Actor, id string) ([]Permission, error) {
	w, err := s.who(ctx, a)
	if err != nil {
		return nil, err
	}
	st := s.read(ctx)
	e, err := s.need(ctx, st, w, id, RoleViewer)
	if err != nil {
		return nil, err
	}
	chain, err := st.ancestry(e)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(chain))
	for i, c := range chain {
		ids[i] = c.ID
	}
	perms, err := st.permissionsOn(ids)
	if err != nil {
		return nil, err
	}
	for i := range perms {
		perms[i].Inherited = perms[i].EntryID != e.ID
		perms[i].PrincipalName = s.principalName(ctx, perms[i])
	}
	return perms, nil
}

func (s *Service) principalName(ctx context.Context, p Permission) string {
	switch p.PrincipalType {
	case PrincipalUser:
		if u, err := s.org.User(ctx, p.PrincipalID); err == nil {
			return u.Name
		}
	case PrincipalDepartment:
		if d, err := s.org.Department(ctx, p.PrincipalID); err == nil {
			return d.Name
		}
	case PrincipalRole:
		return p.PrincipalID
	}
	return ""
}

// Grant gives a principal a role on an entry and everything below it
// (managers of the entry). Granting again changes the role. The users it
// reaches get a drive.shared notification.
func (s *Service) Grant(ctx context.Context, a identity.Actor, id string, req GrantRequest) (Permission, error) {
	p, err := s.checkGrant(ctx, req)
	if err != nil {
		return Permission{}, err
	}
	w, err := s.who(ctx, a)
	if err != nil {
		return Permission{}, err
	}
	rcpt, err := s.recipients(ctx, p)
	if err != nil {
		return Permission{}, err
	}
	err = s.write(ctx, func(st dbx) error {
		e, err := s.needLive(ctx, st, w, id, RoleManager)
		if err != nil {
			return err
		}
		p.ID, p.EntryID, p.SpaceID, p.CreatedBy, p.CreatedAt = newID(), e.ID, e.SpaceID, a.UserID, s.clock.Now()
		if err := st.upsertPermission(&p); err != nil {
			return err
		}
		return s.emitShared(st, a, e, p.Role, rcpt)
	})
	if err != nil {
		return Permission{}, err
	}
	p.PrincipalName = s.principalName(ctx, p)
	return p, nil
}

func (s *Service) emitShared(st dbx, a identity.Actor, e *Entry, role string, rcpt []string) error {
	if len(rcpt) == 0 {
		return nil
	}
	return notify.Emit(st.db, &notify.Event{Type: event.DriveShared, SubjectType: "drive_entry", SubjectID: e.ID, ActorID: a.UserID,
		Recipients: rcpt, Data: event.Data(event.DriveShare{Title: e.Name, Link: "/drive/entries/" + e.ID, Role: role,
			Kind: e.Kind, SpaceID: e.SpaceID, By: a.Name})})
}

// Revoke removes a grant (managers of the entry it is on).
func (s *Service) Revoke(ctx context.Context, a identity.Actor, entryID, permID string) error {
	w, err := s.who(ctx, a)
	if err != nil {
		return err
	}
	return s.write(ctx, func(st dbx) error {
		e, err := s.need(ctx, st, w, entryID, RoleManager)
		if err != nil {
			return err
		}
		p, err := st.permission(permID)
		if err != nil {
			return err
		}
		if p.EntryID != e.ID {
			return ErrNotFound
		}
		return st.deletePermission(p.ID)
	})
}

// Shared lists live entries granted to the actor personally (the "shared
// with me" view), newest change first.
func (s *Service) Shared(ctx context.Context, a identity.Actor, limit int) ([]Entry, error) {
	items, err := s.read(ctx).sharedWithUser(a.UserID, limit)
	if err != nil {
		return nil, err
	}
	w, err := s.who(ctx, a)
	if err != nil {
		return nil, err
	}
	for i := range items {
		if items[i].Role, err = s.roleOn(ctx, s.read(ctx), w, &items[i]); err != nil {
			return nil, err
		}
	}
	return items, nil
}
