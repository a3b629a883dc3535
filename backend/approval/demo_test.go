package approval_test

import (
	"io"
	"testing"

	"tack/backend/approval"
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
	if all != 7 || pending < 3 {
		t.Fatalf("demo: %d approvals, %d pending", all, pending)
	}
	if err := server.LoadDemo(ctx, e.Server, io.Discard); err != nil { // idempotent
		t.Fatal(err)
	}
	e.Server.DB.Model(&approval.Instance{}).Count(&all)
	if all != 7 {
		t.Fatalf("demo twice: %d", all)
	}
}
