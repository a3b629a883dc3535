package attendance_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"tack/backend/attendance"
	"tack/backend/server/servertest"
)

// TestJobSettingsEditableAndAudited: every value the days job reads is
// saved by version (a stale save is refused), checked (a bad value names
// its field and changes nothing), audited with what changed, and obeyed:
// with the compile day on the 3rd nothing is compiled on the 1st.
func TestJobSettingsEditableAndAudited(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		ctx := context.Background()
		setClock(e, "07:00", 4)
		c := setup(t, e)
		var st attendance.Settings
		e.Must(200, "GET", "/api/v1/attendance/settings", c.empT, nil).JSON(t, &st)
		if st.RemindBefore != 10 || st.RemindAfter != 30 || st.SummaryHour != 9 || st.CompileDay != 1 || st.ConfirmByDay != 5 || st.LeaveBalanceCheck {
			t.Fatalf("defaults %+v", st)
		}
		bad := func(mut func(s *attendance.Settings), field string) {
			t.Helper()
			in := st
			mut(&in)
			r := e.Do("PUT", "/api/v1/attendance/settings", c.admin, in)
			if _, key, f := r.ErrorCode(); r.Status != 400 || key != "attendance.invalid" || f[field] != "out_of_range" {
				t.Fatalf("bad %s: %d %s", field, r.Status, r.Body)
			}
		}
		bad(func(s *attendance.Settings) { s.SummaryHour = 24 }, "summary_hour")
		bad(func(s *attendance.Settings) { s.RemindBefore = -1 }, "remind_before_min")
		bad(func(s *attendance.Settings) { s.RemindAfter = 241 }, "remind_after_min")
		bad(func(s *attendance.Settings) { s.CompileDay = 29 }, "compile_day")
		bad(func(s *attendance.Settings) { s.CompileDay, s.ConfirmByDay = 6, 5 }, "confirm_by_day")
		if r := e.Do("PUT", "/api/v1/attendance/settings", c.headT, st); r.Status != 403 {
			t.Fatalf("a head edits settings: %d", r.Status)
		}
		in := st
		in.RemindBefore, in.RemindAfter, in.SummaryHour, in.CompileDay, in.ConfirmByDay, in.LeaveBalanceCheck = 15, 0, 8, 3, 10, true
		var out attendance.Settings
		e.Must(200, "PUT", "/api/v1/attendance/settings", c.admin, in).JSON(t, &out)
		if out.Version != st.Version+1 || out.RemindBefore != 15 || out.RemindAfter != 0 || out.SummaryHour != 8 || out.CompileDay != 3 ||
			out.ConfirmByDay != 10 || !out.LeaveBalanceCheck {
			t.Fatalf("saved %+v", out)
		}
		if r := e.Do("PUT", "/api/v1/attendance/settings", c.admin, in); r.Status != http.StatusConflict {
			t.Fatalf("stale save: %d %s", r.Status, r.Body)
		}
		var audit struct {
			Items []struct {
				Action string
				Detail map[string]any
			}
		}
		e.Must(200, "GET", "/api/v1/audit?limit=50", c.admin, nil).JSON(t, &audit)
		found := false
		for _, a := range audit.Items {
			if a.Action == "attendance.settings.update" {
				_, mk := a.Detail["makeup_cap"] // unchanged: not listed
				cd, _ := a.Detail["compile_day"].(map[string]any)
				found = !mk && cd["from"] == float64(1) && cd["to"] == float64(3) && len(a.Detail) == 6
			}
		}
		if !found {
			t.Fatalf("audit %+v", audit.Items)
		}
		// Someone with January to confirm; the 1st and 2nd of February compile nothing, the 3rd does, due the 10th.
		setClock(e, "17:45", 5)
		e.Must(http.StatusCreated, "POST", "/api/v1/attendance/punches", c.empT, punchAt(officeLat, officeLng, 10))
		for day := 1; day <= 2; day++ {
			e.Clock.Set(time.Date(2026, 2, day, 10, 0, 0, 0, cst))
			if st, err := e.Server.Attendance.RunDays(ctx); err != nil || st.Months != 0 {
				t.Fatalf("Feb %d: %+v %v", day, st, err)
			}
		}
		e.Clock.Set(time.Date(2026, 2, 3, 10, 0, 0, 0, cst))
		if st, err := e.Server.Attendance.RunDays(ctx); err != nil || st.Months == 0 {
			t.Fatalf("Feb 3: %+v %v", st, err)
		}
		var due []string // a month later the sessions have expired: read the row
		if err := e.Server.DB.Raw(`SELECT due_on FROM attendance_months WHERE month = '2026-01'`).Scan(&due).Error; err != nil ||
			len(due) == 0 || slices.ContainsFunc(due, func(d string) bool { return d != "2026-02-10" }) {
			t.Fatalf("months due %v %v", due, err)
		}
	})
}

