// Package notifyorg adapts the org directory to notify.Directory (org imports
// notify to emit events, so notify cannot import org).
package notifyorg

import (
	"context"

	"tack/backend/notify"
	"tack/backend/org"
)

// Directory is notify.Directory over org.Service.
type Directory struct{ Org *org.Service }

func person(u org.User) notify.Person {
	return notify.Person{ID: u.ID, Name: u.Name, Email: u.Email, DepartmentID: u.DepartmentID, Active: u.Active, Locale: u.Locale}
}

// People looks users up by ID.
func (d Directory) People(ctx context.Context, ids []string) (map[string]notify.Person, error) {
	us, err := d.Org.UsersByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[string]notify.Person, len(us))
	for id, u := range us {
		out[id] = person(u)
	}
	return out, nil
}

// Audience returns the active members of the departments (recursively), or
// of the whole company when all.
func (d Directory) Audience(ctx context.Context, all bool, departmentIDs []string) ([]notify.Person, error) {
	if all {
		deps, err := d.Org.Departments(ctx)
		if err != nil {
			return nil, err
		}
		departmentIDs = departmentIDs[:0:0]
		for _, dep := range deps {
			if dep.ParentID == nil {
				departmentIDs = append(departmentIDs, dep.ID)
			}
		}
	}
	seen := map[string]bool{}
	var out []notify.Person
	for _, id := range departmentIDs {
		us, err := d.Org.DepartmentMembers(ctx, id, true)
		if err != nil {
			return nil, err
		}
		for _, u := range us {
			if !seen[u.ID] {
				seen[u.ID] = true
				out = append(out, person(u))
			}
		}
	}
	return out, nil
}
