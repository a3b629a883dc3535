package workcal

import (
	"testing"
	"time"
)

// Moved from the approvals package with the calendar.

func TestAddWorkingHours(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	c := Calendar{Loc: sh, Overrides: map[string]bool{"2026-10-01": false, "2026-10-10": true}}
	at := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, sh) }
	cases := []struct {
		from time.Time
		h    float64
		want time.Time
	}{
		{at(2026, 1, 5, 10, 0), 4, at(2026, 1, 5, 14, 0)},    // same day
		{at(2026, 1, 5, 17, 0), 4, at(2026, 1, 6, 12, 0)},    // overnight
		{at(2026, 1, 9, 16, 0), 4, at(2026, 1, 12, 11, 0)},   // over the weekend
		{at(2026, 1, 10, 20, 0), 1, at(2026, 1, 12, 10, 0)},  // submitted on Saturday
		{at(2026, 1, 5, 7, 0), 2.5, at(2026, 1, 5, 11, 30)},  // before opening
		{at(2026, 9, 30, 17, 0), 2, at(2026, 10, 2, 10, 0)},  // holiday skipped
		{at(2026, 10, 9, 17, 0), 2, at(2026, 10, 10, 10, 0)}, // make-up Saturday works
	}
	for _, tc := range cases {
		if got := c.AddWorkingHours(tc.from, tc.h); !got.Equal(tc.want) {
			t.Errorf("AddWorkingHours(%v, %v) = %v, want %v", tc.from, tc.h, got.In(sh), tc.want)
		}
	}
	if d := c.WorkingHoursBetween(at(2026, 1, 9, 16, 0), at(2026, 1, 12, 11, 0)); d != 4*time.Hour {
		t.Errorf("between = %v", d)
	}
}

// Leave counts working days: weekends and holidays are free, make-up
// Saturdays count, halves apply only to working days.
func TestWorkingDaysRange(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	c := Calendar{Loc: sh, Overrides: map[string]bool{"2026-10-01": false, "2026-10-02": false, "2026-10-10": true}}
	cases := []struct {
		start, end, sh, eh string
		want               float64
	}{
		{"2026-01-09", "2026-01-12", "am", "pm", 2}, // Friday to Monday
		{"2026-01-05", "2026-01-09", "pm", "am", 4}, // a week, half days off at both ends
		{"2026-01-10", "2026-01-11", "am", "pm", 0}, // a weekend only
		{"2026-09-30", "2026-10-02", "am", "pm", 1}, // two holidays in it
		{"2026-10-10", "2026-10-10", "am", "pm", 1}, // a make-up Saturday
		{"2026-01-10", "2026-01-12", "pm", "pm", 1}, // pm of a Saturday takes nothing off
		{"2026-01-12", "2026-01-09", "am", "pm", 0}, // backwards
	}
	for _, tc := range cases {
		if got := c.WorkingDays(tc.start, tc.end, tc.sh, tc.eh, true); got != tc.want {
			t.Errorf("WorkingDays(%s %s, %s %s) = %v, want %v", tc.start, tc.sh, tc.end, tc.eh, got, tc.want)
		}
	}
}

// A six-day week with a shorter day: Saturday works, the day ends at 17:30.
func TestAddWorkingHoursCustomWeek(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	c := Calendar{Loc: sh, Overrides: map[string]bool{}, WorkDays: []int{1, 2, 3, 4, 5, 6}, Start: 8*time.Hour + 30*time.Minute, End: 17*time.Hour + 30*time.Minute}
	at := func(d, h, min int) time.Time { return time.Date(2026, 1, d, h, min, 0, 0, sh) }
	if got := c.AddWorkingHours(at(9, 16, 30), 4); !got.Equal(at(10, 11, 30)) { // Friday → Saturday
		t.Errorf("six-day week: %v", got.In(sh))
	}
	if got := c.AddWorkingHours(at(10, 16, 30), 2); !got.Equal(at(12, 9, 30)) { // Saturday → Monday
		t.Errorf("over Sunday: %v", got.In(sh))
	}
	if !c.IsWorkingDay(at(10, 12, 0)) || c.IsWorkingDay(at(11, 12, 0)) {
		t.Error("Saturday/Sunday")
	}
	if d := c.WorkingDays("2026-01-09", "2026-01-12", "am", "pm", true); d != 3 {
		t.Errorf("Friday to Monday in a six-day week: %v", d)
	}
}
