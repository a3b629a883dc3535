package attendance_test

import (
	"bytes"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"tack/backend/attendance"
	"tack/backend/org"
	"tack/backend/server/servertest"
)

type rotaCo struct {
	co
	early, late string // shifts 07:00–15:00, 15:00–23:00
	group       string
}

// rotaSetup: Sales works a rota with an early and a late shift.
func rotaSetup(t *testing.T, e *servertest.Env) rotaCo {
	t.Helper()
	c := rotaCo{co: setup(t, e)}
	var sh attendance.Shift
	e.Must(http.StatusCreated, "POST", "/api/v1/attendance/shifts", c.admin, map[string]any{"name": "早班", "start_min": 420, "end_min": 900,
		"earliest_in_min": 120, "latest_out_min": 240, "serious_late_min": 30, "absent_late_min": 240}).JSON(t, &sh)
	c.early = sh.ID
	e.Must(http.StatusCreated, "POST", "/api/v1/attendance/shifts", c.admin, map[string]any{"name": "晚班", "start_min": 900, "end_min": 1380,
		"earliest_in_min": 120, "latest_out_min": 240, "serious_late_min": 30, "absent_late_min": 240}).JSON(t, &sh)
	c.late = sh.ID
	var g attendance.Group
	e.Must(http.StatusCreated, "POST", "/api/v1/attendance/groups", c.admin, map[string]any{"name": "门店排班", "schedule": "rota",
		"members": []map[string]string{{"kind": "department", "ref_id": c.dept.ID}}}).JSON(t, &g)
	c.group = g.ID
	return c
}

func rotaCells(t *testing.T, e *servertest.Env, token, dept, month string) (attendance.RotaSheet, map[string]string) {
	t.Helper()
	var sh attendance.RotaSheet
	e.Must(200, "GET", "/api/v1/attendance/rota/"+dept+"/"+month, token, nil).JSON(t, &sh)
	m := map[string]string{}
	for _, c := range sh.Cells {
		m[c.UserID+"/"+c.Date] = c.ShiftID
	}
	return sh, m
}

func dayOf(t *testing.T, e *servertest.Env, token, user, date string) attendance.Day {
	t.Helper()
	var page struct{ Items []attendance.Day }
	e.Must(200, "GET", "/api/v1/attendance/days?month="+date[:7]+"&user="+user, token, nil).JSON(t, &page)
	for _, d := range page.Items {
		if d.WorkDate == date {
			return d
		}
	}
	t.Fatalf("no day %s in %+v", date, page.Items)
	return attendance.Day{}
}

