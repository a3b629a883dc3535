package attendance_test

import (
	"bytes"
	"context"
	"net/http"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"tack/backend/attendance"
	"tack/backend/server/servertest"
)

// TestMonthlyLoop: on the 1st the days job compiles last month per
// department and tells the head; the head reads it, exports it as XLSX
// (summary with the chain checkpoint, daily detail), sends it back with a
// comment, then confirms it; the confirmed month is locked: an attendance
// admin's correction and an employee's makeup request are refused with
// attendance.month_locked, an administrator's correction goes through and
// is audited as such.
func TestMonthlyLoop(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		ctx := context.Background()
		setClock(e, "07:00", 4)
		c := setup(t, e)
		_, attAdminT := e.NewUser(c.admin, "", attendance.RoleAttendanceAdmin)
		setClock(e, "08:40", 5) // 10 minutes late
		e.Must(http.StatusCreated, "POST", "/api/v1/attendance/punches", c.empT, punchAt(officeLat, officeLng, 10))
		setClock(e, "17:45", 5)
		e.Must(http.StatusCreated, "POST", "/api/v1/attendance/punches", c.empT, punchAt(officeLat, officeLng, 10))

		e.Clock.Set(time.Date(2026, 2, 1, 2, 0, 0, 0, cst))
		st, err := e.Server.Attendance.RunDays(ctx)
		if err != nil || st.Months == 0 {
			t.Fatalf("compile: %+v %v", st, err)
		}
		if st, _ := e.Server.Attendance.RunDays(ctx); st.Months != 0 {
			t.Fatalf("compiled twice: %+v", st)
		}
		if to := sentTo(t, e, "attendance.month_ready", ""); !slices.Contains(to, c.head.ID) {
			t.Fatalf("head not told: %v", to)
		}
		var list struct{ Items []attendance.MonthReport }
		e.Must(200, "GET", "/api/v1/attendance/months?month=2026-01", c.headT, nil).JSON(t, &list)
		if len(list.Items) != 1 || list.Items[0].DepartmentID != c.dept.ID || list.Items[0].DueOn != "2026-02-05" || list.Items[0].Status != attendance.MonthOpen {
			t.Fatalf("head's months %+v", list.Items)
		}
		path := "/api/v1/attendance/months/" + c.dept.ID + "/2026-01"
		if r := e.Do("GET", path, c.bobT, nil); r.Status != 404 {
			t.Fatalf("bob reads another department's month: %d", r.Status)
		}
		var sheet attendance.MonthSheet
		e.Must(200, "GET", path, c.headT, nil).JSON(t, &sheet)
		var emp attendance.MonthRow
		for _, r := range sheet.Rows {
			if r.UserID == c.emp.ID {
				emp = r
			}
		}
		// January 2026 from the 5th: 20 working days (the 1st is a holiday and before joining anyway).
		if emp.LateCount != 1 || emp.LateMinutes != 10 || emp.DaysWorked != 1 || emp.DaysDue < 15 || emp.AbsentDays != emp.DaysDue-1 {
			t.Fatalf("emp's month %+v", emp)
		}

		// The XLSX: summary and daily detail, with the chain's checkpoint.
		r := e.Must(200, "GET", path+"/export?lang=zh-CN", c.headT, nil)
		x, err := excelize.OpenReader(bytes.NewReader(r.Body))
		if err != nil {
			t.Fatal(err)
		}
		sheets := x.GetSheetList()
		if len(sheets) != 2 || sheets[0] != "月度汇总" || sheets[1] != "每日明细" {
			t.Fatalf("sheets %v", sheets)
		}
		rows, _ := x.GetRows("月度汇总")
		var empRow []string
		var hash string
		for _, row := range rows {
			if len(row) > 0 && row[0] == c.emp.Name {
				empRow = row
			}
			if len(row) > 1 && row[0] == "打卡记录校验点（哈希）" {
				hash = row[1]
			}
		}
		if rows[0][0] != "姓名" || rows[0][3] != "迟到次数" || len(empRow) < 5 || empRow[3] != "1" || empRow[4] != "10" {
			t.Fatalf("summary header %v, emp %v", rows[0], empRow)
		}
		var cp struct{ Hash string }
		e.Server.DB.Table("attendance_checkpoints").Select("hash").Where("day = ?", "2026-01-05").Take(&cp)
		if hash == "" || hash != cp.Hash {
			t.Fatalf("checkpoint in the sheet %q, stored %q", hash, cp.Hash)
		}
		detail, _ := x.GetRows("每日明细")
		found := false
		for _, row := range detail {
			if len(row) > 6 && row[0] == c.emp.Name && row[1] == "2026-01-05" {
				found = row[3] == attendance.StatusLate && row[4] == "08:40" && row[5] == "17:45" && row[6] == strconv.Itoa(10)
			}
		}
		if !found {
			t.Fatalf("no daily detail for the 5th: %v", detail[:min(3, len(detail))])
		}

		// Sent back needs a comment; then confirmed, the month locks.
		if r := e.Do("POST", path+"/return", c.headT, map[string]any{"version": 1}); r.Status != 400 {
			t.Fatalf("return without a comment: %d", r.Status)
		}
		var rep attendance.MonthReport
		e.Must(200, "POST", path+"/return", c.headT, map[string]any{"version": 1, "comment": "6号是出差，请补录"}).JSON(t, &rep)
		if rep.Status != attendance.MonthReturned || rep.Version != 2 {
			t.Fatalf("returned %+v", rep)
		}
		if r := e.Do("POST", path+"/confirm", c.headT, map[string]any{"version": 1}); r.Status != 409 {
			t.Fatalf("stale confirm: %d", r.Status)
		}
		e.Must(200, "POST", path+"/confirm", c.headT, map[string]any{"version": 2}).JSON(t, &rep)
		if rep.Status != attendance.MonthConfirmed || rep.ChainHash == "" || rep.ConfirmedBy != c.head.ID {
			t.Fatalf("confirmed %+v", rep)
		}
		if r := e.Do("POST", path+"/confirm", c.headT, map[string]any{"version": 3}); r.Status != 409 {
			t.Fatalf("confirmed twice: %d", r.Status)
		}
		at := time.Date(2026, 1, 6, 8, 30, 0, 0, cst)
		body := map[string]any{"user_id": c.emp.ID, "at": at, "reason": "出差"}
		r = e.Do("POST", "/api/v1/attendance/corrections", attAdminT, body)
		if _, key, _ := r.ErrorCode(); r.Status != 409 || key != "attendance.month_locked" {
			t.Fatalf("attendance admin corrects a locked month: %d %s", r.Status, r.Body)
		}
		r = e.Do("POST", "/api/v1/approvals", c.empT, map[string]any{"template_id": c.tpl["makeup_clock"],
			"form": map[string]any{"date": "2026-01-07", "kind": "in", "reason": "forgot"}})
		if _, key, _ := r.ErrorCode(); r.Status != 409 || key != "attendance.month_locked" {
			t.Fatalf("makeup in a locked month: %d %s", r.Status, r.Body)
		}
		e.Must(http.StatusCreated, "POST", "/api/v1/attendance/corrections", c.admin, body)
		var audit struct {
			Items []struct {
				Action string
				Detail map[string]any
			}
		}
		e.Must(200, "GET", "/api/v1/audit?limit=50", c.admin, nil).JSON(t, &audit)
		ok := false
		for _, a := range audit.Items {
			if a.Action == "attendance.punch.correct" && a.Detail["locked_month"] == true {
				ok = true
			}
		}
		if !ok {
			t.Fatalf("the administrator's correction of a locked month is not audited as such: %+v", audit.Items)
		}
	})
}

// TestMonthNotCompiledForNewcomers: a department whose people all joined
// this month has no last month to confirm; its head is not asked to (every
// fresh server, e2e ones included, used to send each head a month_ready
// for the month before it existed).
func TestMonthNotCompiledForNewcomers(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		e.Clock.Set(time.Date(2026, 2, 3, 7, 0, 0, 0, cst))
		c := setup(t, e)
		st, err := e.Server.Attendance.RunDays(context.Background())
		if err != nil || st.Months != 0 {
			t.Fatalf("compiled a month before anyone joined: %+v %v", st, err)
		}
		if to := sentTo(t, e, "attendance.month_ready", ""); slices.Contains(to, c.head.ID) {
			t.Fatalf("head told of a month before the department's people joined: %v", to)
		}
	})
}
