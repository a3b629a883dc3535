package meeting_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"tack/backend/meeting"
	"tack/backend/server/servertest"
)

// TestFindTimeFollowsWorkingCalendar: "find a time" keeps to the company's
// working calendar — no slot on a public holiday, slots on a make-up
// Saturday (调休) — as the approvals SLA does.
func TestFindTimeFollowsWorkingCalendar(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		w := newWorld(t, e)
		sh, _ := time.LoadLocation("Asia/Shanghai")
		find := func() []string {
			var sug struct{ Items []meeting.Suggestion }
			// Tue 2026-01-06 00:00 to Sun 2026-01-11 00:00 Shanghai, an all-day search for 8 hours.
			e.Must(http.StatusOK, "POST", "/api/v1/meetings/find-time", w.ta, map[string]any{"attendee_ids": []string{w.b.ID},
				"duration_minutes": 540, "from": "2026-01-05T16:00:00Z", "to": "2026-01-10T16:00:00Z", "time_zone": "Asia/Shanghai",
				"no_room": true, "limit": 10}).JSON(t, &sug)
			var days []string
			for _, s := range sug.Items {
				days = append(days, s.Start.In(sh).Format("01-02 15:04"))
			}
			return days
		}
		if got := strings.Join(find(), "|"); got != "01-06 09:00|01-07 09:00|01-08 09:00|01-09 09:00" {
			t.Fatalf("a plain week: %s", got)
		}
		e.Must(http.StatusOK, "PUT", "/api/v1/approval/calendar/2026-01-07", w.admin, map[string]any{"working": false, "note": "公司活动日"})
		e.Must(http.StatusOK, "PUT", "/api/v1/approval/calendar/2026-01-10", w.admin, map[string]any{"working": true, "note": "调休上班"})
		if got := strings.Join(find(), "|"); got != "01-06 09:00|01-08 09:00|01-09 09:00|01-10 09:00" {
			t.Fatalf("with a holiday and a make-up Saturday: %s", got)
		}
	})
}

// TestFindTimeFollowsWorkingHours: a company whose day is 08:30–17:30 and
// whose week includes Saturday gets slots from 08:30, on Saturday too, and a
// meeting longer than the working day is refused.
// (find-a-time used to hard-code Monday–Friday 09:00–18:00.)
func TestFindTimeFollowsWorkingHours(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		w := newWorld(t, e)
		sh, _ := time.LoadLocation("Asia/Shanghai")
		find := func(minutes int) []string {
			var sug struct{ Items []meeting.Suggestion }
			// Fri 2026-01-09 00:00 to Mon 2026-01-12 00:00 Shanghai.
			e.Must(http.StatusOK, "POST", "/api/v1/meetings/find-time", w.ta, map[string]any{"attendee_ids": []string{w.b.ID},
				"duration_minutes": minutes, "from": "2026-01-08T16:00:00Z", "to": "2026-01-11T16:00:00Z", "time_zone": "Asia/Shanghai",
				"no_room": true, "limit": 10}).JSON(t, &sug)
			var out []string
			for _, s := range sug.Items {
				out = append(out, s.Start.In(sh).Format("01-02 15:04")+"–"+s.End.In(sh).Format("15:04"))
			}
			return out
		}
		e.Must(http.StatusOK, "PUT", "/api/v1/approval/calendar/settings", w.admin,
			map[string]any{"work_days": []int{1, 2, 3, 4, 5, 6}, "work_start": "08:30", "work_end": "17:30"})
		if got := strings.Join(find(540), "|"); got != "01-09 08:30–17:30|01-10 08:30–17:30" {
			t.Fatalf("a six-day week of 08:30–17:30: %s", got)
		}
		e.Must(http.StatusOK, "PUT", "/api/v1/approval/calendar/settings", w.admin,
			map[string]any{"work_days": []int{1, 2, 3, 4, 5}, "work_start": "09:00", "work_end": "17:00"})
		if r := e.Do("POST", "/api/v1/meetings/find-time", w.ta, map[string]any{"duration_minutes": 540, "from": "2026-01-08T16:00:00Z",
			"to": "2026-01-11T16:00:00Z", "time_zone": "Asia/Shanghai", "no_room": true}); r.Status != http.StatusBadRequest {
			t.Fatalf("a 9-hour meeting in an 8-hour day: %d", r.Status)
		}
	})
}
