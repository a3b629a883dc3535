package attendance_test

import (
	"net/http"
	"testing"
	"time"

	"tack/backend/attendance"
	"tack/backend/server/servertest"
)

// TestLeaveOverNewYear: annual leave from Tuesday 30 December 2025 to
// Friday 2 January 2026, with New Year's Day a company holiday. Each year's
// balance takes its own working days (2 in 2025, 1 in 2026), the days are
// derived as leave on both sides of the year and the holiday stays a
// holiday, and each month's sheet counts its own part.
func TestLeaveOverNewYear(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		c := setup(t, e)
		// The employee joined in the summer (the test server was set up on 5 January).
		joined := time.Date(2025, 6, 2, 9, 0, 0, 0, cst)
		if err := e.Server.DB.Exec("UPDATE users SET created_at = ? WHERE id = ?", joined, c.emp.ID).Error; err != nil {
			t.Fatal(err)
		}
		e.Must(http.StatusOK, "PUT", "/api/v1/workcal/2026-01-01", c.admin, map[string]any{"working": false, "note": "元旦"})
		setClock(e, "10:00", 5)
		var inst struct{ ID string }
		e.Must(http.StatusCreated, "POST", "/api/v1/approvals", c.empT, map[string]any{"template_id": c.tpl["leave"], "form": map[string]any{
			"leave_type": "annual", "period": map[string]any{"start": "2025-12-30", "end": "2026-01-02"}, "reason": "home for New Year"}}).JSON(t, &inst)

		// Balances: 2025 lost two days, 2026 one; nothing else moved.
		var claims []struct {
			Year     int
			HalfDays int
		}
		if err := e.Server.DB.Table("attendance_leave_claims").Where("approval_id = ?", inst.ID).Order("year").Find(&claims).Error; err != nil {
			t.Fatal(err)
		}
		if len(claims) != 2 || claims[0].Year != 2025 || claims[0].HalfDays != 4 || claims[1].Year != 2026 || claims[1].HalfDays != 2 {
			t.Fatalf("claims by year %+v", claims)
		}
		var b attendance.Balance
		e.Must(http.StatusOK, "GET", "/api/v1/attendance/balance", c.empT, nil).JSON(t, &b)
		if b.Year != 2026 || b.AnnualUsedHalf != 2 {
			t.Fatalf("2026 balance %+v", b)
		}
		// The form's quote names the same split.
		var q attendance.Balance
		e.Must(http.StatusOK, "GET", "/api/v1/attendance/balance?leave_type=annual&start=2025-12-30&end=2026-01-02", c.empT, nil).JSON(t, &q)
		if q.Request == nil || q.Request.HalfDays != 6 || len(q.Request.Years) != 2 || q.Request.Years[0].Year != 2025 ||
			q.Request.Years[0].HalfDays != 4 || q.Request.Years[1].HalfDays != 2 {
			t.Fatalf("quote %+v", q.Request)
		}

		approveAll(t, e, inst.ID, c.headT, c.admin)
		want := map[string]string{"2025-12-30": attendance.StatusLeave, "2025-12-31": attendance.StatusLeave,
			"2026-01-01": attendance.StatusHoliday, "2026-01-02": attendance.StatusLeave}
		got := map[string]attendance.Day{}
		for _, m := range []string{"2025-12", "2026-01"} {
			var page struct{ Items []attendance.Day }
			e.Must(http.StatusOK, "GET", "/api/v1/attendance/days?month="+m, c.empT, nil).JSON(t, &page)
			for _, d := range page.Items {
				got[d.WorkDate] = d
			}
		}
		for date, st := range want {
			if d := got[date]; d.Status != st || (st == attendance.StatusLeave && (d.LeaveType != "annual" || d.LeaveMinutes == 0)) {
				t.Fatalf("%s: %+v, want %s", date, d, st)
			}
		}
		if got["2026-01-01"].DayType != attendance.DayHoliday {
			t.Fatalf("New Year's Day %+v", got["2026-01-01"])
		}
		// Each month's sheet counts its own part of the leave.
		perDay := got["2025-12-30"].LeaveMinutes
		for m, days := range map[string]int{"2025-12": 2, "2026-01": 1} {
			var sh attendance.MonthSheet
			e.Must(http.StatusOK, "GET", "/api/v1/attendance/months/"+c.dept.ID+"/"+m, c.admin, nil).JSON(t, &sh)
			found := false
			for _, r := range sh.Rows {
				if r.UserID == c.emp.ID {
					found = true
					// No punches at all: December's working days not on leave are
					// absent; in January today (the 5th, 10:00) is still open.
					if r.LeaveMinutes["annual"] != days*perDay || r.AbsentDays > r.DaysDue-days || (m == "2025-12" && r.AbsentDays != r.DaysDue-days) {
						t.Fatalf("%s sheet: %+v, want %d days of annual leave, none of them absent", m, r, days)
					}
				}
			}
			if !found {
				t.Fatalf("%s sheet has no row for the employee: %+v", m, sh.Rows)
			}
		}
	})
}