// TestLeaveQuoteOnTheForm: the leave form's period is priced in working
// half days and hours against what is left; with the check on, a request
// over the balance is refused with the hours asked and left.
func TestLeaveQuoteOnTheForm(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		c := setup(t, e)
		var b attendance.Balance
		// Mon 12th am – Tue 13th: three half days, 12 hours, of 40 left.
		e.Must(200, "GET", "/api/v1/attendance/balance?leave_type=annual&start=2026-01-12&end=2026-01-13&start_half=pm", c.empT, nil).JSON(t, &b)
		if b.Request == nil || b.Request.HalfDays != 3 || b.Request.Hours != 12 || b.Request.LeftHours != 40 || b.Request.Over || b.Check {
			t.Fatalf("quote %+v %+v", b, b.Request)
		}
		// Two weeks (the weekend does not count): 10 days, 80 hours, over.
		e.Must(200, "GET", "/api/v1/attendance/balance?leave_type=annual&start=2026-01-12&end=2026-01-23", c.empT, nil).JSON(t, &b)
		if b.Request.Hours != 80 || !b.Request.Over {
			t.Fatalf("two weeks %+v", b.Request)
		}
		// 调休 with no overtime: nothing left.
		e.Must(200, "GET", "/api/v1/attendance/balance?leave_type=compensatory&start=2026-01-12&end=2026-01-12&end_half=am", c.empT, nil).JSON(t, &b)
		if b.Request.Hours != 4 || b.Request.LeftHours != 0 || !b.Request.Over {
			t.Fatalf("调休 %+v", b.Request)
		}
		for _, q := range []string{"leave_type=sick&start=2026-01-12&end=2026-01-12", "leave_type=annual&start=x&end=2026-01-12",
			"leave_type=annual&start=2026-01-12&end=2026-01-12&start_half=noon", "leave_type=annual&start=2026-01-13&end=2026-01-12"} {
			if r := e.Do("GET", "/api/v1/attendance/balance?"+q, c.empT, nil); r.Status != 400 {
				t.Fatalf("%s: %d %s", q, r.Status, r.Body)
			}
		}
		// Off by default: the long request goes through (the form warned).
		form := func(start, end string) map[string]any {
			return map[string]any{"template_id": c.tpl["leave"], "form": map[string]any{"leave_type": "annual",
				"period": map[string]any{"start": start, "end": end}, "reason": "rest"}}
		}
		e.Must(201, "POST", "/api/v1/approvals", c.empT, form("2026-01-12", "2026-01-23"))
		var st attendance.Settings
		e.Must(200, "GET", "/api/v1/attendance/settings", c.empT, nil).JSON(t, &st)
		st.LeaveBalanceCheck = true
		e.Must(200, "PUT", "/api/v1/attendance/settings", c.admin, st)
		r := e.Do("POST", "/api/v1/approvals", c.empT, form("2026-02-02", "2026-02-02"))
		_, key, f := r.ErrorCode()
		if r.Status != 400 || key != "attendance.leave_balance_exceeded" || f["need_hours"] != "8" || f["left_hours"] != "0" {
			t.Fatalf("over the balance: %d %s", r.Status, r.Body)
		}
		plain := e.Must(200, "GET", "/api/v1/attendance/balance", c.empT, nil).Body
		if !strings.Contains(string(plain), `"check":true`) || strings.Contains(string(plain), `"request"`) {
			t.Fatalf("balance %s", plain)
		}
	})
}
