package workcal

import (
	"testing"
	"time"
)

// TestCalendarMaths runs every question the domains ask in a zone that is
// not Shanghai (São Paulo, UTC−3 with no DST since 2019), so a hard-coded
// +08:00 anywhere in the maths fails here. The company works Monday to
// Friday 08:30–17:30; 2026-01-07 (Wednesday) is a holiday and Saturday
// 2026-01-10 a make-up working day.
func TestCalendarMaths(t *testing.T) {
	sp, err := time.LoadLocation("America/Sao_Paulo")
	if err != nil {
		t.Fatal(err)
	}
	c := Calendar{Loc: sp, Overrides: map[string]bool{"2026-01-07": false, "2026-01-10": true},
		Start: 8*time.Hour + 30*time.Minute, End: 17*time.Hour + 30*time.Minute}
	at := func(d, h, m int) time.Time { return time.Date(2026, 1, d, h, m, 0, 0, sp) }

	t.Run("working day", func(t *testing.T) {
		for _, tc := range []struct {
			name string
			t    time.Time
			want bool
		}{
			{"Monday", at(5, 12, 0), true},
			{"holiday Wednesday", at(7, 12, 0), false},
			{"make-up Saturday", at(10, 12, 0), true},
			{"Sunday", at(11, 12, 0), false},
			// 23:30 Tuesday in São Paulo is already Wednesday (the holiday) in UTC.
			{"late Tuesday", at(6, 23, 30), true},
			{"the holiday's last minute", at(7, 23, 59), false},
		} {
			if got := c.IsWorkingDay(tc.t); got != tc.want {
				t.Errorf("%s: IsWorkingDay(%v) = %v", tc.name, tc.t, got)
			}
		}
	})

	t.Run("working hours", func(t *testing.T) {
		for _, tc := range []struct {
			name string
			t    time.Time
			want bool
		}{
			{"opening minute", at(5, 8, 30), true},
			{"before opening", at(5, 8, 29), false},
			{"closing minute", at(5, 17, 30), false},
			{"last working minute", at(5, 17, 29), true},
			{"night", at(5, 2, 0), false},
			{"holiday noon", at(7, 12, 0), false},
			{"make-up Saturday noon", at(10, 12, 0), true},
			// 12:00 UTC is 09:00 in São Paulo: working; 20:45 UTC is 17:45: not.
			{"UTC input inside", time.Date(2026, 1, 5, 12, 0, 0, 0, time.UTC), true},
			{"UTC input after closing", time.Date(2026, 1, 5, 20, 45, 0, 0, time.UTC), false},
		} {
			if got := c.InWorkingHours(tc.t); got != tc.want {
				t.Errorf("%s: InWorkingHours(%v) = %v", tc.name, tc.t, got)
			}
		}
	})

	t.Run("window", func(t *testing.T) {
		s, e, ok := c.Window(at(6, 3, 0))
		if !ok || !s.Equal(at(6, 8, 30)) || !e.Equal(at(6, 17, 30)) {
			t.Errorf("Tuesday window %v–%v %v", s, e, ok)
		}
		if _, _, ok := c.Window(at(7, 12, 0)); ok {
			t.Error("the holiday has a working window")
		}
	})

	t.Run("next working moment", func(t *testing.T) {
		for _, tc := range []struct {
			name     string
			from, to time.Time
		}{
			{"inside stays", at(5, 10, 0), at(5, 10, 0)},
			{"early morning waits for opening", at(5, 6, 0), at(5, 8, 30)},
			{"evening waits for tomorrow", at(6, 18, 0), at(8, 8, 30)}, // over the holiday
			{"Friday evening to make-up Saturday", at(9, 18, 0), at(10, 8, 30)},
			{"Saturday evening to Monday", at(10, 17, 30), at(12, 8, 30)},
		} {
			if got := c.NextWorkingMoment(tc.from); !got.Equal(tc.to) {
				t.Errorf("%s: NextWorkingMoment(%v) = %v, want %v", tc.name, tc.from, got.In(sp), tc.to)
			}
		}
	})

	t.Run("add working hours", func(t *testing.T) {
		for _, tc := range []struct {
			name     string
			from     time.Time
			h        float64
			want     time.Time
			between  time.Duration
			checkBtw bool
		}{
			{"same day", at(5, 9, 0), 4, at(5, 13, 0), 4 * time.Hour, true},
			{"overnight", at(5, 16, 30), 2, at(6, 9, 30), 2 * time.Hour, true},
			{"over the holiday", at(6, 17, 0), 1, at(8, 9, 0), time.Hour, true},
			{"onto the make-up Saturday", at(9, 17, 0), 4, at(10, 12, 0), 4 * time.Hour, true},
			{"from a Sunday night", at(11, 22, 0), 9, at(12, 17, 30), 9 * time.Hour, true},
			{"zero", at(5, 7, 0), 0, at(5, 7, 0), 0, false},
		} {
			got := c.AddWorkingHours(tc.from, tc.h)
			if !got.Equal(tc.want) {
				t.Errorf("%s: AddWorkingHours(%v, %v) = %v, want %v", tc.name, tc.from, tc.h, got.In(sp), tc.want)
			}
			if tc.checkBtw {
				if b := c.WorkingHoursBetween(tc.from, got); b != tc.between {
					t.Errorf("%s: WorkingHoursBetween = %v, want %v", tc.name, b, tc.between)
				}
			}
		}
	})

	t.Run("spans", func(t *testing.T) {
		got := c.Spans(at(6, 12, 0), at(10, 10, 0))
		want := []Span{{at(6, 12, 0), at(6, 17, 30)}, {at(8, 8, 30), at(8, 17, 30)}, {at(9, 8, 30), at(9, 17, 30)}, {at(10, 8, 30), at(10, 10, 0)}}
		if len(got) != len(want) {
			t.Fatalf("spans %v", got)
		}
		for i := range want {
			if !got[i].Start.Equal(want[i].Start) || !got[i].End.Equal(want[i].End) {
				t.Errorf("span %d = %v–%v, want %v–%v", i, got[i].Start.In(sp), got[i].End.In(sp), want[i].Start, want[i].End)
			}
		}
	})

	t.Run("day start", func(t *testing.T) {
		// 01:00 UTC on the 6th is 22:00 on the 5th in São Paulo: the day began at 03:00 UTC on the 5th.
		if got := c.DayStart(time.Date(2026, 1, 6, 1, 0, 0, 0, time.UTC)); !got.Equal(time.Date(2026, 1, 5, 3, 0, 0, 0, time.UTC)) {
			t.Errorf("DayStart = %v", got.UTC())
		}
	})
}

// TestStandardWeek: a company that never edited its calendar works
// Monday–Friday 09:00–18:00; a calendar with no working day at all ends its
// walks instead of looping.
func TestStandardWeek(t *testing.T) {
	c := Standard(time.UTC)
	if c.DayLength() != 9*time.Hour {
		t.Errorf("day length %v", c.DayLength())
	}
	mon := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	if !c.InWorkingHours(mon) || c.InWorkingHours(mon.Add(9*time.Hour)) || c.InWorkingHours(mon.AddDate(0, 0, 5)) {
		t.Error("standard week")
	}
	never := Calendar{Loc: time.UTC, WorkDays: []int{}}
	if got := never.NextWorkingMoment(mon); !got.Equal(mon) {
		t.Errorf("no working day: %v", got)
	}
	if got := never.WorkingHoursBetween(mon, mon.AddDate(0, 1, 0)); got != 0 {
		t.Errorf("no working day: %v worked", got)
	}
}
