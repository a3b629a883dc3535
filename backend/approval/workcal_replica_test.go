package approval_test

import (
	"context"
	"testing"
	"time"

	"tack/backend/approval"
	"tack/backend/server"
	"tack/backend/server/servertest"
	"tack/backend/workcal"
)

// A holiday set through a second server on the same PostgreSQL schema
// moves the SLA deadline of the very next submit on the first, whose
// calendar cache had already read the calendar without it.
func TestWorkCalendarEditOnOtherReplicaPostgres(t *testing.T) {
	t.Parallel()
	e := servertest.NewPostgres(t)
	c := setupCompany(t, e)
	b, err := server.New(context.Background(), e.Server.Config, nil, e.Clock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Close() })
	dueOf := func(inst approval.Instance) time.Time {
		t.Helper()
		var tk approval.Task
		if err := e.Server.DB.Where("instance_id = ? AND status = ?", inst.ID, approval.TaskPending).First(&tk).Error; err != nil || tk.DueAt == nil {
			t.Fatalf("task %+v %v", tk, err)
		}
		return tk.DueAt.UTC()
	}
	// Friday 2026-01-09 16:00 Shanghai: 2 working hours on Friday, 2 on Monday.
	e.Clock.Set(time.Date(2026, 1, 9, 8, 0, 0, 0, time.UTC))
	if d := dueOf(submit(t, e, c.emp, c.leaveID, leaveForm("2026-01-19", "2026-01-20"), nil)); !d.Equal(time.Date(2026, 1, 12, 3, 0, 0, 0, time.UTC)) {
		t.Fatalf("due before the holiday %v", d)
	}
	if _, err := b.Workcal.SetDay(ctx, actor(t, e, adminID(t, e, c)), workcal.Day{Date: "2026-01-12", Working: false, Note: "假日"}); err != nil {
		t.Fatal(err)
	}
	if d := dueOf(submit(t, e, c.emp, c.leaveID, leaveForm("2026-01-21", "2026-01-22"), nil)); !d.Equal(time.Date(2026, 1, 13, 3, 0, 0, 0, time.UTC)) {
		t.Fatalf("due after B's holiday %v (A used its stale calendar)", d)
	}
}
