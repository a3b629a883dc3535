package attendance_test

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"tack/backend/attendance"
	"tack/backend/org"
	"tack/backend/server"
	"tack/backend/server/servertest"
)

// TestDemoMonth: the demo company gets an office and a month of punches
// that chain and verify; their days derive to a mix of results; a second
// run adds nothing.
func TestDemoMonth(t *testing.T) {
	t.Parallel()
	e := servertest.New(t)
	ctx := context.Background()
	var out bytes.Buffer
	if err := server.LoadDemo(ctx, e.Server, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "attendance: an office") {
		t.Fatalf("demo output: %s", out.String())
	}
	rep, err := attendance.VerifyChain(ctx, e.Server.DB)
	if err != nil || !rep.OK() || rep.Rows < 100 {
		t.Fatalf("chain %+v %v", rep, err)
	}
	if err := e.Server.Attendance.LoadDemo(ctx, io.Discard); err != nil {
		t.Fatal(err)
	}
	if again, _ := attendance.VerifyChain(ctx, e.Server.DB); again.Rows != rep.Rows {
		t.Fatalf("second run added %d rows", again.Rows-rep.Rows)
	}
	admins, _ := e.Server.Org.UsersWithRole(ctx, org.RoleAdmin)
	a, _ := e.Server.Org.ActorFor(ctx, admins[0].ID)
	people, _ := e.Server.Org.DepartmentMembers(ctx, admins[0].DepartmentID, true)
	seen := map[string]int{}
	for _, u := range people {
		for _, m := range []string{"2025-12", "2026-01"} {
			days, err := e.Server.Attendance.Month(ctx, a, u.ID, m)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range days {
				seen[d.Status]++
			}
		}
	}
	for _, st := range []string{attendance.StatusNormal, attendance.StatusLate} {
		if seen[st] == 0 {
			t.Errorf("no %s day in the demo month: %v", st, seen)
		}
	}
}
