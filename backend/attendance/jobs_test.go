package attendance_test

import (
	"context"
	"net/http"
	"slices"
	"testing"

	"tack/backend/approval"
	"tack/backend/attendance"
	"tack/backend/notify"
	"tack/backend/server/servertest"
)

// sentTo lists the recipients of the events of typ about date.
func sentTo(t *testing.T, e *servertest.Env, typ, date string) []string {
	t.Helper()
	var evs []notify.Event
	if err := e.Server.DB.Where("type = ?", typ).Order("id").Find(&evs).Error; err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, ev := range evs {
		if date == "" || ev.Data["date"] == date {
			out = append(out, ev.Recipients...)
		}
	}
	return out
}

func storedDay(t *testing.T, e *servertest.Env, userID, date string) attendance.Day {
	t.Helper()
	var d attendance.Day
	if err := e.Server.DB.Where("user_id = ? AND work_date = ?", userID, date).Take(&d).Error; err != nil {
		t.Fatalf("day %s %s: %v", userID, date, err)
	}
	return d
}

// TestDaysJobMaterialisesClosesRemindsAndSummarises runs the days job with
// the fake clock through a Sunday and a Monday: days appear without anyone
// opening a page, close after the punch window (absent, missing punch),
// reminders go before the shift to those not punched in and after it to
// those who punched in but not out — never on the rest day nor to someone on leave —
// and the next morning each person with an exception gets one summary.
// Every action happens once however often the job runs.
func TestDaysJobMaterialisesClosesRemindsAndSummarises(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		ctx := context.Background()
		setClock(e, "07:00", 4) // Sunday: everyone joins today
		c := setup(t, e)
		run := func() attendance.JobStats {
			t.Helper()
			st, err := e.Server.Attendance.RunDays(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return st
		}
		// emp takes Monday off, approved on Sunday.
		var inst approval.Instance
		e.Must(http.StatusCreated, "POST", "/api/v1/approvals", c.empT, map[string]any{"template_id": c.tpl["leave"], "form": map[string]any{
			"leave_type": "personal", "period": map[string]any{"start": "2026-01-05", "end": "2026-01-05"}, "reason": "family"}}).JSON(t, &inst)
		approveAll(t, e, inst.ID, c.headT, c.admin)

		setClock(e, "08:25", 4) // a rest day: no reminders
		if st := run(); st.Reminders != 0 || st.Materialised == 0 {
			t.Fatalf("sunday %+v", st)
		}
		if d := storedDay(t, e, c.bob.ID, "2026-01-04"); d.Status != attendance.StatusRest {
			t.Fatalf("sunday %+v", d)
		}
		setClock(e, "08:15", 5) // Monday, before the reminder time
		if st := run(); st.Reminders != 0 {
			t.Fatalf("08:15 %+v", st)
		}
		if d := storedDay(t, e, c.bob.ID, "2026-01-05"); d.Status != attendance.StatusPending {
			t.Fatalf("monday materialised %+v", d)
		}
		setClock(e, "08:21", 5)
		e.Must(http.StatusCreated, "POST", "/api/v1/attendance/punches", c.bobT, punchAt(officeLat, officeLng, 10))
		setClock(e, "08:22", 5)
		if st := run(); st.Reminders == 0 {
			t.Fatalf("08:22 %+v", st)
		}
		in := sentTo(t, e, "attendance.reminder", "2026-01-05")
		if !slices.Contains(in, c.head.ID) || slices.Contains(in, c.bob.ID) || slices.Contains(in, c.emp.ID) {
			t.Fatalf("reminded before the shift: %v (head %s, bob %s, emp on leave %s)", in, c.head.ID, c.bob.ID, c.emp.ID)
		}
		setClock(e, "08:25", 5)
		if st := run(); st.Reminders != 0 {
			t.Fatalf("reminded twice: %+v", st)
		}
		setClock(e, "18:05", 5) // 35 minutes after the shift: bob never punched out
		run()
		all := sentTo(t, e, "attendance.reminder", "2026-01-05")
		if n := len(all) - len(in); n == 0 || !slices.Contains(all[len(in):], c.bob.ID) || slices.Contains(all, c.emp.ID) || slices.Contains(all[len(in):], c.head.ID) {
			t.Fatalf("after the shift: %v", all[len(in):])
		}
		// Just after midnight the window has closed: nobody opened a page.
		setClock(e, "00:05", 6)
		if st := run(); st.Closed == 0 {
			t.Fatalf("00:05 %+v", st)
		}
		if d := storedDay(t, e, c.head.ID, "2026-01-05"); d.Status != attendance.StatusAbsent {
			t.Fatalf("head %+v", d)
		}
		if d := storedDay(t, e, c.bob.ID, "2026-01-05"); d.Status != attendance.StatusMissing {
			t.Fatalf("bob %+v", d)
		}
		if d := storedDay(t, e, c.emp.ID, "2026-01-05"); d.Status != attendance.StatusLeave {
			t.Fatalf("emp %+v", d)
		}
		setClock(e, "08:59", 6)
		if st := run(); st.Summaries != 0 {
			t.Fatalf("summary before the hour: %+v", st)
		}
		setClock(e, "09:00", 6)
		run()
		run()
		sum := sentTo(t, e, "attendance.summary", "2026-01-05")
		if !slices.Contains(sum, c.head.ID) || !slices.Contains(sum, c.bob.ID) || slices.Contains(sum, c.emp.ID) {
			t.Fatalf("summaries %v: want head and bob among them, not emp", sum)
		}
		seen := map[string]int{}
		for _, id := range sum {
			seen[id]++
		}
		for id, n := range seen {
			if n != 1 {
				t.Fatalf("%s summarised %d times", id, n)
			}
		}
	})
}
