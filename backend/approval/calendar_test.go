package approval_test

import (
	"testing"
	"time"

	"tack/backend/approval"
	"tack/backend/server/servertest"
	"tack/backend/workcal"
)

// TestCalendarAdmin: the admin sets the working week and marks a holiday
// week in one step; SLA deadlines, leave days and the notification working
// hours all follow; members may read but not change the calendar.
func TestCalendarAdmin(t *testing.T) {
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		c := setupCompany(t, e)
		for _, bad := range []map[string]any{
			{"work_days": []int{1, 8}, "work_start": "09:00", "work_end": "18:00"},
			{"work_days": []int{}, "work_start": "09:00", "work_end": "18:00"},
			{"work_days": []int{1, 2}, "work_start": "18:00", "work_end": "09:00"},
		} {
			if r := e.Do("PUT", "/api/v1/approval/calendar/settings", c.admin, bad); r.Status != 400 {
				t.Fatalf("bad settings %v: %d", bad, r.Status)
			}
		}
		if r := e.Do("PUT", "/api/v1/approval/calendar/settings", c.empT, map[string]any{"work_days": []int{1}, "work_start": "09:00", "work_end": "18:00"}); r.Status != 403 {
			t.Fatalf("member settings %d", r.Status)
		}
		e.Must(200, "PUT", "/api/v1/approval/calendar/settings", c.admin, map[string]any{"work_days": []int{6, 1, 2, 3, 4, 5}, "work_start": "08:30", "work_end": "17:30"})
		var days struct{ Items []workcal.Day }
		e.Must(200, "POST", "/api/v1/approval/calendar/range", c.admin, map[string]any{"start": "2026-02-16", "end": "2026-02-22", "working": false, "note": "春节"}).JSON(t, &days)
		if len(days.Items) != 7 {
			t.Fatalf("range %d days", len(days.Items))
		}
		if r := e.Do("POST", "/api/v1/approval/calendar/range", c.admin, map[string]any{"start": "2026-01-01", "end": "2026-06-01"}); r.Status != 400 {
			t.Fatalf("five-month range %d", r.Status)
		}
		var cal workcal.View
		e.Must(200, "GET", "/api/v1/approval/calendar", c.empT, nil).JSON(t, &cal)
		if len(cal.WorkDays) != 6 || cal.WorkDays[0] != 1 || cal.WorkStart != "08:30" || len(cal.Days) != 7 {
			t.Fatalf("calendar %+v", cal)
		}

		// Leave from the Friday before the holiday week to the Monday after: Fri, Sat, Mon = 3 days.
		var inst approval.Instance
		e.Must(201, "POST", "/api/v1/approvals", c.empT, map[string]any{"template_id": c.leaveID, "form": leaveForm("2026-02-13", "2026-02-23")}).JSON(t, &inst)
		if d := inst.Form["period"].(map[string]any)["days"]; d != 3.0 {
			t.Fatalf("leave days %v", d)
		}
		// Submitted Saturday 2026-02-14 16:30 Shanghai: 1 h that day, then the holiday week, Monday 2026-02-23 08:30 + 3 h.
		sh, _ := time.LoadLocation("Asia/Shanghai")
		e.Clock.Set(time.Date(2026, 2, 14, 16, 30, 0, 0, sh))
		late := submit(t, e, c.emp, c.leaveID, leaveForm("2026-03-02", "2026-03-02"), nil)
		d, _ := e.Server.Approval.Get(ctx, actor(t, e, c.emp.ID), late.ID)
		var due time.Time
		for _, tk := range d.Tasks {
			if tk.DueAt != nil {
				due = *tk.DueAt
			}
		}
		if want := time.Date(2026, 2, 23, 11, 30, 0, 0, sh); !due.Equal(want) {
			t.Fatalf("due %v, want %v", due.In(sh), want)
		}
		// Notifications' working hours follow the same calendar.
		wh := e.Server.Workcal.InWorkingHours
		if !wh(time.Date(2026, 1, 10, 10, 0, 0, 0, sh)) || wh(time.Date(2026, 1, 11, 10, 0, 0, 0, sh)) || wh(time.Date(2026, 1, 12, 8, 0, 0, 0, sh)) || wh(time.Date(2026, 2, 17, 10, 0, 0, 0, sh)) {
			t.Fatal("notification working hours ignore the calendar")
		}
	})
}
