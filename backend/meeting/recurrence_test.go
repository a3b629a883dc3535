package meeting

import (
	"testing"
	"time"

	"tack/backend/workcal"
)

func mustLoc(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func series(t *testing.T, tz string, start time.Time, dur time.Duration, rule string) *Meeting {
	t.Helper()
	m := &Meeting{ID: "m", TimeZone: tz, StartAt: start.UTC(), EndAt: start.Add(dur).UTC(), RRule: rule, Status: StatusActive}
	if _, err := parseRule(rule, start); err != nil && rule != "" {
		t.Fatalf("parse %q: %v", rule, err)
	}
	m.computeSpan()
	return m
}

func TestRRuleKeepsLocalTimeAcrossDST(t *testing.T) {
	t.Parallel()
	cases := []struct {
		tz            string
		start         time.Time
		beforeOffset  int
		afterOffset   int
		transitionDay time.Time
	}{
		// US DST starts 2026-03-08 (EST -5 → EDT -4).
		{"America/New_York", time.Date(2026, 3, 5, 9, 0, 0, 0, mustLoc(t, "America/New_York")), -5, -4, time.Date(2026, 3, 8, 0, 0, 0, 0, time.UTC)},
		// EU DST starts 2026-03-29 (CET +1 → CEST +2) and ends 2026-10-25.
		{"Europe/Berlin", time.Date(2026, 3, 26, 9, 0, 0, 0, mustLoc(t, "Europe/Berlin")), 1, 2, time.Date(2026, 3, 29, 0, 0, 0, 0, time.UTC)},
	}
	for _, c := range cases {
		m := series(t, c.tz, c.start, time.Hour, "FREQ=DAILY;COUNT=7")
		occ := m.Occurrences(c.start.Add(-time.Hour), c.start.AddDate(0, 0, 10))
		if len(occ) != 7 {
			t.Fatalf("%s: %d occurrences, want 7", c.tz, len(occ))
		}
		loc := mustLoc(t, c.tz)
		for _, o := range occ {
			l := o.Start.In(loc)
			if l.Hour() != 9 || l.Minute() != 0 {
				t.Errorf("%s: occurrence %v is not at 09:00 local", c.tz, l)
			}
			_, off := l.Zone()
			want := c.beforeOffset
			if !o.Start.Before(c.transitionDay) {
				want = c.afterOffset
			}
			if off != want*3600 {
				t.Errorf("%s: %v has offset %d, want %dh", c.tz, l, off, want)
			}
			if o.End.Sub(o.Start) != time.Hour {
				t.Errorf("%s: duration %v", c.tz, o.End.Sub(o.Start))
			}
		}
		// UTC start shifts by one hour across the change.
		if d := occ[6].Start.Sub(occ[0].Start); d != 6*24*time.Hour-time.Hour {
			t.Errorf("%s: first→last %v, want 6 days minus 1h", c.tz, d)
		}
	}
	// Autumn: Berlin weekly 09:00 across 2026-10-25.
	berlin := mustLoc(t, "Europe/Berlin")
	m := series(t, "Europe/Berlin", time.Date(2026, 10, 19, 9, 0, 0, 0, berlin), 30*time.Minute, "FREQ=WEEKLY;BYDAY=MO;COUNT=3")
	for _, o := range m.Occurrences(time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)) {
		if l := o.Start.In(berlin); l.Hour() != 9 || l.Weekday() != time.Monday {
			t.Errorf("berlin autumn: %v", l)
		}
	}
}

func TestRRuleMonthEnd(t *testing.T) {
	t.Parallel()
	sh := mustLoc(t, "Asia/Shanghai")
	m := series(t, "Asia/Shanghai", time.Date(2026, 1, 31, 10, 0, 0, 0, sh), time.Hour, "FREQ=MONTHLY;BYMONTHDAY=31;COUNT=7")
	occ := m.Occurrences(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2028, 1, 1, 0, 0, 0, 0, time.UTC))
	var got []string
	for _, o := range occ {
		got = append(got, o.Start.In(sh).Format("2006-01-02 15:04"))
	}
	want := []string{"2026-01-31 10:00", "2026-03-31 10:00", "2026-05-31 10:00", "2026-07-31 10:00",
		"2026-08-31 10:00", "2026-10-31 10:00", "2026-12-31 10:00"}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
	// Last day of every month: BYMONTHDAY=-1 includes February.
	m = series(t, "Asia/Shanghai", time.Date(2026, 1, 31, 10, 0, 0, 0, sh), time.Hour, "FREQ=MONTHLY;BYMONTHDAY=-1;COUNT=3")
	occ = m.Occurrences(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC))
	if len(occ) != 3 || occ[1].Start.In(sh).Format("01-02") != "02-28" {
		t.Fatalf("BYMONTHDAY=-1: %v", occ)
	}
	if m.SpanEnd == nil || !m.SpanEnd.Equal(occ[2].End) {
		t.Fatalf("span end %v, want %v", m.SpanEnd, occ[2].End)
	}
}

