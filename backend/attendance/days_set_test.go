package attendance_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"tack/backend/attendance"
	"tack/backend/clock"
	"tack/backend/identity"
	"tack/backend/org"
	"tack/backend/server"
	"tack/backend/store"
	"tack/backend/store/storetest"
)

// TestSetDerivationMatchesPerPerson: the month sheet and the team board
// derive a whole department at once (days_set.go); for a mixed company —
// fixed, flexible, free-hours and rota groups (a night shift, days without
// a cell), an exclusion, a holiday and a make-up working day, a half-day
// leave, a business trip, an outing, a field punch awaiting approval and
// one approved, a voided punch, someone who joined mid-month with an
// imported punch before — every day they give equals the day the
// per-person path (Month, recomputeDays) derives, on a cold table and again
// on a warm one.
func TestSetDerivationMatchesPerPerson(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			var db *gorm.DB
			if kind == "sqlite" {
				db = storetest.SQLite(t, server.Migrations())
			} else {
				db = storetest.Postgres(t, server.Migrations())
			}
			checkSetDerivation(t, db)
		})
	}
}

func checkSetDerivation(t *testing.T, db *gorm.DB) {
	ctx := context.Background()
	zone := benchZone
	clk := clock.NewFake(time.Date(2026, 1, 21, 2, 0, 0, 0, time.UTC)) // Wednesday 10:00
	svc := attendance.NewService(db, clk, zone)
	if err := svc.EnsureDefaults(ctx); err != nil {
		t.Fatal(err)
	}
	exec := func(sql string, args ...any) {
		t.Helper()
		if err := db.Exec(sql, args...).Error; err != nil {
			t.Fatal(err)
		}
	}
	now := clk.Now()
	// The calendar: New Year's Day off, Sunday the 4th a make-up working day.
	exec(`INSERT INTO approval_calendar_days (date, working, note, updated_at) VALUES ('2026-01-01', FALSE, 'NY', ?), ('2026-01-04', TRUE, 'make-up', ?)`, now, now)
	exec(`INSERT INTO workcal_version (id, version) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET version = workcal_version.version + 1`)

	joined := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	d1 := org.Department{ID: store.NewID(), Name: "Plant", Version: 1, CreatedAt: joined, UpdatedAt: joined}
	d2 := org.Department{ID: store.NewID(), Name: "Field", ParentID: &d1.ID, Version: 1, CreatedAt: joined, UpdatedAt: joined}
	if err := db.Create([]org.Department{d1, d2}).Error; err != nil {
		t.Fatal(err)
	}
	users := make([]org.User, 12)
	for i := range users {
		dept := d1.ID
		if i >= 6 && i <= 9 {
			dept = d2.ID
		}
		created := joined
		if i == 5 { // joined on the 12th
			created = time.Date(2026, 1, 12, 1, 0, 0, 0, time.UTC)
		}
		users[i] = org.User{ID: store.NewID(), Email: fmt.Sprintf("p%d@x", i), Name: fmt.Sprint("P", i), DepartmentID: dept,
			Active: true, Version: 1, CreatedAt: created, UpdatedAt: created}
	}
	if err := db.Create(users).Error; err != nil {
		t.Fatal(err)
	}
	id := func(i int) string { return users[i].ID }

	shift := func(name string, start, end, flex, grace int) attendance.Shift {
		s := attendance.Shift{ID: store.NewID(), Name: name, StartMin: start, EndMin: end, EarliestInMin: 150, LatestOutMin: 390,
			GraceMin: grace, FlexMin: flex, SeriousLateMin: 30, AbsentLateMin: 240, Version: 1, CreatedAt: now, UpdatedAt: now}
		if end-start > 8*60 && end <= 24*60 {
			s.BreakStartMin, s.BreakEndMin = 12*60, 13*60
		}
		if err := db.Create(&s).Error; err != nil {
			t.Fatal(err)
		}
		return s
	}
	flex := shift("flex", 9*60, 18*60, 60, 5)
	night := shift("night", 22*60, 30*60, 0, 0)
	day := shift("day", 8*60, 16*60, 0, 10)
	group := func(name, schedule string, week []string, members ...attendance.Member) {
		if week == nil {
			week = make([]string, 7)
		}
		g := attendance.Group{ID: store.NewID(), Name: name, Schedule: schedule, WeekShifts: week, FreeMinutes: 420, FieldAllowed: true,
			FieldApproval: true, PhotoPolicy: "suspicious", Version: 1, CreatedAt: now, UpdatedAt: now}
		if err := db.Create(&g).Error; err != nil {
			t.Fatal(err)
		}
		for _, m := range members {
			m.GroupID = g.ID
			if err := db.Create(&m).Error; err != nil {
				t.Fatal(err)
			}
		}
	}
	group("Flex", attendance.ScheduleFixed, []string{flex.ID, flex.ID, flex.ID, flex.ID, flex.ID, "", ""},
		attendance.Member{Kind: attendance.MemberUser, RefID: id(2)})
	group("Free", attendance.ScheduleFree, nil,
		attendance.Member{Kind: attendance.MemberDepartment, RefID: d2.ID}, attendance.Member{Kind: attendance.MemberExclude, RefID: id(9)})
	group("Rota", attendance.ScheduleRota, nil,
		attendance.Member{Kind: attendance.MemberUser, RefID: id(10)}, attendance.Member{Kind: attendance.MemberUser, RefID: id(11)})
	for d := 1; d <= 21; d++ {
		date := fmt.Sprintf("2026-01-%02d", d)
		cell := []string{night.ID, day.ID, "", day.ID}[d%4]
		exec(`INSERT INTO attendance_rota (user_id, work_date, shift_id, updated_by, updated_at) VALUES (?, ?, ?, ?, ?)`, id(10), date, cell, id(0), now)
		if d%3 != 0 { // the 3rd, 6th, ... have no cell
			exec(`INSERT INTO attendance_rota (user_id, work_date, shift_id, updated_by, updated_at) VALUES (?, ?, ?, ?, ?)`, id(11), date, cell, id(0), now)
		}
	}
	cst := func(d, h, m int) time.Time { return time.Date(2026, 1, d, h, m, 0, 0, zone) }
	exec(`INSERT INTO attendance_excuses (approval_id, user_id, kind, leave_type, start_at, end_at) VALUES (?, ?, ?, ?, ?, ?)`,
		store.NewID(), id(3), attendance.ExcuseLeave, "annual", cst(14, 8, 30), cst(14, 12, 0))
	exec(`INSERT INTO attendance_excuses (approval_id, user_id, kind, leave_type, start_at, end_at) VALUES (?, ?, ?, ?, ?, ?)`,
		store.NewID(), id(4), attendance.ExcuseTrip, "", cst(15, 0, 0), cst(17, 0, 0))
	exec(`INSERT INTO attendance_excuses (approval_id, user_id, kind, leave_type, start_at, end_at) VALUES (?, ?, ?, ?, ?, ?)`,
		store.NewID(), id(7), attendance.ExcuseOuting, "", cst(20, 14, 0), cst(20, 16, 0))
	exec(`INSERT INTO attendance_excuses (approval_id, user_id, kind, leave_type, start_at, end_at) VALUES (?, ?, ?, ?, ?, ?)`,
		store.NewID(), id(11), attendance.ExcuseLeave, "sick", cst(8, 0, 0), cst(10, 0, 0))

	// Punches: most days in and out at random, some only in, some none.
	rng := rand.New(rand.NewPCG(3, 4))
	var ps []attendance.Punch
	seq := int64(0)
	add := func(u int, date string, at time.Time, method, review, voids string) string {
		seq++
		p := attendance.Punch{ID: store.NewID(), Seq: seq, UserID: id(u), WorkDate: date, At: at.UTC(), Method: method, Review: review,
			Voids: voids, ActorID: id(u), PrevHash: "-", Hash: "-", CreatedAt: at.UTC()}
		ps = append(ps, p)
		return p.ID
	}
	for d := 1; d <= 21; d++ {
		date := fmt.Sprintf("2026-01-%02d", d)
		for u := range users {
			if u == 5 && d < 12 {
				continue
			}
			r := rng.IntN(100)
			if r < 12 {
				continue
			}
			in := cst(d, 7, 50).Add(time.Duration(rng.IntN(120)) * time.Minute)
			out := cst(d, 16, 20).Add(time.Duration(rng.IntN(200)) * time.Minute)
			if u >= 10 && d%4 == 1 { // the night shift
				in, out = cst(d, 21, 40).Add(time.Duration(rng.IntN(40))*time.Minute), cst(d+1, 5, 50).Add(time.Duration(rng.IntN(30))*time.Minute)
			}
			if !in.After(now) {
				add(u, date, in, attendance.MethodGPS, "", "")
			}
			if r >= 22 && !out.After(now) {
				add(u, date, out, attendance.MethodGPS, "", "")
			}
		}
	}
	add(5, "2026-01-09", cst(9, 8, 20), attendance.MethodCorrection, "", "") // imported before joining
	add(1, "2026-01-13", cst(13, 8, 10), attendance.MethodField, attendance.ReviewAwaiting, "")
	f := add(1, "2026-01-16", cst(16, 8, 10), attendance.MethodField, attendance.ReviewAwaiting, "")
	add(1, "2026-01-16", cst(16, 11, 0), attendance.MethodReview, attendance.ReviewApproved, f)
	v := add(0, "2026-01-08", cst(8, 8, 5), attendance.MethodGPS, "", "")
	add(0, "2026-01-08", cst(8, 9, 0), attendance.MethodCorrection, "", v)
	if err := db.CreateInBatches(ps, 200).Error; err != nil {
		t.Fatal(err)
	}

	admin := identity.Actor{UserID: id(0), Roles: []string{attendance.RoleAttendanceAdmin}}
	canon := func(d attendance.Day) string {
		tm := func(x *time.Time) string {
			if x == nil {
				return "-"
			}
			return x.UTC().Format(time.RFC3339Nano)
		}
		return fmt.Sprintf("%s %s g=%s s=%s %s %s %v late=%d early=%d worked=%d ot=%d leave=%s/%d/%d in=%s out=%s", d.UserID, d.WorkDate,
			d.GroupID, d.ShiftID, d.DayType, d.Status, d.Flags, d.LateMinutes, d.EarlyMinutes, d.WorkedMinutes, d.OvertimeMinutes,
			d.LeaveType, d.LeaveMinutes, d.LeaveHalfDays, tm(d.FirstIn), tm(d.LastOut))
	}
	sheetDays := func() map[string][]string {
		out := map[string][]string{}
		for _, dept := range []string{d1.ID, d2.ID} {
			sh, err := svc.MonthSheet(ctx, admin, dept, "2026-01")
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range sh.Rows {
				for _, d := range r.Days {
					out[r.UserID] = append(out[r.UserID], canon(d))
				}
			}
		}
		return out
	}
	wipe := func() { exec("DELETE FROM attendance_days") }

	// The rows as stored, to the text: the set path writes days its own way
	// on SQLite (one JSON parameter), the per-person path through gorm.
	stored := func() []string {
		var out []string
		rows, err := db.Raw(`SELECT user_id, work_date, status, flags, CAST(first_in AS TEXT), CAST(last_out AS TEXT), CAST(computed_at AS TEXT),
			late_minutes, leave_type FROM attendance_days ORDER BY user_id, work_date`).Rows()
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var u, d, st, fl, tp string
			var in, out2, ca *string
			var late int
			if err := rows.Scan(&u, &d, &st, &fl, &in, &out2, &ca, &late, &tp); err != nil {
				t.Fatal(err)
			}
			deref := func(p *string) string {
				if p == nil {
					return "NULL"
				}
				return *p
			}
			out = append(out, fmt.Sprint(u, d, st, fl, deref(in), deref(out2), deref(ca), late, tp))
		}
		return out
	}
	cold := sheetDays()
	coldRows := stored()
	wipe()
	ref := map[string][]string{}
	statuses := map[string]bool{}
	for _, u := range users {
		ds, err := svc.Month(ctx, admin, u.ID, "2026-01")
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range ds {
			ref[u.ID] = append(ref[u.ID], canon(d))
			statuses[d.Status] = true
			for _, f := range d.Flags {
				statuses["flag:"+f] = true
			}
		}
	}
	if refRows := stored(); !slices.Equal(coldRows, refRows) || len(refRows) == 0 {
		t.Errorf("stored rows differ:\n set %v\n per person %v", coldRows, refRows)
	}
	warm := sheetDays() // the reference's rows are stored now: nothing to derive
	for name, got := range map[string]map[string][]string{"cold": cold, "warm": warm} {
		for _, u := range users {
			if !slices.Equal(got[u.ID], ref[u.ID]) {
				t.Errorf("%s month sheet of %s differs from the per-person days:\n got %s\nwant %s", name, u.Name,
					strings.Join(got[u.ID], "\n     "), strings.Join(ref[u.ID], "\n     "))
			}
		}
	}
	// The mix must really be mixed, or equality proves little.
	for _, want := range []string{attendance.StatusNormal, attendance.StatusLate, attendance.StatusAbsent, attendance.StatusMissing,
		attendance.StatusTrip, attendance.StatusHoliday, attendance.StatusRest, attendance.StatusPending, "flag:" + attendance.FlagUnscheduled,
		"flag:" + attendance.FlagFieldAwaiting} {
		if !statuses[want] {
			t.Errorf("no day with %s among %v", want, statuses)
		}
	}

	// Today's board, cold and warm, against the per-person day.
	today := time.Date(2026, 1, 21, 0, 0, 0, 0, zone)
	for _, round := range []string{"cold", "warm"} {
		if round == "cold" {
			wipe()
		}
		b, err := svc.TeamBoard(ctx, admin, d1.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(b.Rows) != len(users) {
			t.Fatalf("%s board: %d rows", round, len(b.Rows))
		}
		got := map[string]string{}
		for _, r := range b.Rows {
			got[r.UserID] = canon(r.Day)
		}
		for _, u := range users {
			want, err := attendance.DeriveOneByOne(ctx, svc, u.ID, []time.Time{today})
			if err != nil {
				t.Fatal(err)
			}
			if got[u.ID] != canon(want[0]) {
				t.Errorf("%s board of %s: %s, per person %s", round, u.Name, got[u.ID], canon(want[0]))
			}
		}
	}
}
