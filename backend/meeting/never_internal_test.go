package meeting

import (
	"testing"
	"time"

	"github.com/teambition/rrule-go"
)

// The shifted search finds the same first occurrence as a plain expansion,
// in whatever zone, and says "none" for rules that never match, quickly.
func TestFirstOccurrenceMatchesPlainExpansion(t *testing.T) {
	t.Parallel()
	sh := mustLoc(t, "Asia/Shanghai")
	ny := mustLoc(t, "America/New_York")
	for _, s := range []struct {
		rule  string
		start time.Time
	}{
		{"FREQ=WEEKLY;BYDAY=MO", time.Date(2026, 1, 7, 9, 0, 0, 0, sh)},
		{"FREQ=MONTHLY;BYDAY=-1FR", time.Date(2026, 1, 31, 9, 0, 0, 0, sh)},
		{"FREQ=MONTHLY;BYMONTHDAY=31", time.Date(2026, 2, 1, 9, 0, 0, 0, sh)},
		{"FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29", time.Date(2026, 3, 1, 9, 0, 0, 0, sh)},
		{"FREQ=DAILY;INTERVAL=3;BYDAY=SU", time.Date(2026, 1, 5, 9, 0, 0, 0, ny)},
		{"FREQ=YEARLY;BYWEEKNO=53;BYDAY=TH", time.Date(2027, 1, 1, 9, 0, 0, 0, sh)},
		{"FREQ=YEARLY;BYYEARDAY=-1", time.Date(2026, 3, 8, 2, 30, 0, 0, ny)},
		{"FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", time.Date(2026, 1, 5, 9, 0, 0, 0, sh)},
	} {
		r, err := parseRule(s.rule, s.start)
		if err != nil {
			t.Fatal(err)
		}
		want := r.After(s.start, true)
		got, ok := firstOccurrence(r.OrigOptions, s.start, firstOccurrenceYears)
		if !ok || !got.Equal(want) || got.Location().String() != want.Location().String() {
			t.Errorf("%s from %s: %v %v, want %v", s.rule, s.start, got, ok, want)
		}
	}
	for _, rule := range []string{"FREQ=DAILY;BYMONTH=2;BYMONTHDAY=31", "FREQ=WEEKLY;BYMONTH=4;BYMONTHDAY=31",
		"FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "FREQ=DAILY;INTERVAL=7;BYDAY=TU"} {
		start := time.Date(2026, 1, 5, 9, 0, 0, 0, sh) // a Monday
		r, err := parseRule(rule, start)
		if err != nil {
			t.Fatal(err)
		}
		t0 := time.Now()
		if hasOccurrenceWithin(r.OrigOptions, start, firstOccurrenceYears) {
			t.Errorf("%s has an occurrence?", rule)
		}
		// A plain expansion walks to the year 9999 (~1 s for a daily rule);
		// the shifted one at most 410 years.
		if d := time.Since(t0); d > 200*time.Millisecond {
			t.Errorf("%s took %v", rule, d)
		}
	}
	// UNTIL before the first occurrence: none.
	start := time.Date(2026, 1, 5, 9, 0, 0, 0, sh)
	opt, _ := rrule.StrToROptionInLocation("FREQ=MONTHLY;BYMONTHDAY=20;UNTIL=20260110T000000Z", sh)
	if hasOccurrenceWithin(*opt, start, firstOccurrenceYears) {
		t.Error("an UNTIL before the first occurrence has one")
	}
}