// TestRotaCycleRulesAndErrors: the head fills the month with a cycle
// 早-早-晚-晚-休; the rules engine reads the day's rota shift (20 minutes
// late for 早班 at 07:20), a rest cell is rest, a cleared cell is rest
// flagged unscheduled; a bad cell refuses the whole edit with the cell
// named and changes nothing; copying last week and last month; a locked
// month refuses; edits are audited.
func TestRotaCycleRulesAndErrors(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		setClock(e, "06:00", 5)
		c := rotaSetup(t, e)
		base := "/api/v1/attendance/rota/" + c.dept.ID
		sheet, _ := rotaCells(t, e, c.headT, c.dept.ID, "2026-01")
		var people []string
		for _, p := range sheet.People {
			people = append(people, p.UserID)
		}
		if len(sheet.Days) != 31 || !slices.Contains(people, c.emp.ID) || !slices.Contains(people, c.head.ID) || len(sheet.Shifts) < 2 {
			t.Fatalf("sheet: %d days, people %v, %d shifts", len(sheet.Days), people, len(sheet.Shifts))
		}

		// 2026-01-01 is index 0: the 5th is 休, the 6th 早, the 8th 晚.
		var res attendance.RotaResult
		e.Must(200, "POST", base+"/cycle", c.headT, map[string]any{"user_ids": []string{c.emp.ID}, "from": "2026-01-01", "to": "2026-01-31",
			"pattern": []string{c.early, c.early, c.late, c.late, ""}}).JSON(t, &res)
		if res.Cells != 31 {
			t.Fatalf("cycle wrote %d cells", res.Cells)
		}
		_, cells := rotaCells(t, e, c.headT, c.dept.ID, "2026-01")
		k := func(d string) string { return c.emp.ID + "/2026-01-" + d }
		if cells[k("05")] != "" || cells[k("06")] != c.early || cells[k("08")] != c.late || len(cells) != 31 {
			t.Fatalf("cells %v", cells)
		}

		// The 6th: 早班 07:00, in at 07:20 (20 minutes late), out at 15:05.
		setClock(e, "07:20", 6)
		e.Must(http.StatusCreated, "POST", "/api/v1/attendance/punches", c.empT, punchAt(officeLat, officeLng, 10))
		setClock(e, "15:05", 6)
		e.Must(http.StatusCreated, "POST", "/api/v1/attendance/punches", c.empT, punchAt(officeLat, officeLng, 10))
		if d := dayOf(t, e, c.empT, c.emp.ID, "2026-01-06"); d.Status != attendance.StatusLate || d.LateMinutes != 20 || d.ShiftID != c.early {
			t.Fatalf("the 6th on the rota: %+v", d)
		}
		if d := dayOf(t, e, c.empT, c.emp.ID, "2026-01-05"); d.DayType != attendance.DayRest {
			t.Fatalf("the 5th is 休: %+v", d)
		}
		// The head moves the 6th to 晚班 after the fact: the day is derived again; her 15:05 punch is now a 5-minute-late arrival.
		e.Must(200, "PUT", base, c.headT, map[string]any{"cells": []map[string]any{{"user_id": c.emp.ID, "date": "2026-01-06", "shift_id": c.late}}})
		if d := dayOf(t, e, c.empT, c.emp.ID, "2026-01-06"); d.ShiftID != c.late || d.LateMinutes != 5 {
			t.Fatalf("the 6th moved to 晚班: %+v", d)
		}
		// Cleared: rest, flagged unscheduled (not absent).
		e.Must(200, "PUT", base, c.headT, map[string]any{"cells": []map[string]any{{"user_id": c.emp.ID, "date": "2026-01-02", "clear": true}}})
		if d := dayOf(t, e, c.empT, c.emp.ID, "2026-01-02"); d.DayType != attendance.DayRest || !slices.Contains(d.Flags, attendance.FlagUnscheduled) {
			t.Fatalf("unscheduled day: %+v", d)
		}

		// One bad cell among good ones: nothing is saved, the bad ones are named.
		r := e.Do("PUT", base, c.headT, map[string]any{"cells": []map[string]any{
			{"user_id": c.emp.ID, "date": "2026-01-20", "shift_id": ""},
			{"user_id": c.emp.ID, "date": "2026-01-21", "shift_id": "nope"},
			{"user_id": c.bob.ID, "date": "2026-01-21", "shift_id": c.early},
			{"user_id": c.emp.ID, "date": "2026-13-01", "shift_id": c.early}}})
		if _, key, fields := r.ErrorCode(); r.Status != 400 || key != "attendance.rota_invalid" || fields["cells[1]"] != "unknown_shift" ||
			fields["cells[2]"] != "not_rota_member" || fields["cells[3]"] != "bad_date" || len(fields) != 3 {
			t.Fatalf("bad cells: %d %s", r.Status, r.Body)
		}
		if _, after := rotaCells(t, e, c.headT, c.dept.ID, "2026-01"); after[k("20")] != cells[k("20")] {
			t.Fatalf("a refused edit changed the 20th: %q", after[k("20")])
		}

		// Copy last week onto the week of the 12th, and January onto February.
		e.Must(200, "POST", base+"/copy", c.headT, map[string]any{"kind": "week", "to": "2026-01-12"})
		e.Must(200, "POST", base+"/copy", c.headT, map[string]any{"kind": "month", "to": "2026-02"})
		_, jan := rotaCells(t, e, c.headT, c.dept.ID, "2026-01")
		_, feb := rotaCells(t, e, c.headT, c.dept.ID, "2026-02")
		for i := 5; i <= 11; i++ {
			src, dst := jan[c.emp.ID+time.Date(2026, 1, i, 0, 0, 0, 0, cst).Format("/2006-01-02")], jan[c.emp.ID+time.Date(2026, 1, i+7, 0, 0, 0, 0, cst).Format("/2006-01-02")]
			if src != dst {
				t.Fatalf("week copy: the %dth %q, the %dth %q", i, src, i+7, dst)
			}
		}
		if _, ok := jan[k("09")]; !ok || feb[c.emp.ID+"/2026-02-09"] != jan[k("09")] || len(feb) != 27 { // 28 days, the 2nd cleared in January
			t.Fatalf("month copy: %d cells in Feb, %d in Jan", len(feb), len(jan))
		}
		if r := e.Do("POST", base+"/copy", c.headT, map[string]any{"kind": "year", "to": "2026"}); r.Status != 400 {
			t.Fatalf("copy a year: %d", r.Status)
		}

		// Who may: the head and an attendance admin; not the employee, HR, a custom role or another department's person.
		_, attAdminT := e.NewUser(c.admin, "", attendance.RoleAttendanceAdmin)
		_, hrT := e.NewUser(c.admin, "", org.RoleHR)
		e.Must(http.StatusCreated, "POST", "/api/v1/roles", c.admin, map[string]any{"id": "shift_lead", "name": "Shift lead", "privileged": false})
		_, customT := e.NewUser(c.admin, c.dept.ID, "shift_lead")
		e.Must(200, "PUT", base, attAdminT, map[string]any{"cells": []map[string]any{{"user_id": c.emp.ID, "date": "2026-01-25", "shift_id": c.early}}})
		edit := map[string]any{"cells": []map[string]any{{"user_id": c.emp.ID, "date": "2026-01-26", "shift_id": ""}}}
		for name, tok := range map[string]string{"employee": c.empT, "hr": hrT, "custom role": customT, "other department": c.bobT} {
			if r := e.Do("GET", base+"/2026-01", tok, nil); r.Status != 403 && r.Status != 404 {
				t.Errorf("%s reads the rota: %d", name, r.Status)
			}
			for _, call := range []struct{ method, path string }{{"PUT", base}, {"POST", base + "/cycle"}, {"POST", base + "/copy"}} {
				if r := e.Do(call.method, call.path, tok, edit); r.Status != 403 && r.Status != 404 {
					t.Errorf("%s %s %s: %d", name, call.method, call.path, r.Status)
				}
			}
		}
		if _, after := rotaCells(t, e, c.headT, c.dept.ID, "2026-01"); after[k("26")] != jan[k("26")] {
			t.Fatalf("a refused caller changed the 26th")
		}

		// A confirmed month is locked for everyone.
		if err := e.Server.DB.Exec(`INSERT INTO attendance_months (department_id, month, status, version, created_at, updated_at)
			VALUES (?, '2026-01', ?, 1, ?, ?)`, c.dept.ID, attendance.MonthConfirmed, e.Clock.Now(), e.Clock.Now()).Error; err != nil {
			t.Fatal(err)
		}
		for _, tok := range []string{c.headT, attAdminT} {
			r := e.Do("PUT", base, tok, map[string]any{"cells": []map[string]any{{"user_id": c.emp.ID, "date": "2026-01-27", "shift_id": c.late}}})
			if _, key, _ := r.ErrorCode(); r.Status != 409 || key != "attendance.month_locked" {
				t.Fatalf("edit a locked month: %d %s", r.Status, r.Body)
			}
		}
		if sh, _ := rotaCells(t, e, c.headT, c.dept.ID, "2026-01"); !sh.People[0].Locked {
			t.Fatalf("sheet does not say locked: %+v", sh.People)
		}

		var audit struct {
			Items []struct {
				Action   string
				TargetID string `json:"target_id"`
			}
		}
		e.Must(200, "GET", "/api/v1/audit?limit=100&action=attendance.rota.save", c.admin, nil).JSON(t, &audit)
		n := 0
		for _, a := range audit.Items {
			if a.Action == "attendance.rota.save" && a.TargetID == c.dept.ID {
				n++
			}
		}
		if n != 6 { // cycle, two edits, two copies, the attendance admin's edit
			t.Fatalf("audited rota edits %d", n)
		}
	})
}

