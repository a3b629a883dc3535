package report

import (
	"testing"
	"time"

	"tack/backend/workcal"
)

// TestRemindAt: an hour before the due time inside working hours (09–18);
// a due time after hours is reminded an hour before they end; one before
// hours, or on a rest day, waits for the next working morning. The summary
// goes at the due time, or the next working morning when that is night.
func TestRemindAt(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	cal := workcal.Calendar{Loc: loc, Overrides: map[string]bool{"2026-01-07": false}}
	at := func(s string) time.Time {
		d, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
		if err != nil {
			t.Fatal(err)
		}
		return d.UTC()
	}
	cases := []struct{ due, remind, summary string }{
		{"2026-01-05 17:00", "2026-01-05 16:00", "2026-01-05 17:00"},
		{"2026-01-05 20:00", "2026-01-05 17:00", "2026-01-06 09:00"},
		{"2026-01-05 18:30", "2026-01-05 17:30", "2026-01-06 09:00"},
		{"2026-01-05 09:30", "2026-01-05 09:00", "2026-01-05 09:30"},
		{"2026-01-05 08:00", "2026-01-05 09:00", "2026-01-05 09:00"},
		{"2026-01-09 20:00", "2026-01-09 17:00", "2026-01-12 09:00"}, // Friday: the summary on Monday
		{"2026-01-07 12:00", "2026-01-08 09:00", "2026-01-08 09:00"}, // a holiday
	}
	for _, c := range cases {
		if got := RemindAt(cal, at(c.due)); !got.Equal(at(c.remind)) {
			t.Errorf("RemindAt(%s) = %s, want %s", c.due, got.In(loc), c.remind)
		}
		if got := SummaryAt(cal, at(c.due)); !got.Equal(at(c.summary)) {
			t.Errorf("SummaryAt(%s) = %s, want %s", c.due, got.In(loc), c.summary)
		}
		if r := RemindAt(cal, at(c.due)); !cal.InWorkingHours(r) {
			t.Errorf("RemindAt(%s) = %s is outside working hours", c.due, r.In(loc))
		}
	}
}
