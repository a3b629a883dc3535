package approval_test

import (
	"io"
	"testing"
	"time"

	"tack/backend/approval"
	"tack/backend/org"
	"tack/backend/server"
	"tack/backend/server/servertest"
)

// The demo loads whatever day of the week it is run on (leave days count
// working days, so the dates it picks must route the same way every day).
func TestDemoApprovals(t *testing.T) {
	for day := 0; day < 7; day++ {
		e := servertest.New(t)
		e.Clock.Set(time.Date(2026, 3, 2+day, 3, 0, 0, 0, time.UTC)) // Monday 2 March 2026 + day
		if err := server.LoadDemo(ctx, e.Server, io.Discard); err != nil {
			t.Fatalf("%s: %v", e.Clock.Now().Weekday(), err)
		}
		var all, pending int64
		e.Server.DB.Model(&approval.Instance{}).Count(&all)
		e.Server.DB.Model(&approval.Instance{}).Where("status = ?", approval.StatusPending).Count(&pending)
		if all != 17 || pending != 4 {
			t.Fatalf("%s: demo: %d approvals, %d pending", e.Clock.Now().Weekday(), all, pending)
		}
		if day > 0 {
			continue
		}
		if err := server.LoadDemo(ctx, e.Server, io.Discard); err != nil { // idempotent
			t.Fatal(err)
		}
		e.Server.DB.Model(&approval.Instance{}).Count(&all)
		if all != 17 {
			t.Fatalf("demo twice: %d", all)
		}
	}
}

// The demo history has real turnaround times and an overdue step, so the
// statistics page shows something meaningful.
func TestDemoStatistics(t *testing.T) {
	e := servertest.New(t)
	if err := server.LoadDemo(ctx, e.Server, io.Discard); err != nil {
		t.Fatal(err)
	}
	st, err := e.Server.Approval.Stats(ctx, org.System, approval.ListFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if st.Total != 17 || st.Overdue < 1 || len(st.ByTemplate) < 8 || len(st.ByApprover) < 5 {
		t.Fatalf("demo stats %+v", st)
	}
	for _, x := range st.ByTemplate {
		if x.Finished > 0 && x.AvgSeconds < 60 {
			t.Fatalf("%s finished in %v s on average", x.Name, x.AvgSeconds)
		}
	}
}
