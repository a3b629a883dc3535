package workcal_test

import (
	"context"
	"testing"
	"time"

	"gorm.io/gorm"

	"tack/backend/apperr"
	"tack/backend/audit"
	"tack/backend/clock"
	"tack/backend/identity"
	"tack/backend/org"
	"tack/backend/store"
	"tack/backend/store/storetest"
	"tack/backend/workcal"
)

func migrations() []store.Migration {
	return append(audit.Migrations(), workcal.Migrations()...)
}

// TestServiceEdits: only an admin edits the calendar; each edit is audited;
// a refused or invalid edit changes nothing; what is stored is what the
// maths read (SQLite and PostgreSQL).
func TestServiceEdits(t *testing.T) {
	t.Parallel()
	storetest.Each(t, migrations(), func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		clk := clock.NewFake(time.Date(2026, 1, 5, 1, 0, 0, 0, time.UTC))
		s, err := workcal.NewService(db, clk, "Asia/Tokyo")
		if err != nil {
			t.Fatal(err)
		}
		admin := identity.Actor{UserID: "u-admin", Roles: []string{org.RoleAdmin}}
		member := identity.Actor{UserID: "u-member", Roles: []string{"member"}}
		audits := func() int64 {
			var n int64
			if err := db.Model(&audit.Entry{}).Count(&n).Error; err != nil {
				t.Fatal(err)
			}
			return n
		}

		v, err := s.Get(ctx)
		if err != nil || v.TimeZone != "Asia/Tokyo" || v.WorkStart != "09:00" || len(v.WorkDays) != 5 || v.Days == nil {
			t.Fatalf("defaults %+v %v", v, err)
		}

		// Refused: a member, and bad input; nothing changes, nothing audited.
		week := workcal.Settings{WorkDays: []int{6, 1, 2, 3, 4, 5}, WorkStart: "8:30", WorkEnd: "17:30"}
		if _, err := s.SetSettings(ctx, member, week); !apperr.IsKind(err, apperr.KindForbidden) {
			t.Fatalf("member settings: %v", err)
		}
		if _, err := s.SetDay(ctx, member, workcal.Day{Date: "2026-01-07"}); !apperr.IsKind(err, apperr.KindForbidden) {
			t.Fatalf("member day: %v", err)
		}
		if _, err := s.SetRange(ctx, member, workcal.Range{Start: "2026-01-07", End: "2026-01-08"}); !apperr.IsKind(err, apperr.KindForbidden) {
			t.Fatalf("member range: %v", err)
		}
		if err := s.DeleteDay(ctx, member, "2026-01-07"); !apperr.IsKind(err, apperr.KindForbidden) {
			t.Fatalf("member delete: %v", err)
		}
		for _, bad := range []workcal.Settings{
			{WorkDays: []int{1, 8}, WorkStart: "09:00", WorkEnd: "18:00"},
			{WorkDays: []int{1, 1}, WorkStart: "09:00", WorkEnd: "18:00"},
			{WorkDays: []int{}, WorkStart: "09:00", WorkEnd: "18:00"},
			{WorkDays: []int{1}, WorkStart: "18:00", WorkEnd: "09:00"},
			{WorkDays: []int{1}, WorkStart: "nine", WorkEnd: "18:00"},
		} {
			_, err := s.SetSettings(ctx, admin, bad)
			if e, ok := apperr.As(err); !ok || e.Key != "workcal.invalid_week" {
				t.Fatalf("bad settings %+v: %v", bad, err)
			}
		}
		if _, err := s.SetRange(ctx, admin, workcal.Range{Start: "2026-01-01", End: "2026-06-01"}); !apperr.IsKind(err, apperr.KindInvalid) {
			t.Fatalf("five-month range: %v", err)
		}
		if _, err := s.SetDay(ctx, admin, workcal.Day{Date: "2026-13-01"}); !apperr.IsKind(err, apperr.KindInvalid) {
			t.Fatalf("bad date: %v", err)
		}
		if v2, _ := s.Get(ctx); v2.WorkStart != "09:00" || len(v2.Days) != 0 || audits() != 0 {
			t.Fatalf("a refused edit changed something: %+v, %d audits", v2, audits())
		}

		// The admin's edits land, are audited and drive the maths.
		st, err := s.SetSettings(ctx, admin, week)
		if err != nil || st.WorkStart != "08:30" || st.WorkDays[0] != 1 || st.WorkDays[5] != 6 {
			t.Fatalf("settings %+v %v", st, err)
		}
		if _, err := s.SetRange(ctx, admin, workcal.Range{Start: "2026-01-07", End: "2026-01-08", Note: "holiday"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SetDay(ctx, admin, workcal.Day{Date: "2026-01-11", Working: true, Note: "调休"}); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteDay(ctx, admin, "2026-01-08"); err != nil {
			t.Fatal(err)
		}
		if n := audits(); n != 4 {
			t.Fatalf("%d audit entries, want 4", n)
		}
		var last audit.Entry
		if err := db.Order("id").Where("action = ?", "approval.calendar_settings").First(&last).Error; err != nil || last.ActorID != "u-admin" {
			t.Fatalf("audit %+v %v", last, err)
		}
		c, err := s.Calendar(ctx)
		if err != nil {
			t.Fatal(err)
		}
		tk := s.Location()
		for _, tc := range []struct {
			at   time.Time
			want bool
		}{
			{time.Date(2026, 1, 6, 8, 30, 0, 0, tk), true},   // Tuesday, the new opening
			{time.Date(2026, 1, 6, 17, 45, 0, 0, tk), false}, // after the new closing
			{time.Date(2026, 1, 7, 10, 0, 0, 0, tk), false},  // the holiday
			{time.Date(2026, 1, 8, 10, 0, 0, 0, tk), true},   // removed again
			{time.Date(2026, 1, 10, 10, 0, 0, 0, tk), true},  // Saturday joined the week
			{time.Date(2026, 1, 11, 10, 0, 0, 0, tk), true},  // make-up Sunday
		} {
			if c.InWorkingHours(tc.at) != tc.want || s.InWorkingHours(tc.at) != tc.want {
				t.Errorf("InWorkingHours(%v) = %v", tc.at, !tc.want)
			}
		}
	})
}
