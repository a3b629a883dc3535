package approval_test

import (
	"fmt"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"tack/backend/approval"
	"tack/backend/org"
	"tack/backend/server/servertest"
)

// BenchmarkSubmitApprove measures one submit (employee) + one approve
// (department head) over HTTP on loopback with 200 concurrent clients; it
// reports throughput (pairs/s) and the p99 latency of a single request, and
// as a reference measured in the same run the throughput and p99 of a plain
// signed-in GET /api/v1/me at the same concurrency.
//
//	TACK_TEST_POSTGRES_DSN=... go test -run '^$' -bench SubmitApprove -benchtime 2000x ./backend/approval/
func BenchmarkSubmitApprove(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) { benchSubmitApprove(b, servertest.New(b)) })
	b.Run("postgres", func(b *testing.B) { benchSubmitApprove(b, servertest.NewPostgres(b)) })
}

func benchSubmitApprove(b *testing.B, e *servertest.Env) {
	const clients = 200
	admin, _ := e.Setup()
	head, headT := e.NewUser(admin, "")
	dept := e.NewDepartment(admin, "Bench", "", &head.ID)
	emps := make([]string, 20)
	for i := range emps {
		_, emps[i] = e.NewUser(admin, dept.ID)
	}
	var page struct{ Items []approval.Template }
	e.Must(200, "GET", "/api/v1/approval/templates", headT, nil).JSON(b, &page)
	var tpl string
	for _, t := range page.Items {
		if t.BuiltinKey == "outing" {
			tpl = t.ID
		}
	}
	_ = org.RoleAdmin
	form := map[string]any{"template_id": tpl, "form": map[string]any{"place": "客户现场", "start": "2026-01-06", "reason": "visit"}}
	var (
		mu   sync.Mutex
		lats []time.Duration
		next atomic.Int64
		fail atomic.Int64
	)
	do := func(method, path, token string, body any, want int) (servertest.Response, bool) {
		t0 := time.Now()
		r := e.Do(method, path, token, body)
		d := time.Since(t0)
		mu.Lock()
		lats = append(lats, d)
		mu.Unlock()
		if r.Status != want {
			if fail.Add(1) < 5 {
				b.Logf("%s %s: %d %s", method, path, r.Status, r.Body)
			}
			return r, false
		}
		return r, true
	}
	// Reference in the same run: the same clients doing b.N*2 signed-in
	// GET /api/v1/me (auth, session lookup, JSON; no approval work) show
	// what the server stack itself costs on this machine right now.
	refN, refLats := int64(b.N*2), make([]time.Duration, 0, b.N*2)
	var refNext atomic.Int64
	refStart := time.Now()
	var rwg sync.WaitGroup
	for c := 0; c < clients; c++ {
		rwg.Add(1)
		go func() {
			defer rwg.Done()
			for refNext.Add(1) <= refN {
				t0 := time.Now()
				if r := e.Do("GET", "/api/v1/me", emps[c%len(emps)], nil); r.Status != http.StatusOK {
					fail.Add(1)
				}
				d := time.Since(t0)
				mu.Lock()
				refLats = append(refLats, d)
				mu.Unlock()
			}
		}()
	}
	rwg.Wait()
	refEl := time.Since(refStart)
	slices.Sort(refLats)
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(b.N) {
				r, ok := do("POST", "/api/v1/approvals", emps[c%len(emps)], form, http.StatusCreated)
				if !ok {
					continue
				}
				var inst approval.Instance
				r.JSON(b, &inst)
				do("POST", "/api/v1/approvals/"+inst.ID+"/approve", headT, map[string]any{}, http.StatusOK)
			}
		}()
	}
	wg.Wait()
	el := time.Since(start)
	b.StopTimer()
	slices.Sort(lats)
	p := func(q float64) time.Duration { return lats[int(float64(len(lats)-1)*q)] }
	b.ReportMetric(float64(b.N)/el.Seconds(), "pairs/s")
	b.ReportMetric(float64(p(0.5).Microseconds())/1000, "p50_ms")
	b.ReportMetric(float64(p(0.99).Microseconds())/1000, "p99_ms")
	b.ReportMetric(float64(fail.Load()), "failures")
	b.ReportMetric(float64(refN)/refEl.Seconds(), "ref_me_req/s")
	b.ReportMetric(float64(refLats[int(float64(len(refLats)-1)*0.99)].Microseconds())/1000, "ref_me_p99_ms")
	if fail.Load() > 0 {
		b.Error(fmt.Sprintf("%d failed requests", fail.Load()))
	}
}
