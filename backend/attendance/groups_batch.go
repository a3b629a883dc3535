package attendance

import (
	"fmt"
	"slices"

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

// loadGroupResolver reads what resolving userIDs needs: department entries
// and these people's own (named, excluded), not every person named in any group.
func loadGroupResolver(tx *gorm.DB, userIDs []string) (*groupResolver, error) {
	if userIDs == nil {
		userIDs = []string{}
	}
	return loadGroupResolverWho(tx, who{ids: userIDs})
}

// loadGroupResolverWho is loadGroupResolver for w (days_set.go).
func loadGroupResolverWho(tx *gorm.DB, w who) (*groupResolver, error) {
	r := &groupResolver{parent: map[string]string{}, groups: map[string]*Group{}}
	if err := tx.Where("kind = ?", MemberDepartment).Or(w.in(tx, "ref_id")).Find(&r.ms).Error; err != nil {
		return nil, fmt.Errorf("attendance: members: %w", err)
	}
	// The tree matters only when some group takes a department (one
	// statement fewer in every leave submit otherwise: the approval suite's budget).
	if slices.ContainsFunc(r.ms, func(m Member) bool { return m.Kind == MemberDepartment }) {
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
	var gs []Group
	if err := tx.Order("created_at, id").Find(&gs).Error; err != nil {
		return nil, fmt.Errorf("attendance: groups: %w", err)
	}
	for i := range gs {
		r.groups[gs[i].ID] = &gs[i]
		if gs[i].IsDefault && r.def == nil {
			r.def = &gs[i]
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