func TestRRuleUntilIntervalAndExceptions(t *testing.T) {
	t.Parallel()
	ny := mustLoc(t, "America/New_York")
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, ny) // Monday
	m := series(t, "America/New_York", start, time.Hour, "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;UNTIL=20260401T000000Z")
	occ := m.Occurrences(start, start.AddDate(0, 2, 0))
	// Mar 2, 4, 16, 18, 30 (Apr 1 is after UNTIL)
	if len(occ) != 5 {
		t.Fatalf("%d occurrences: %v", len(occ), occ)
	}
	// Cancel Mar 4 and move Mar 16 to 14:00.
	m.Exceptions = []Exception{
		{MeetingID: "m", OriginalStart: occ[1].Start, Cancelled: true, StartAt: occ[1].Start, EndAt: occ[1].End},
		{MeetingID: "m", OriginalStart: occ[2].Start, StartAt: occ[2].Start.Add(5 * time.Hour), EndAt: occ[2].End.Add(5 * time.Hour)},
	}
	got := m.Occurrences(start, start.AddDate(0, 2, 0))
	if len(got) != 4 {
		t.Fatalf("with exceptions: %d occurrences", len(got))
	}
	if !got[1].Moved || got[1].Start.In(ny).Hour() != 14 || !got[1].OriginalStart.Equal(occ[2].Start) {
		t.Fatalf("moved occurrence: %+v", got[1])
	}
	if !m.isOriginalStart(occ[3].Start) || m.isOriginalStart(occ[3].Start.Add(time.Hour)) {
		t.Fatal("isOriginalStart")
	}
}

func TestRejectsBadRules(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	for _, r := range []string{"FREQ=HOURLY", "FREQ=SECONDLY", "FREQ=DAILY;COUNT=5000", "DTSTART:20260101T000000Z\nRRULE:FREQ=DAILY", "BOGUS"} {
		if _, err := parseRule(r, start); err == nil {
			t.Errorf("%q accepted", r)
		}
	}
}

func TestWorkSpansAndAlign(t *testing.T) {
	t.Parallel()
	sh := mustLoc(t, "Asia/Shanghai")
	// Friday 2026-01-09 17:00 local to Monday 2026-01-12 10:00 local.
	spans := workcal.Standard(sh).Spans(time.Date(2026, 1, 9, 17, 0, 0, 0, sh), time.Date(2026, 1, 12, 10, 0, 0, 0, sh))
	if len(spans) != 2 || spans[0].End.In(sh).Hour() != 18 || spans[1].Start.In(sh).Hour() != 9 || spans[1].End.In(sh).Hour() != 10 {
		t.Fatalf("spans %v", spans)
	}
	if a := alignUp(time.Date(2026, 1, 9, 9, 1, 0, 0, sh), sh); a.In(sh).Format("15:04") != "09:30" {
		t.Fatalf("align %v", a.In(sh))
	}
}

func TestICSFolding(t *testing.T) {
	t.Parallel()
	w := &icsWriter{}
	long := "DESCRIPTION:" + escapeText("会议纪要；包括, 逗号与\n换行"+string(make([]byte, 0))) + "很长的文本很长的文本很长的文本很长的文本很长的文本很长的文本很长的文本"
	w.line(long)
	for _, l := range splitCRLF(w.b.String()) {
		if len(l) > 75 {
			t.Fatalf("line of %d octets: %q", len(l), l)
		}
	}
}

func splitCRLF(s string) []string {
	var out []string
	for len(s) > 0 {
		i := indexCRLF(s)
		if i < 0 {
			return append(out, s)
		}
		out = append(out, s[:i])
		s = s[i+2:]
	}
	return out
}

func indexCRLF(s string) int {
	for i := 0; i+1 < len(s); i++ {
		if s[i] == '\r' && s[i+1] == '\n' {
			return i
		}
	}
	return -1
}
