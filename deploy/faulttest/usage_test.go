package faulttest

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// usage says where the CPU went during one row of TestApprovalRate: in
// each replica and HAProxy (their pid files under TACK_DEPLOY_STATE) and in
// the PostgreSQL backends of the deployment's database (sampled every
// 200 ms from pg_stat_activity, their CPU read from /proc: the server runs
// on this machine). It also counts the database's new sessions and
// commits, and what its backends were waiting for. A backend that starts
// and ends between two samples is missed, so the PostgreSQL figure is a
// floor.
type usage struct {
	conn    *pgx.Conn
	state   string
	stop    chan struct{}
	done    chan struct{}
	began   time.Time
	procs0  map[string]int64 // r1..r4, haproxy: CPU ticks at the start
	pg0     map[int]int64    // backend pid → ticks when first seen (0 when born during the row)
	pgLast  map[int]int64
	stats0  [2]int64 // sessions, xact_commit
	samples int
	sum     struct{ backends, active, lock int }
	maxBE   int
	waits   map[string]int
	mu      sync.Mutex
}

// startUsage begins sampling; nil (and no error) without TACK_DEPLOY_STATE.
func startUsage(ctx context.Context) (*usage, error) {
	state := os.Getenv("TACK_DEPLOY_STATE")
	if state == "" || os.Getenv("TACK_DEPLOY_DSN") == "" {
		return nil, nil
	}
	conn, err := pgx.Connect(ctx, os.Getenv("TACK_DEPLOY_DSN"))
	if err != nil {
		return nil, err
	}
	u := &usage{conn: conn, state: state, stop: make(chan struct{}), done: make(chan struct{}), began: time.Now(),
		procs0: map[string]int64{}, pg0: map[int]int64{}, pgLast: map[int]int64{}, waits: map[string]int{}}
	for name, pid := range u.pids() {
		u.procs0[name] = ticks(pid)
	}
	if u.stats0, err = u.dbStats(ctx); err != nil {
		return nil, err
	}
	if err := u.sample(ctx, true); err != nil {
		return nil, err
	}
	go func() {
		defer close(u.done)
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-u.stop:
				return
			case <-t.C:
				_ = u.sample(ctx, false)
			}
		}
	}()
	return u, nil
}

func (u *usage) pids() map[string]int {
	out := map[string]int{}
	for _, name := range []string{"r1", "r2", "r3", "r4", "haproxy"} {
		b, err := os.ReadFile(filepath.Join(u.state, name+".pid"))
		if pid, perr := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && perr == nil {
			out[name] = pid
		}
	}
	return out
}

func (u *usage) dbStats(ctx context.Context) (s [2]int64, err error) {
	err = u.conn.QueryRow(ctx, "SELECT sessions, xact_commit FROM pg_stat_database WHERE datname = current_database()").Scan(&s[0], &s[1])
	return s, err
}

// sample reads the database's backends once; first marks the row's start.
func (u *usage) sample(ctx context.Context, first bool) error {
	rows, err := u.conn.Query(ctx, `SELECT pid, state, COALESCE(wait_event_type || ':' || wait_event, '')
		FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`)
	if err != nil {
		return err
	}
	type be struct {
		pid         int
		state, wait string
	}
	var bes []be
	for rows.Next() {
		var b be
		var st *string
		if err := rows.Scan(&b.pid, &st, &b.wait); err != nil {
			return err
		}
		if st != nil {
			b.state = *st
		}
		bes = append(bes, b)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	u.samples++
	u.sum.backends += len(bes)
	u.maxBE = max(u.maxBE, len(bes))
	for _, b := range bes {
		t := ticks(b.pid)
		if _, seen := u.pg0[b.pid]; !seen {
			u.pg0[b.pid] = 0 // born during the row: all its CPU is the row's
			if first {
				u.pg0[b.pid] = t
			}
		}
		u.pgLast[b.pid] = max(u.pgLast[b.pid], t)
		if b.state == "active" {
			u.sum.active++
			if strings.HasPrefix(b.wait, "Lock:") {
				u.sum.lock++
			}
			if b.wait != "" {
				u.waits[b.wait]++
			}
		}
	}
	return nil
}

// end stops sampling and describes the row, per approval where it can.
func (u *usage) end(ctx context.Context, approvals int64) string {
	close(u.stop)
	<-u.done
	defer u.conn.Close(ctx)
	secs := time.Since(u.began).Seconds()
	perApproval := func(t int64) string { // ticks are 10 ms (USER_HZ 100)
		if approvals == 0 {
			return "–"
		}
		return fmt.Sprintf("%.1f", float64(t)*10/float64(approvals))
	}
	var parts []string
	var tackTotal int64
	for _, name := range []string{"r1", "r2", "r3", "r4", "haproxy"} {
		pid, ok := u.pids()[name]
		if !ok {
			continue
		}
		d := ticks(pid) - u.procs0[name]
		if name != "haproxy" {
			tackTotal += d
		}
		parts = append(parts, fmt.Sprintf("%s %s", name, perApproval(d)))
	}
	var pg int64
	for pid, last := range u.pgLast {
		pg += last - u.pg0[pid]
	}
	stats, _ := u.dbStats(ctx)
	u.mu.Lock()
	defer u.mu.Unlock()
	n := float64(max(u.samples, 1))
	waits := slices.SortedFunc(maps.Keys(u.waits), func(a, b string) int { return u.waits[b] - u.waits[a] })
	var top []string
	for _, w := range waits[:min(4, len(waits))] {
		top = append(top, fmt.Sprintf("%s %.1f", w, float64(u.waits[w])/n))
	}
	return fmt.Sprintf("CPU ms per approval: tack %s (%s), PostgreSQL ≥ %s; PostgreSQL sessions opened %d (%.1f/s), commits %.0f/s; "+
		"backends avg %.1f (max %d), active %.1f, waiting on a lock %.2f; top waits of active backends: %s",
		perApproval(tackTotal), strings.Join(parts, ", "), perApproval(pg), stats[0]-u.stats0[0], float64(stats[0]-u.stats0[0])/secs,
		float64(stats[1]-u.stats0[1])/secs, float64(u.sum.backends)/n, u.maxBE, float64(u.sum.active)/n, float64(u.sum.lock)/n,
		strings.Join(top, ", "))
}

// ticks is the CPU time (user + system, in clock ticks) of pid so far, 0
// when it is gone.
func ticks(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return ut + st
}
