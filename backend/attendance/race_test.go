package attendance_test

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"tack/backend/approval"
	"tack/backend/attendance"
	"tack/backend/server/servertest"
)

// TestPunchRacesMakeupApproval: the employee punches out while the last
// approver approves their makeup of the morning's punch. Both rows land in
// the chain (it verifies), and the stored day counts both — whichever
// transaction finished last derived it with the other's punch.
func TestPunchRacesMakeupApproval(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		c := setup(t, e)
		setClock(e, "10:00", 6) // forgot to punch in on Tuesday
		var inst approval.Instance
		e.Must(http.StatusCreated, "POST", "/api/v1/approvals", c.empT, map[string]any{"template_id": c.tpl["makeup_clock"],
			"form": map[string]any{"date": "2026-01-06", "kind": "in", "reason": "forgot"}}).JSON(t, &inst)
		setClock(e, "17:45", 6)
		var wg sync.WaitGroup
		wg.Add(2)
		var punchStatus int
		go func() {
			defer wg.Done()
			punchStatus = e.Do("POST", "/api/v1/attendance/punches", c.empT, punchAt(officeLat, officeLng, 10)).Status
		}()
		go func() {
			defer wg.Done()
			approveAll(t, e, inst.ID, c.headT, c.admin)
		}()
		wg.Wait()
		if punchStatus != http.StatusCreated {
			t.Fatalf("punch: %d", punchStatus)
		}
		rep, err := attendance.VerifyChain(context.Background(), e.Server.DB)
		if err != nil || !rep.OK() || rep.Rows != 2 {
			t.Fatalf("chain %+v %v", rep, err)
		}
		d := storedDay(t, e, c.emp.ID, "2026-01-06")
		if d.Status != attendance.StatusNormal || d.FirstIn == nil || !d.FirstIn.Equal(time.Date(2026, 1, 6, 8, 30, 0, 0, cst)) ||
			d.LastOut == nil || !d.LastOut.Equal(time.Date(2026, 1, 6, 17, 45, 0, 0, cst)) {
			t.Fatalf("day after the race %+v", d)
		}
	})
}
