package org_test

import (
	"errors"
	"testing"
	"time"

	"gorm.io/gorm"

	"tack/backend/clock"
	"tack/backend/org"
	"tack/backend/store/storetest"
)

// TestDepartmentChainOneStatement: the chain is nearest first; an unknown
// department is ErrDepartmentNotFound; a cycle in bad data ends
// (SQLite and PostgreSQL).
func TestDepartmentChainOneStatement(t *testing.T) {
	t.Parallel()
	storetest.Each(t, migrations(), func(t *testing.T, db *gorm.DB) {
		svc := org.NewService(db, clock.NewFake(time.Time{}))
		now := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
		ptr := func(s string) *string { return &s }
		for _, d := range []org.Department{
			{ID: "root", Name: "Co"}, {ID: "mid", Name: "Sales", ParentID: ptr("root")}, {ID: "leaf", Name: "East", ParentID: ptr("mid")},
			{ID: "c1", Name: "C1"}, {ID: "c2", Name: "C2", ParentID: ptr("c1")},
		} {
			d.Version, d.CreatedAt, d.UpdatedAt = 1, now, now
			if err := db.Create(&d).Error; err != nil {
				t.Fatal(err)
			}
		}
		// A cycle only bad data (or a concurrent move) makes.
		if err := db.Exec(`UPDATE departments SET parent_id = 'c2' WHERE id = 'c1'`).Error; err != nil {
			t.Fatal(err)
		}
		ids := func(id string) ([]string, error) {
			ch, err := svc.DepartmentChain(ctx, id)
			var out []string
			for _, d := range ch {
				out = append(out, d.ID)
			}
			return out, err
		}
		if got, err := ids("leaf"); err != nil || len(got) != 3 || got[0] != "leaf" || got[1] != "mid" || got[2] != "root" {
			t.Fatalf("leaf chain %v %v", got, err)
		}
		if got, err := ids("root"); err != nil || len(got) != 1 {
			t.Fatalf("root chain %v %v", got, err)
		}
		if _, err := ids("nope"); !errors.Is(err, org.ErrDepartmentNotFound) {
			t.Fatalf("unknown department %v", err)
		}
		if got, err := ids("c1"); err != nil || len(got) != 2 || got[0] != "c1" || got[1] != "c2" {
			t.Fatalf("cycle %v %v", got, err)
		}
	})
}
