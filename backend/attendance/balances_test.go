package attendance_test

import (
	"net/http"
	"testing"

	"tack/backend/approval"
	"tack/backend/attendance"
	"tack/backend/server/servertest"
)

// TestLeaveBalances: annual leave (5 days in the first years) and 调休
// (earned by overtime, 4 hours a half day) are checked at submit; pending
// requests count as taken, a withdrawn one gives its days back.
func TestLeaveBalances(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		c := setup(t, e)
		// The check is off by default (settings.leave_balance_check; TestLeaveQuoteOnTheForm turns it on through the API).
		if err := e.Server.DB.Exec("UPDATE attendance_settings SET leave_balance_check = ?", true).Error; err != nil {
			t.Fatal(err)
		}
		leave := func(typ, start, end, endHalf string) servertest.Response {
			return e.Do("POST", "/api/v1/approvals", c.empT, map[string]any{"template_id": c.tpl["leave"], "form": map[string]any{
				"leave_type": typ, "period": map[string]any{"start": start, "end": end, "end_half": endHalf}, "reason": "rest"}})
		}
		var b attendance.Balance
		e.Must(200, "GET", "/api/v1/attendance/balance", c.empT, nil).JSON(t, &b)
		if b.AnnualHalfDays != 10 || b.AnnualLeftHalf != 10 || b.CompLeftMinutes != 0 {
			t.Fatalf("new balance %+v", b)
		}
		// Five working days (Mon 12th – Fri 16th; the weekend does not count).
		r := leave("annual", "2026-01-12", "2026-01-18", "")
		if r.Status != http.StatusCreated {
			t.Fatalf("five days: %d %s", r.Status, r.Body)
		}
		var first approval.Instance
		r.JSON(t, &first)
		r = leave("annual", "2026-01-19", "2026-01-19", "am")
		if _, key, _ := r.ErrorCode(); r.Status != 400 || key != "attendance.leave_balance_exceeded" {
			t.Fatalf("over the balance: %d %s", r.Status, r.Body)
		}
		e.Must(200, "POST", "/api/v1/approvals/"+first.ID+"/withdraw", c.empT, map[string]any{})
		e.Must(200, "GET", "/api/v1/attendance/balance", c.empT, nil).JSON(t, &b)
		if b.AnnualLeftHalf != 10 {
			t.Fatalf("after withdrawing %+v", b)
		}
		if r := leave("annual", "2026-01-19", "2026-01-19", "am"); r.Status != http.StatusCreated {
			t.Fatalf("half a day: %d %s", r.Status, r.Body)
		}
		// 调休: 4 hours of overtime on Monday earn half a day, not a whole one.
		setClock(e, "08:20", 5)
		e.Must(http.StatusCreated, "POST", "/api/v1/attendance/punches", c.empT, punchAt(officeLat, officeLng, 10))
		setClock(e, "21:35", 5)
		e.Must(http.StatusCreated, "POST", "/api/v1/attendance/punches", c.empT, punchAt(officeLat, officeLng, 10))
		e.Must(200, "GET", "/api/v1/attendance/balance", c.empT, nil).JSON(t, &b)
		if b.OvertimeMinutes != 240 || b.CompLeftHalfDays != 1 {
			t.Fatalf("overtime %+v", b)
		}
		r = leave("compensatory", "2026-01-20", "2026-01-20", "")
		if _, key, _ := r.ErrorCode(); r.Status != 400 || key != "attendance.leave_balance_exceeded" {
			t.Fatalf("a whole day of 调休: %d %s", r.Status, r.Body)
		}
		if r := leave("compensatory", "2026-01-20", "2026-01-20", "am"); r.Status != http.StatusCreated {
			t.Fatalf("half a day of 调休: %d %s", r.Status, r.Body)
		}
	})
}
