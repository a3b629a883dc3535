package org_test

import (
	"slices"
	"testing"

	"gorm.io/gorm"

	"tack/backend/audit"
	"tack/backend/org"
	"tack/backend/store/storetest"
)

// The admin dialog sends the whole profile on every save: the audit log must
// name only what actually changed, or every edit reads as a rewrite of all.
func TestUpdateAuditNamesOnlyChangedFields(t *testing.T) {
	t.Parallel()
	storetest.Each(t, migrations(), func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		boss := f.user(t, "boss@x.com", "", nil)
		u := f.user(t, "li@x.com", "", &boss.ID)
		whole := func(u org.User, roles []string, title string) org.UpdateUserRequest {
			return org.UpdateUserRequest{Email: &u.Email, Name: &u.Name, DepartmentID: &u.DepartmentID, Title: &title,
				Phone: &u.Phone, ManagerID: org.SetID(*u.ManagerID), Roles: &roles, Version: u.Version}
		}
		steps := []struct {
			name  string
			roles []string
			title string
			want  []string
		}{
			{"a role added", []string{org.RoleMember, org.RoleHR}, "Staff", []string{"roles"}},
			{"the title changed", []string{org.RoleHR, org.RoleMember}, "Lead", []string{"title"}},
			{"nothing changed", []string{org.RoleHR}, "Lead", nil},
		}
		logged := 0
		for _, s := range steps {
			var err error
			if u, err = f.svc.UpdateUser(ctx, f.admin, u.ID, whole(u, s.roles, s.title)); err != nil {
				t.Fatalf("%s: %v", s.name, err)
			}
			entries, err := audit.List(ctx, db, audit.Filter{Action: "user.update"})
			if err != nil {
				t.Fatal(err)
			}
			if s.want == nil {
				if len(entries) != logged {
					t.Errorf("%s: %d audit entries, want %d (nothing changed)", s.name, len(entries), logged)
				}
				continue
			}
			logged++
			if len(entries) != logged {
				t.Fatalf("%s: %d audit entries, want %d", s.name, len(entries), logged)
			}
			var got []string
			fields, _ := entries[0].Detail["fields"].([]any)
			for _, x := range fields {
				got = append(got, x.(string))
			}
			if !slices.Equal(got, s.want) {
				t.Errorf("%s: audit names %v, want %v", s.name, got, s.want)
			}
		}
	})
}
