package drive

import (
	"context"
	"slices"

	"tack/backend/identity"
	"tack/backend/org"
)

// who is an actor with what grants can match: their departments (their own
// and every ancestor, since a grant to a department covers its
// sub-departments), roles, and the departments whose spaces they manage as
// head (the departments they head and everything below). It is computed
// before any transaction: permission checks inside one then need no other
// database connection.
type who struct {
	identity.Actor
	depts []string
	heads map[string]bool
}

func (s *Service) who(ctx context.Context, a identity.Actor) (who, error) {
	w := who{Actor: a, heads: map[string]bool{}}
	if a.UserID == "" || a.UserID == org.System.UserID {
		return w, nil
	}
	all, err := s.org.Departments(ctx)
	if err != nil {
		return w, wrap("departments", err)
	}
	byID := make(map[string]org.Department, len(all))
	for _, d := range all {
		byID[d.ID] = d
		if d.HeadID != nil && *d.HeadID == a.UserID {
			for _, id := range org.Descendants(all, d.ID) {
				w.heads[id] = true
			}
		}
	}
	for id, n := a.DepartmentID, 0; id != "" && n < 64; n++ {
		d, ok := byID[id]
		if !ok {
			break
		}
		w.depts = append(w.depts, d.ID)
		if d.ParentID == nil {
			break
		}
		id = *d.ParentID
	}
	return w, nil
}

func (w who) matches(p Permission) bool {
	switch p.PrincipalType {
	case PrincipalUser:
		return p.PrincipalID == w.UserID
	case PrincipalDepartment:
		return slices.Contains(w.depts, p.PrincipalID)
	case PrincipalRole:
		return w.HasRole(p.PrincipalID)
	case PrincipalEveryone:
		return w.UserID != ""
	}
	return false
}

// implicitRole is the role a space gives without any grant row: admins
// manage every shared space, a department's head manages its space (and the
// spaces of its sub-departments), the owner manages their personal space.
func (s *Service) implicitRole(w who, sp *Space) string {
	if w.UserID == org.System.UserID {
		return RoleManager
	}
	switch sp.Kind {
	case SpacePersonal:
		if sp.OwnerID == w.UserID {
			return RoleManager
		}
		return ""
	case SpaceDepartment:
		if w.IsAdmin() || w.heads[sp.DepartmentID] {
			return RoleManager
		}
		return ""
	default:
		if w.IsAdmin() {
			return RoleManager
		}
		return ""
	}
}

// ancestry returns e and its ancestors up to the space root, e first.
func (st dbx) ancestry(e *Entry) ([]*Entry, error) {
	chain := []*Entry{e}
	cur := e
	for cur.ParentID != "" && len(chain) < 256 {
		p, err := st.entry(cur.ParentID)
		if err != nil {
			return nil, err
		}
		chain = append(chain, p)
		cur = p
	}
	return chain, nil
}

// roleOn returns the actor's effective role on e: the strongest of the
// space's implicit role and every matching grant on e or an ancestor
// (grants are inherited down the tree and only ever add access).
func (s *Service) roleOn(ctx context.Context, st dbx, w who, e *Entry) (string, error) {
	sp, err := st.space(e.SpaceID)
	if err != nil {
		return "", err
	}
	role := s.implicitRole(w, sp)
	if role == RoleManager {
		return st.capLocked(w, e, role)
	}
	chain, err := st.ancestry(e)
	if err != nil {
		return "", err
	}
	roles, err := rolesAlong(st, w, role, chain)
	if err != nil {
		return "", err
	}
	return st.capLocked(w, e, roles[0])
}

// rolesAlong is the actor's role on each entry of chain (an entry, then its
// ancestors up to the space root), starting from the space's implicit
// role: a grant on an entry counts for it and everything below it.
func rolesAlong(st dbx, w who, implicit string, chain []*Entry) ([]string, error) {
	ids := make([]string, len(chain))
	for i, c := range chain {
		ids[i] = c.ID
	}
	perms, err := st.permissionsOn(ids)
	if err != nil {
		return nil, err
	}
	granted := map[string]string{}
	for _, p := range perms {
		if w.matches(p) {
			granted[p.EntryID] = maxRole(granted[p.EntryID], p.Role)
		}
	}
	roles := make([]string, len(chain))
	role := implicit
	for i := len(chain) - 1; i >= 0; i-- {
		role = maxRole(role, granted[chain[i].ID])
		roles[i] = role
	}
	return roles, nil
}

// need loads an entry and checks the actor holds at least role on it.
// Without read access the entry does not exist for the actor (404); with
// read access but too weak a role, 403.
func (s *Service) need(ctx context.Context, st dbx, w who, id, role string) (*Entry, error) {
	e, err := st.entry(id)
	if err != nil {
		return nil, err
	}
	r, err := s.roleOn(ctx, st, w, e)
	if err != nil {
		return nil, err
	}
	if err := allowed(r, role); err != nil {
		if e.Locked && r == RoleViewer {
			if out, lerr := st.lockedOut(w, e); lerr == nil && out {
				return nil, ErrLocked
			}
		}
		return nil, err
	}
	e.Role = r
	return e, nil
}

// allowed checks that the role held includes the role wanted. Without read
// access the entry does not exist for the actor (404); with read access but
// too weak a role, 403.
func allowed(held, want string) error {
	if roleLevel(held) < roleLevel(RoleViewer) {
		return ErrNotFound
	}
	if roleLevel(held) < roleLevel(want) {
		return ErrForbidden
	}
	return nil
}

// needLive is need for an entry not in the trash.
func (s *Service) needLive(ctx context.Context, st dbx, w who, id, role string) (*Entry, error) {
	e, err := s.need(ctx, st, w, id, role)
	if err != nil {
		return nil, err
	}
	if e.Deleted {
		return nil, ErrNotFound
	}
	return e, nil
}

// needFolder is needLive for a folder.
func (s *Service) needFolder(ctx context.Context, st dbx, w who, id, role string) (*Entry, error) {
	e, err := s.needLive(ctx, st, w, id, role)
	if err != nil {
		return nil, err
	}
	if !e.IsDir() {
		return nil, ErrNotFolder
	}
	return e, nil
}
