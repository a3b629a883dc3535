package approval_test

import (
	"context"
	"syscall"
	"testing"
	"time"

	"tack/backend/approval"
	"tack/backend/server/servertest"
)

// BenchmarkInboxTodo measures one page of 200 pending approvals in a
// department head's todo box: the service call alone ("list") and the whole
// request on loopback ("http", JSON included).
//
// cpu-ms/op is the test process's CPU time per page (client included for
// "http"); read it rather than ns/op on a busy machine.
//
//	go test -run '^$' -bench InboxTodo -benchtime 300x -cpuprofile /tmp/inbox.prof ./backend/approval/
func BenchmarkInboxTodo(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) { benchInboxTodo(b, servertest.New(b)) })
	b.Run("postgres", func(b *testing.B) { benchInboxTodo(b, servertest.NewPostgres(b)) })
}

func benchInboxTodo(b *testing.B, e *servertest.Env) {
	admin, _ := e.Setup()
	head, headT := e.NewUser(admin, "")
	dept := e.NewDepartment(admin, "Bench", "", &head.ID)
	tpl := e.TemplateID(headT, "outing")
	emps := make([]string, 20)
	for i := range emps {
		_, emps[i] = e.NewUser(admin, dept.ID)
	}
	for i := 0; i < 200; i++ {
		e.Must(201, "POST", "/api/v1/approvals", emps[i%len(emps)], map[string]any{"template_id": tpl,
			"form": map[string]any{"place": "客户现场", "start": "2026-01-06", "reason": "visit"}})
	}
	actor, err := e.Server.Org.Authenticate(context.Background(), headT)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("list", func(b *testing.B) {
		cpu := processCPU()
		for b.Loop() {
			items, _, err := e.Server.Approval.List(context.Background(), actor, approval.ListFilter{Box: "todo", Limit: 200})
			if err != nil || len(items) != 200 {
				b.Fatal(len(items), err)
			}
		}
		reportCPU(b, cpu)
	})
	b.Run("http", func(b *testing.B) {
		cpu := processCPU()
		for b.Loop() {
			e.Must(200, "GET", "/api/v1/approvals?box=todo&limit=200", headT, nil)
		}
		reportCPU(b, cpu)
	})
}

// processCPU is the test process's user+system CPU time so far. On a
// machine shared with other jobs, wall time per operation says more about
// the neighbours than about the code; CPU time per operation does not.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU adds cpu-ms/op: the process's CPU since start per iteration
// (the "http" rows include the client's side of the request).
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(processCPU()-start)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
}
