package faulttest

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestApprovalRate measures approvals per second (a person submits, the
// department head approves) on one replica and through the balancer to
// three, in the same run. A benchmark, not a check: it runs only with
// TACK_DEPLOY_BENCH=1 and reports numbers for bench/RESULTS.md.
//
//	deploy/local.sh up && eval "$(deploy/local.sh env)" && TACK_DEPLOY_BENCH=1 go test -v -run TestApprovalRate ./deploy/faulttest/
func TestApprovalRate(t *testing.T) {
	if os.Getenv("TACK_DEPLOY_URL") == "" || os.Getenv("TACK_DEPLOY_BENCH") != "1" {
		t.Skip("a benchmark: TACK_DEPLOY_BENCH=1 with TACK_DEPLOY_URL (deploy/local.sh env)")
	}
	window := 30 * time.Second
	if d, err := time.ParseDuration(os.Getenv("TACK_DEPLOY_BENCH_WINDOW")); err == nil {
		window = d
	}
	ctx := context.Background()
	ps, heads, supplies := company(t, ctx, os.Getenv("TACK_DEPLOY_URL"))
	load := func() string {
		b, _ := os.ReadFile("/proc/loadavg")
		return strings.Join(strings.Fields(string(b))[:3], " ")
	}
	var rows, usages []string
	for i, target := range []struct{ name, base string }{
		{"1 replica (r1 directly)", os.Getenv("TACK_DEPLOY_R1")},
		{"3 replicas behind HAProxy", os.Getenv("TACK_DEPLOY_URL")},
		{"1 replica again (r1 directly)", os.Getenv("TACK_DEPLOY_R1")},
	} {
		for _, p := range ps {
			p.base = target.base
		}
		for _, h := range heads {
			h.base = target.base
		}
		before := load()
		use, err := startUsage(ctx)
		if err != nil {
			t.Fatalf("usage: %v", err)
		}
		run, stop := context.WithTimeout(ctx, window)
		profiled := profileReplicas(t, i, window)
		var submitted, approvedN atomic.Int64
		var wg sync.WaitGroup
		for _, p := range ps {
			wg.Add(1)
			go func() {
				defer wg.Done()
				body := fmt.Sprintf(`{"template_id":%q,"form":{"items":[{"name":"笔","quantity":1}],"reason":"rate"}}`, supplies)
				for run.Err() == nil {
					if st, _, err := p.do(run, "POST", "/api/v1/approvals", []byte(body), "application/json", false); err == nil && st == 201 {
						submitted.Add(1)
					}
				}
			}()
		}
		counts := &approvals{n: map[string]int{}}
		// Four approvers per head (one head alone would be the bottleneck),
		// each taking every fourth request of the inbox.
		for _, h := range heads {
			for w := range 4 {
				wg.Add(1)
				go func() { defer wg.Done(); approveShare(run, h, w, 4, counts) }()
			}
		}
		wg.Wait()
		stop()
		profiled.Wait()
		for _, n := range counts.n {
			approvedN.Add(int64(n))
		}
		secs := window.Seconds()
		rows = append(rows, fmt.Sprintf("| %s | %.1f | %.1f | %s → %s |", target.name,
			float64(submitted.Load())/secs, float64(approvedN.Load())/secs, before, load()))
		if use != nil {
			usages = append(usages, target.name+": "+use.end(ctx, approvedN.Load()))
		}
		// Drain what is left so the next target starts from empty inboxes.
		drain, cancel := context.WithTimeout(ctx, 2*time.Minute)
		var dwg sync.WaitGroup
		for _, h := range heads {
			dwg.Add(1)
			go func() { defer dwg.Done(); drainInbox(drain, h) }()
		}
		dwg.Wait()
		cancel()
	}
	t.Logf("approvals, %d people and %d heads, %s per target:\n| target | submits/s | approvals/s | load average before → after |\n| --- | --- | --- | --- |\n%s\n\n%s",
		len(ps), len(heads), window, strings.Join(rows, "\n"), strings.Join(usages, "\n"))
}

// profileReplicas saves a CPU profile of each replica for most of the
// row's window into TACK_DEPLOY_BENCH_PROFILE (a directory) as
// row<i>-r<n>.pprof, when the replicas were built with TACK_PPROF=1
// (deploy/local.sh: replica n serves pprof on port base+10+n).
func profileReplicas(t *testing.T, row int, window time.Duration) *sync.WaitGroup {
	var wg sync.WaitGroup
	dir := os.Getenv("TACK_DEPLOY_BENCH_PROFILE")
	u, err := url.Parse(os.Getenv("TACK_DEPLOY_R1"))
	if dir == "" || err != nil {
		return &wg
	}
	base, _ := strconv.Atoi(u.Port())
	base-- // r1 is base+1
	secs := max(int((window - 3*time.Second).Seconds()), 1)
	for n := 1; n <= 4; n++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/debug/pprof/profile?seconds=%d", base+10+n, secs))
			if err != nil {
				t.Logf("profile of r%d: %v", n, err)
				return
			}
			defer resp.Body.Close()
			b, err := io.ReadAll(resp.Body)
			if err == nil && resp.StatusCode == 200 {
				err = os.WriteFile(filepath.Join(dir, fmt.Sprintf("row%d-r%d.pprof", row+1, n)), b, 0o644)
			}
			if err != nil || resp.StatusCode != 200 {
				t.Logf("profile of r%d: HTTP %d %v", n, resp.StatusCode, err)
			}
		}()
	}
	return &wg
}

// drainInbox approves until head's inbox is empty.
func drainInbox(ctx context.Context, head *client) {
	for ctx.Err() == nil {
		var todo struct{ Items []struct{ ID string } }
		if _, err := head.json(ctx, "GET", "/api/v1/approvals?box=todo&limit=100", nil, &todo, true); err != nil {
			continue
		}
		if len(todo.Items) == 0 {
			return
		}
		for _, it := range todo.Items {
			_, _ = head.json(ctx, "POST", "/api/v1/approvals/"+it.ID+"/approve", map[string]any{}, nil, false)
		}
	}
}

// approveShare approves the requests of head's inbox whose position is
// w modulo of, until ctx ends.
func approveShare(ctx context.Context, head *client, w, of int, counts *approvals) {
	for ctx.Err() == nil {
		var todo struct{ Items []struct{ ID string } }
		if _, err := head.json(ctx, "GET", "/api/v1/approvals?box=todo&limit=100", nil, &todo, true); err != nil {
			continue
		}
		for i, it := range todo.Items {
			if i%of != w {
				continue
			}
			if st, _ := head.json(ctx, "POST", "/api/v1/approvals/"+it.ID+"/approve", map[string]any{}, nil, false); st == 200 {
				counts.mu.Lock()
				counts.n[it.ID]++
				counts.mu.Unlock()
			}
		}
		if len(todo.Items) == 0 {
			time.Sleep(50 * time.Millisecond)
		}
	}
}
