package approval_test

import (
	"io"
	"testing"

	"tack/backend/approval"
	"tack/backend/org"
	"tack/backend/server"
	"tack/backend/server/servertest"
)

func TestDemoApprovals(t *testing.T) {
	e := servertest.New(t)
	if err := server.LoadDemo(ctx, e.Server, io.Discard); err != nil {
		t.Fatal(err)
	}
	var all, pending int64
	e.Server.DB.Model(&approval.Instance{}).Count(&all)
	e.Server.DB.Model(&approval.Instance{}).Where("status = ?", approval.StatusPending).Count(&pending)
	if all != 17 || pending != 4 {
		t.Fatalf("demo: %d approvals, %d pending", all, pending)
	}
	if err := server.LoadDemo(ctx, e.Server, io.Discard); err != nil { // idempotent
		t.Fatal(err)
	}
	e.Server.DB.Model(&approval.Instance{}).Count(&all)
	if all != 17 {
		t.Fatalf("demo twice: %d", all)
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
