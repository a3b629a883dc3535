package report

import (
	"testing"
	"time"

	"tack/backend/org"
	"tack/backend/workcal"
)

func TestDueAt(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	// 2026: 1 Oct (Thu) – 7 Oct holiday; Sat 10 Oct is a make-up working day.
	// 1 Jan (Thu) – 2 Jan holiday; Sun 4 Jan make-up day.
	cal := workcal.Calendar{Loc: loc, Overrides: map[string]bool{
		"2026-10-01": false, "2026-10-02": false, "2026-10-05": false, "2026-10-06": false, "2026-10-07": false,
		"2026-10-10": true,
		"2026-01-01": false, "2026-01-02": false, "2026-01-04": true,
		"2026-02-16": false, "2026-02-17": false, "2026-02-18": false, "2026-02-19": false, "2026-02-20": false, // 春节
		"2026-04-30": false, // the last working day of April becomes Wednesday 29th
	}}
	at := func(s string) time.Time {
		d, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	cases := []struct {
		name, cycle, day, due string
		want                  string // "" = nothing due
	}{
		{"daily on a working day", CycleDaily, "2026-01-05", "20:00", "2026-01-05 20:00"},
		{"daily on a Saturday", CycleDaily, "2026-01-10", "20:00", ""},
		{"daily on a holiday", CycleDaily, "2026-10-01", "20:00", ""},
		{"daily on a make-up Saturday", CycleDaily, "2026-10-10", "20:00", "2026-10-10 20:00"},
		{"daily on a make-up Sunday", CycleDaily, "2026-01-04", "20:00", "2026-01-04 20:00"},
		{"weekly: Friday", CycleWeekly, "2026-01-07", "18:00", "2026-01-09 18:00"},
		{"weekly: holiday week, Thursday and Friday off, make-up Sunday", CycleWeekly, "2025-12-30", "18:00", "2026-01-04 18:00"},
		{"weekly: the golden week's make-up Saturday", CycleWeekly, "2026-10-08", "18:00", "2026-10-10 18:00"},
		{"weekly: a week without a working day", CycleWeekly, "2026-02-18", "18:00", ""},
		{"monthly: last working day", CycleMonthly, "2026-01-15", "18:00", "2026-01-30 18:00"},
		{"monthly: last day a holiday", CycleMonthly, "2026-04-02", "18:00", "2026-04-29 18:00"},
		{"monthly: ends on a Saturday", CycleMonthly, "2026-10-20", "18:00", "2026-10-30 18:00"},
		{"no cycle", CycleNone, "2026-01-05", "18:00", ""},
		{"bad due time", CycleDaily, "2026-01-05", "25:00", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := PeriodOf(c.cycle, at(c.day+" 10:00"), loc)
			got, ok := DueAt(cal, c.cycle, p, c.due)
			if c.want == "" {
				if ok {
					t.Fatalf("due %v, want nothing", got)
				}
				return
			}
			if !ok || !got.Equal(at(c.want)) {
				t.Fatalf("due %v %v, want %s", got, ok, c.want)
			}
		})
	}
}

func TestPeriods(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	cases := []struct{ cycle, at, key, first, last string }{
		{CycleDaily, "2026-01-05T23:30:00+08:00", "2026-01-05", "2026-01-05", "2026-01-05"},
		{CycleDaily, "2026-01-05T16:30:00Z", "2026-01-06", "2026-01-06", "2026-01-06"}, // already the 6th in Shanghai
		{CycleWeekly, "2026-01-01T10:00:00+08:00", "2026-W01", "2025-12-29", "2026-01-04"},
		{CycleWeekly, "2026-12-31T10:00:00+08:00", "2026-W53", "2026-12-28", "2027-01-03"},
		{CycleMonthly, "2026-02-14T10:00:00+08:00", "2026-02", "2026-02-01", "2026-02-28"},
	}
	for _, c := range cases {
		at, _ := time.Parse(time.RFC3339, c.at)
		p := PeriodOf(c.cycle, at, loc)
		if p.Key != c.key || p.First.Format(time.DateOnly) != c.first || p.Last.Format(time.DateOnly) != c.last {
			t.Errorf("%s %s: %+v", c.cycle, c.at, p)
		}
		back, ok := ParsePeriod(c.cycle, c.key, loc)
		if !ok || back.Key != p.Key || !back.First.Equal(p.First) {
			t.Errorf("parse %s %s: %+v %v", c.cycle, c.key, back, ok)
		}
	}
	for _, bad := range []struct{ cycle, key string }{{CycleWeekly, "2026-W54"}, {CycleWeekly, "2026-01"}, {CycleDaily, "2026-13-01"}, {CycleMonthly, "x"}, {CycleNone, "2026-01"}} {
		if _, ok := ParsePeriod(bad.cycle, bad.key, loc); ok {
			t.Errorf("%s %q parsed", bad.cycle, bad.key)
		}
	}
}

func TestLeaderOf(t *testing.T) {
	id := func(s string) *string { return &s }
	// root (head ceo) > sales (head vp) > east (head lead)
	east := org.Department{ID: "east", HeadID: id("lead"), ParentID: id("sales")}
	noHead := org.Department{ID: "east", ParentID: id("sales")}
	sales := org.Department{ID: "sales", HeadID: id("vp"), ParentID: id("root")}
	root := org.Department{ID: "root", HeadID: id("ceo")}
	all := map[string]bool{"lead": true, "vp": true, "ceo": true, "amy": true}
	cases := []struct {
		name, writer string
		chain        []org.Department
		active       map[string]bool
		want         string
	}{
		{"member: own head", "amy", []org.Department{east, sales, root}, all, "lead"},
		{"head: the head above", "lead", []org.Department{east, sales, root}, all, "vp"},
		{"department without a head: the head above", "amy", []org.Department{noHead, sales, root}, all, "vp"},
		{"head left: skipped up the chain", "amy", []org.Department{east, sales, root}, map[string]bool{"vp": true, "ceo": true}, "vp"},
		{"two heads left", "amy", []org.Department{east, sales, root}, map[string]bool{"ceo": true}, "ceo"},
		{"top head: nobody", "ceo", []org.Department{root}, all, ""},
		{"vp heads sales, ceo left: nobody", "vp", []org.Department{sales, root}, map[string]bool{"vp": true}, ""},
	}
	for _, c := range cases {
		if got := LeaderOf(c.writer, c.chain, c.active); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

func TestMayUse(t *testing.T) {
	everyone := Template{}
	sales := Template{Departments: []string{"sales"}, Users: []string{"bob"}}
	if !mayUse(everyone, "x", nil) || !mayUse(sales, "amy", []string{"east", "sales", "root"}) ||
		!mayUse(sales, "bob", []string{"rd", "root"}) || mayUse(sales, "carl", []string{"rd", "root"}) {
		t.Fatal("scope")
	}
}
