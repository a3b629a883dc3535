package attendance

import (
	"gorm.io/gorm"
)

// groupResolver resolves people's groups from one read of the membership
// rules, the department tree and the groups (groupOf for one person; the
// board for a whole department at once).
type groupResolver struct {
	ms     []Member
	parent map[string]string
	groups map[string]*Group
	def    *Group // the earliest default group
}

// loadGroupResolver resolves userIDs from the cached configuration
// (config.go): department entries and these people's own (named, excluded).
func (s *Service) loadGroupResolver(tx *gorm.DB, userIDs []string) (*groupResolver, error) {
	if userIDs == nil {
		userIDs = []string{}
	}
	return s.loadGroupResolverWho(tx, who{ids: userIDs})
}

// loadGroupResolverWho is loadGroupResolver for w (days_set.go); for a
// department's people it takes every person's entries (of picks theirs).
func (s *Service) loadGroupResolverWho(tx *gorm.DB, w who) (*groupResolver, error) {
	cfg, err := s.config(tx)
	if err != nil {
		return nil, err
	}
	r := &groupResolver{parent: map[string]string{}, groups: cfg.groups, def: cfg.def}
	r.ms = append(r.ms, cfg.deptMs...)
	if w.ids != nil {
		for _, id := range w.ids {
			r.ms = append(r.ms, cfg.userMs[id]...)
		}
	} else {
		for _, ms := range cfg.userMs {
			r.ms = append(r.ms, ms...)
		}
	}
	// The tree is org data (not in the configuration) and matters only when
	// some group takes a department: one statement fewer in every leave
	// submit otherwise (the approval suite's budget).
	if len(cfg.deptMs) > 0 {
		ds, err := departments(tx)
		if err != nil {
			return nil, err
		}
		for _, d := range ds {
			if d.ParentID != nil {
				r.parent[d.ID] = *d.ParentID
			}
		}
	}
	return r, nil
}

// of resolves one person: a group naming them wins, then the group of
// their nearest department up the tree, then the default group; a group
// that excludes them is skipped (nil: no group).
func (r *groupResolver) of(u userRow) *Group {
	excluded := map[string]bool{}
	for _, m := range r.ms {
		if m.Kind == MemberExclude && m.RefID == u.ID {
			excluded[m.GroupID] = true
		}
	}
	byUser, byDept := "", map[string]string{}
	for _, m := range r.ms {
		if excluded[m.GroupID] {
			continue
		}
		switch {
		case m.Kind == MemberUser && m.RefID == u.ID && byUser == "":
			byUser = m.GroupID
		case m.Kind == MemberDepartment:
			if _, ok := byDept[m.RefID]; !ok {
				byDept[m.RefID] = m.GroupID
			}
		}
	}
	id := byUser
	for d, n := u.DepartmentID, 0; id == "" && d != "" && n < 64; d, n = r.parent[d], n+1 {
		id = byDept[d]
	}
	g := r.def
	if id != "" {
		g = r.groups[id]
	}
	if g == nil || excluded[g.ID] {
		return nil
	}
	return g
}