// TestRotaXLSXImport: the template lists the people and the month's days
// filled with the current cells; an uploaded file with a bad shift and a
// bad date header is refused with those cells named and changes nothing; a
// good one replaces the month; a file that is not XLSX is refused.
func TestRotaXLSXImport(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		setClock(e, "06:00", 5)
		c := rotaSetup(t, e)
		base := "/api/v1/attendance/rota/" + c.dept.ID + "/2026-02"
		e.Must(200, "PUT", "/api/v1/attendance/rota/"+c.dept.ID, c.headT, map[string]any{"cells": []map[string]any{
			{"user_id": c.emp.ID, "date": "2026-02-02", "shift_id": c.early}}})
		r := e.Must(200, "GET", base+"/template?lang=zh-CN", c.headT, nil)
		x, err := excelize.OpenReader(bytes.NewReader(r.Body))
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := x.GetRows("排班")
		empRow := -1
		for i, row := range rows {
			if row[0] == c.emp.ID {
				empRow = i + 1
				if row[1] != c.emp.Name || row[3] != "早班" { // column D is 2026-02-02
					t.Fatalf("emp's row %v", row)
				}
			}
		}
		if rows[0][0] != "人员ID" || rows[0][2] != "2026-02-01" || len(rows[0]) != 2+28 || empRow < 0 {
			t.Fatalf("header %v, emp row %d", rows[0], empRow)
		}
		cell := func(col int) string { n, _ := excelize.CoordinatesToCellName(col, empRow); return n }
		// Bad: an unknown shift in E, a header of another month in F.
		_ = x.SetCellValue("排班", cell(5), "夜班X")
		_ = x.SetCellValue("排班", "F1", "2026-03-04")
		_ = x.SetCellValue("排班", cell(4), "晚班")
		var bad bytes.Buffer
		_ = x.Write(&bad)
		r = e.Do("POST", base+"/import", c.headT, bad.String())
		if _, key, fields := r.ErrorCode(); r.Status != 400 || key != "attendance.rota_invalid" || fields[cell(5)] != "unknown_shift" || fields["F1"] != "bad_date" {
			t.Fatalf("bad file: %d %s", r.Status, r.Body)
		}
		if _, cells := rotaCells(t, e, c.headT, c.dept.ID, "2026-02"); cells[c.emp.ID+"/2026-02-02"] != c.early {
			t.Fatalf("a refused file changed the 2nd: %v", cells)
		}
		// Good: 晚班 on the 2nd, 休 on the 3rd, 早班 by ID on the 4th.
		_ = x.SetCellValue("排班", cell(5), "休")
		_ = x.SetCellValue("排班", "F1", "2026-02-04")
		_ = x.SetCellValue("排班", cell(6), c.early)
		var good bytes.Buffer
		_ = x.Write(&good)
		var res attendance.RotaResult
		e.Must(200, "POST", base+"/import", c.headT, good.String()).JSON(t, &res)
		_, cells := rotaCells(t, e, c.headT, c.dept.ID, "2026-02")
		if v, ok := cells[c.emp.ID+"/2026-02-03"]; cells[c.emp.ID+"/2026-02-02"] != c.late || !ok || v != "" || cells[c.emp.ID+"/2026-02-04"] != c.early || len(cells) != 3 {
			t.Fatalf("imported cells %v (%d written)", cells, res.Cells)
		}
		if r := e.Do("POST", base+"/import", c.headT, "name,1\nx,y\n"); r.Status != 400 {
			t.Fatalf("a CSV: %d %s", r.Status, r.Body)
		} else if _, key, _ := r.ErrorCode(); key != "attendance.rota_file_invalid" {
			t.Fatalf("a CSV: %s", r.Body)
		}
		if r := e.Do("POST", base+"/import", c.bobT, good.String()); r.Status != 403 && r.Status != 404 {
			t.Fatalf("bob imports: %d", r.Status)
		}
	})
}
