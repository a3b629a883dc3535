package workcal_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"tack/backend/clock"
	"tack/backend/identity"
	"tack/backend/org"
	"tack/backend/store/storetest"
	"tack/backend/workcal"
)

// TestCalendarCacheAcrossReplicas: two services on two pools of one
// database. While nobody edits, a read costs no query of the calendar
// tables; every kind of edit made through the other replica is seen by the
// next read (SQLite and PostgreSQL).
func TestCalendarCacheAcrossReplicas(t *testing.T) {
	t.Parallel()
	storetest.Each(t, migrations(), func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		clk := clock.NewFake(time.Date(2026, 1, 5, 1, 0, 0, 0, time.UTC))
		// Replica A's own pool, whose model queries (Find) are counted.
		dbA, err := gorm.Open(db.Dialector, &gorm.Config{})
		if err != nil {
			t.Fatal(err)
		}
		var finds atomic.Int64
		if err := dbA.Callback().Query().Before("gorm:query").Register("test:count", func(*gorm.DB) { finds.Add(1) }); err != nil {
			t.Fatal(err)
		}
		a, err := workcal.NewService(dbA, clk, "Asia/Shanghai")
		if err != nil {
			t.Fatal(err)
		}
		b, err := workcal.NewService(db, clk, "Asia/Shanghai")
		if err != nil {
			t.Fatal(err)
		}
		admin := identity.Actor{UserID: "u-admin", Roles: []string{org.RoleAdmin}}
		cal := func() workcal.Calendar {
			t.Helper()
			c, err := a.Calendar(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		monday := time.Date(2026, 1, 12, 10, 0, 0, 0, a.Location())

		if !cal().IsWorkingDay(monday) {
			t.Fatal("a plain Monday is a working day")
		}
		before := finds.Load()
		for i := 0; i < 5; i++ {
			cal()
		}
		if n := finds.Load() - before; n != 0 {
			t.Fatalf("unchanged calendar read %d times from its tables", n)
		}

		if _, err := b.SetDay(ctx, admin, workcal.Day{Date: "2026-01-12", Working: false, Note: "假日"}); err != nil {
			t.Fatal(err)
		}
		if cal().IsWorkingDay(monday) {
			t.Fatal("B's holiday not seen by A")
		}
		if err := b.DeleteDay(ctx, admin, "2026-01-12"); err != nil {
			t.Fatal(err)
		}
		if !cal().IsWorkingDay(monday) {
			t.Fatal("B's delete not seen by A")
		}
		if _, err := b.SetRange(ctx, admin, workcal.Range{Start: "2026-01-12", End: "2026-01-13", Working: false}); err != nil {
			t.Fatal(err)
		}
		if cal().IsWorkingDay(monday) {
			t.Fatal("B's range not seen by A")
		}
		if _, err := b.SetSettings(ctx, admin, workcal.Settings{WorkDays: []int{1, 2, 3, 4, 5}, WorkStart: "11:00", WorkEnd: "18:00"}); err != nil {
			t.Fatal(err)
		}
		if cal().InWorkingHours(time.Date(2026, 1, 14, 10, 0, 0, 0, a.Location())) {
			t.Fatal("B's working hours not seen by A")
		}
		// A refused edit changes nothing, so A keeps its copy.
		before = finds.Load()
		if _, err := b.SetDay(ctx, identity.Actor{UserID: "u-member"}, workcal.Day{Date: "2026-01-14", Working: false}); err == nil {
			t.Fatal("member edited the calendar")
		}
		cal()
		if n := finds.Load() - before; n != 0 {
			t.Fatalf("calendar reloaded %d times after a refused edit", n)
		}
	})
}
