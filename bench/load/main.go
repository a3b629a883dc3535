// Command load drives a real `tack serve` process with many signed-in
// clients and reports per-endpoint latency, throughput, the server's CPU per
// request (from /proc/<pid>/stat) and how late live events reach their
// streams. It starts the server itself (a fresh SQLite data dir, or a fresh
// PostgreSQL database created next to -pg), seeds the org through the API and
// runs, in order:
//
//	healthz   closed loop: every client GETs /api/v1/healthz
//	me        closed loop: every client GETs /api/v1/me
//	pairs     closed loop: every client submits a one-day leave as its own
//	          employee, then its department head approves it
//	open      open loop: -rate pairs per second started on schedule, whatever
//	          the answers; latency counts from the scheduled start
//
// During pairs and open, every head holds GET /api/v1/events open and the
// time from a submit's answer to its approval.task_assigned on the head's
// stream is recorded.
//
//	CGO_ENABLED=0 go build -o /tmp/tack . && go run ./bench/load -bin /tmp/tack
//	go run ./bench/load -bin /tmp/tack -pg 'postgres://postgres@127.0.0.1:5432/test?sslmode=disable'
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
)

var (
	bin      = flag.String("bin", "", "the tack binary to run (CGO_ENABLED=0 go build -o /tmp/tack .)")
	pgDSN    = flag.String("pg", "", "PostgreSQL DSN of a server where a scratch database may be created; empty runs SQLite")
	clients  = flag.Int("clients", 200, "concurrent clients, each its own employee")
	depts    = flag.Int("depts", 20, "departments (each with its own head who approves)")
	duration = flag.Duration("duration", 8*time.Second, "length of each phase")
	rate     = flag.Float64("rate", 500, "pairs per second offered in the open-loop phase (0 skips it)")
	phases   = flag.String("phases", "healthz,me,inbox,pairs,open", "phases to run")
	keep     = flag.Bool("keep", false, "keep the data dir / database afterwards")
	busy     = flag.Int("busy-retries", 3, "times a request refused with 503 busy is sent again after a jittered share of Retry-After, as the web client does (0: never)")
)

func main() {
	flag.Parse()
	if *bin == "" {
		fail("need -bin")
	}
	if err := run(); err != nil {
		fail(err.Error())
	}
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, "load:", msg)
	os.Exit(1)
}

type env struct {
	base   string
	client *http.Client
	pid    int
}

func run() error {
	dir, err := os.MkdirTemp("", "tack-load-")
	if err != nil {
		return err
	}
	if !*keep {
		defer os.RemoveAll(dir)
	}
	args := []string{"serve", "--data-dir", dir}
	if *pgDSN != "" {
		dsn, drop, err := scratchDB(*pgDSN)
		if err != nil {
			return err
		}
		if !*keep {
			defer drop()
		}
		args = append(args, "--db", dsn)
	}
	port, err := freePort()
	if err != nil {
		return err
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	args = append(args, "--addr", addr, "--max-event-streams-per-user", "64")
	cmd := exec.Command(*bin, args...)
	logf, _ := os.Create(dir + "/server.log")
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
		}
	}()
	tr := &http.Transport{MaxIdleConns: 4 * *clients, MaxIdleConnsPerHost: 4 * *clients, IdleConnTimeout: time.Minute}
	e := &env{base: "http://" + addr, client: &http.Client{Transport: tr, Timeout: 60 * time.Second}, pid: cmd.Process.Pid}
	if err := e.waitUp(); err != nil {
		return err
	}
	db := "sqlite"
	if *pgDSN != "" {
		db = "postgres"
	}
	la, _ := os.ReadFile("/proc/loadavg")
	fmt.Printf("# %s, %d clients, %d departments, %s per phase, load average before: %s", db, *clients, *depts, *duration, la)
	t0 := time.Now()
	w, err := e.seed()
	if err != nil {
		return err
	}
	fmt.Printf("# seeded %d employees and %d heads in %s\n", len(w.emps), len(w.heads), time.Since(t0).Round(time.Millisecond))
	fmt.Printf("%-8s %-28s %8s %9s %9s %9s %10s %7s\n", "phase", "endpoint", "n", "req/s", "p50_ms", "p99_ms", "cpu_ms/req", "errors")
	for _, ph := range strings.Split(*phases, ",") {
		switch ph {
		case "healthz":
			e.closedLoop(ph, func(c int, r *rec) { r.do(e, "healthz", "GET", "/api/v1/healthz", "", nil, 200) })
		case "me":
			e.closedLoop(ph, func(c int, r *rec) { r.do(e, "me", "GET", "/api/v1/me", w.emps[c%len(w.emps)].token, nil, 200) })
		case "pairs":
			e.withEvents(ph, w, func(lat *eventLat) {
				e.closedLoop(ph, func(c int, r *rec) { w.pair(e, r, lat, c, time.Time{}) })
			})
		case "inbox":
			// Head 0 gets 200 pending requests (not approved), then every
			// client reads that head's inbox, 200 rows a page.
			if err := w.pending(e, 200); err != nil {
				return err
			}
			e.closedLoop(ph, func(c int, r *rec) {
				r.do(e, "GET /approvals?box=todo", "GET", "/api/v1/approvals?box=todo&limit=200", w.heads[0].token, nil, 200)
			})
		case "open":
			if *rate > 0 {
				e.withEvents(ph, w, func(lat *eventLat) { e.openLoop(ph, w, lat) })
			}
		default:
			return fmt.Errorf("unknown phase %q", ph)
		}
	}
	la, _ = os.ReadFile("/proc/loadavg")
	fmt.Printf("# load average after: %s", la)
	return nil
}

// --- recording

type rec struct {
	mu   sync.Mutex
	lats map[string][]time.Duration
	errs map[string]int
	shed map[string]int // 503 busy answers that were sent again (-busy-retries)
	pair []time.Duration
}

func newRec() *rec {
	return &rec{lats: map[string][]time.Duration{}, errs: map[string]int{}, shed: map[string]int{}}
}

var errShown atomic.Int64

// do sends one request; from (zero: now) is when it was due, so open-loop
// latency includes time spent waiting to be sent.
func (r *rec) do(e *env, name, method, path, token string, body any, want int) ([]byte, bool) {
	return r.doFrom(e, time.Time{}, name, method, path, token, body, want)
}

func (r *rec) doFrom(e *env, from time.Time, name, method, path, token string, body any, want int) ([]byte, bool) {
	if from.IsZero() {
		from = time.Now()
	}
	status, b, err := e.send(method, path, token, body)
	// 503 busy: the server's write queue was full and nothing ran. Wait as
	// the web client does (api/client.ts) and send again; the latency
	// counts the waits.
	for try := 0; err == nil && status == http.StatusServiceUnavailable && try < *busy; try++ {
		r.mu.Lock()
		r.shed[name]++
		r.mu.Unlock()
		time.Sleep(time.Duration((0.25 + 0.75*rand.Float64()) * float64(time.Second)))
		status, b, err = e.send(method, path, token, body)
	}
	d := time.Since(from)
	ok := err == nil && status == want
	r.mu.Lock()
	r.lats[name] = append(r.lats[name], d)
	if !ok {
		r.errs[name]++
	}
	r.mu.Unlock()
	if !ok && errShown.Add(1) <= 5 {
		fmt.Fprintf(os.Stderr, "load: %s %s: %d %v %.200s\n", method, path, status, err, b)
	}
	return b, ok
}

func (e *env) send(method, path, token string, body any) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, e.base+path, rd)
	if err != nil {
		return 0, nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("X-Tack-Request", "1")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := e.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// cpuTicks is the server's user+system CPU in clock ticks (USER_HZ, 100 on Linux).
func (e *env) cpuTicks() int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", e.pid))
	if err != nil {
		return 0
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:]) // fields from 3 (state) on
	ut, _ := strconv.ParseInt(f[11], 10, 64)                 // field 14
	st, _ := strconv.ParseInt(f[12], 10, 64)                 // field 15
	return ut + st
}

func (e *env) closedLoop(phase string, fn func(c int, r *rec)) {
	r := newRec()
	cpu0, start := e.cpuTicks(), time.Now()
	end := start.Add(*duration)
	var wg sync.WaitGroup
	for c := 0; c < *clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(end) {
				fn(c, r)
			}
		}()
	}
	wg.Wait()
	e.report(phase, r, time.Since(start), e.cpuTicks()-cpu0)
}

func (e *env) report(phase string, r *rec, el time.Duration, ticks int64) {
	total := 0
	for _, l := range r.lats {
		total += len(l)
	}
	cpuPer := float64(ticks) * 10 / float64(max(total, 1)) // ms per request, all endpoints
	names := make([]string, 0, len(r.lats))
	for n := range r.lats {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		l := r.lats[n]
		slices.Sort(l)
		shed := ""
		if r.shed[n] > 0 {
			shed = fmt.Sprintf("  (503 busy, sent again: %d)", r.shed[n])
		}
		fmt.Printf("%-8s %-28s %8d %9.1f %9.1f %9.1f %10.2f %7d%s\n", phase, n, len(l), float64(len(l))/el.Seconds(),
			ms(pct(l, 0.5)), ms(pct(l, 0.99)), cpuPer, r.errs[n], shed)
	}
	if len(r.pair) > 0 {
		slices.Sort(r.pair)
		fmt.Printf("%-8s %-28s %8d %9.1f %9.1f %9.1f %10.2f %7s\n", phase, "pair (submit+approve)", len(r.pair),
			float64(len(r.pair))/el.Seconds(), ms(pct(r.pair, 0.5)), ms(pct(r.pair, 0.99)), cpuPer*2, "-")
	}
}

func pct(l []time.Duration, q float64) time.Duration {
	if len(l) == 0 {
		return 0
	}
	return l[int(float64(len(l)-1)*q)]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// --- the org

type person struct{ id, token string }

type world struct {
	admin string
	tpl   string
	emps  []person
	heads []person // heads[i] heads the department of emps[j] when j%len(heads) == i
}

func (e *env) waitUp() error {
	for i := 0; i < 300; i++ {
		if st, _, err := e.send("GET", "/api/v1/healthz", "", nil); err == nil && st == 200 {
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("server did not come up")
}

func (e *env) must(want int, method, path, token string, body, out any) error {
	st, b, err := e.send(method, path, token, body)
	if err != nil {
		return err
	}
	if st != want {
		return fmt.Errorf("%s %s: %d %s", method, path, st, b)
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

const password = "load-password-123"

func (e *env) seed() (*world, error) {
	w := &world{}
	var setup struct {
		Token string
		User  struct{ ID string }
	}
	if err := e.must(201, "POST", "/api/v1/setup", "", map[string]any{"company_name": "Load Co",
		"admin": map[string]any{"name": "Admin", "email": "admin@load.tack", "password": password, "phone": "13800000000", "title": "Admin"}}, &setup); err != nil {
		return nil, err
	}
	w.admin = setup.Token
	var deps struct {
		Items []struct {
			ID       string
			ParentID *string `json:"parent_id"`
		}
	}
	if err := e.must(200, "GET", "/api/v1/departments", w.admin, nil, &deps); err != nil {
		return nil, err
	}
	root := ""
	for _, d := range deps.Items {
		if d.ParentID == nil {
			root = d.ID
		}
	}
	var tpls struct {
		Items []struct {
			ID         string
			BuiltinKey string `json:"builtin_key"`
		}
	}
	if err := e.must(200, "GET", "/api/v1/approval/templates", w.admin, nil, &tpls); err != nil {
		return nil, err
	}
	for _, t := range tpls.Items {
		if t.BuiltinKey == "leave" {
			w.tpl = t.ID
		}
	}
	if w.tpl == "" {
		return nil, fmt.Errorf("no built-in leave template")
	}
	var seq atomic.Int64
	newUser := func(dept string) (person, error) {
		n := seq.Add(1)
		email := fmt.Sprintf("u%d@load.tack", n)
		var u struct{ User struct{ ID string } }
		if err := e.must(201, "POST", "/api/v1/users", w.admin, map[string]any{"email": email, "name": fmt.Sprintf("User %d", n),
			"department_id": dept, "title": "Staff", "phone": fmt.Sprintf("139%08d", n), "roles": []string{}, "password": password}, &u); err != nil {
			return person{}, err
		}
		var l struct{ Token string }
		if err := e.must(200, "POST", "/api/v1/auth/login", "", map[string]any{"email": email, "password": password}, &l); err != nil {
			return person{}, err
		}
		return person{id: u.User.ID, token: l.Token}, nil
	}
	w.heads = make([]person, *depts)
	deptIDs := make([]string, *depts)
	w.emps = make([]person, *clients)
	var firstErr error
	var mu sync.Mutex
	parallel := func(n int, fn func(i int) error) {
		var wg sync.WaitGroup
		sem := make(chan struct{}, 4)
		for i := 0; i < n; i++ {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer func() { <-sem; wg.Done() }()
				if err := fn(i); err != nil {
					mu.Lock()
					firstErr = err
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
	}
	parallel(*depts, func(i int) error {
		h, err := newUser(root)
		if err != nil {
			return err
		}
		w.heads[i] = h
		var d struct{ ID string }
		if err := e.must(201, "POST", "/api/v1/departments", w.admin, map[string]any{"name": fmt.Sprintf("Dept %d", i), "parent_id": root, "head_id": h.id}, &d); err != nil {
			return err
		}
		deptIDs[i] = d.ID
		return nil
	})
	if firstErr != nil {
		return nil, firstErr
	}
	parallel(*clients, func(j int) error {
		p, err := newUser(deptIDs[j%*depts])
		w.emps[j] = p
		return err
	})
	return w, firstErr
}

// leaveDay is a working Monday–Friday date for submit n, so the form is valid
// (leave counts working days) and the days differ.
func leaveDay(n int64) string {
	d := time.Date(2027, 1, 4, 0, 0, 0, 0, time.UTC).AddDate(0, 0, 7*int(n%400)+int(n/400)%5)
	return d.Format("2006-01-02")
}

var submits atomic.Int64

// pair submits a leave as employee c and approves it as their head. from is
// when the pair was due (open loop) or zero.
func (w *world) pair(e *env, r *rec, lat *eventLat, c int, from time.Time) {
	if from.IsZero() {
		from = time.Now()
	}
	emp, head := w.emps[c%len(w.emps)], w.heads[c%len(w.emps)%len(w.heads)]
	day := leaveDay(submits.Add(1))
	b, ok := r.doFrom(e, from, "POST /approvals (submit)", "POST", "/api/v1/approvals", emp.token, map[string]any{"template_id": w.tpl,
		"form": map[string]any{"leave_type": "annual", "period": map[string]any{"start": day, "end": day}, "reason": "load"}}, 201)
	if !ok {
		return
	}
	var inst struct{ ID string }
	_ = json.Unmarshal(b, &inst)
	lat.submitted(inst.ID, time.Now())
	if _, ok := r.do(e, "POST /approvals/{id}/approve", "POST", "/api/v1/approvals/"+inst.ID+"/approve", head.token, map[string]any{}, 200); ok {
		d := time.Since(from)
		r.mu.Lock()
		r.pair = append(r.pair, d)
		r.mu.Unlock()
	}
}

// pending submits n leaves to head 0 from the employees of their
// department, left pending (the inbox phase reads them).
func (w *world) pending(e *env, n int) error {
	var mine []person
	for j, p := range w.emps {
		if j%len(w.heads) == 0 {
			mine = append(mine, p)
		}
	}
	if len(mine) == 0 {
		return fmt.Errorf("no employee under head 0")
	}
	for i := 0; i < n; i++ {
		day := leaveDay(submits.Add(1))
		if err := e.must(201, "POST", "/api/v1/approvals", mine[i%len(mine)].token, map[string]any{"template_id": w.tpl,
			"form": map[string]any{"leave_type": "annual", "period": map[string]any{"start": day, "end": day}, "reason": "inbox"}}, nil); err != nil {
			return err
		}
	}
	return nil
}

// openLoop starts -rate pairs per second on a fixed schedule for -duration,
// whether or not earlier pairs have finished (no coordinated omission: a
// request's latency counts from when it was due).
func (e *env) openLoop(phase string, w *world, lat *eventLat) {
	r := newRec()
	n := int(*rate * duration.Seconds())
	cpu0, start := e.cpuTicks(), time.Now()
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		due := start.Add(time.Duration(float64(i) / *rate * float64(time.Second)))
		time.Sleep(time.Until(due))
		wg.Add(1)
		go func() {
			defer wg.Done()
			w.pair(e, r, lat, i, due)
		}()
	}
	wg.Wait()
	e.report(phase, r, time.Since(start), e.cpuTicks()-cpu0)
}

// --- event latency

type eventLat struct {
	mu     sync.Mutex
	sent   map[string]time.Time // instance → submit answered
	got    map[string]time.Time // instance → task_assigned seen (may come first)
	lats   []time.Duration
	expect int
}

func (l *eventLat) submitted(id string, at time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.expect++
	if g, ok := l.got[id]; ok {
		l.lats = append(l.lats, max(g.Sub(at), 0))
		delete(l.got, id)
		return
	}
	l.sent[id] = at
}

func (l *eventLat) received(id string, at time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if s, ok := l.sent[id]; ok {
		l.lats = append(l.lats, at.Sub(s))
		delete(l.sent, id)
		return
	}
	l.got[id] = at
}

// withEvents opens every head's event stream, runs fn, then waits up to 60 s
// for the events still due and reports their latency.
func (e *env) withEvents(phase string, w *world, fn func(*eventLat)) {
	lat := &eventLat{sent: map[string]time.Time{}, got: map[string]time.Time{}}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var ready sync.WaitGroup
	for _, h := range w.heads {
		ready.Add(1)
		go e.stream(ctx, h, lat, &ready)
	}
	ready.Wait()
	fn(lat)
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		lat.mu.Lock()
		left := len(lat.sent)
		lat.mu.Unlock()
		if left == 0 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	lat.mu.Lock()
	defer lat.mu.Unlock()
	slices.Sort(lat.lats)
	fmt.Printf("%-8s %-28s %8d %9s %9.1f %9.1f %10s %7d\n", phase, "event task_assigned", len(lat.lats), "-",
		ms(pct(lat.lats, 0.5)), ms(pct(lat.lats, 0.99)), "-", len(lat.sent))
}

func (e *env) stream(ctx context.Context, h person, lat *eventLat, ready *sync.WaitGroup) {
	once := sync.OnceFunc(ready.Done)
	defer once()
	req, _ := http.NewRequestWithContext(ctx, "GET", e.base+"/api/v1/events", nil)
	req.Header.Set("Authorization", "Bearer "+h.token)
	req.Header.Set("Accept", "text/event-stream")
	resp, err := (&http.Client{}).Do(req)
	if err != nil {
		fmt.Fprintln(os.Stderr, "load: events:", err)
		return
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		fmt.Fprintln(os.Stderr, "load: events:", resp.Status)
		return
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	var typ string
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, ": connected"):
			once()
		case strings.HasPrefix(line, "event: "):
			typ = line[7:]
		case strings.HasPrefix(line, "data: ") && typ == "approval.task_assigned":
			var ev struct {
				SubjectID string `json:"subject_id"`
			}
			if json.Unmarshal([]byte(line[6:]), &ev) == nil {
				lat.received(ev.SubjectID, time.Now())
			}
		case line == "":
			typ = ""
		}
	}
}

// --- setup helpers

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// scratchDB creates a fresh database on the server of dsn and returns its DSN
// and a function that drops it.
func scratchDB(dsn string) (string, func(), error) {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return "", nil, err
	}
	name := fmt.Sprintf("tack_load_%d", os.Getpid())
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		conn.Close(ctx)
		return "", nil, err
	}
	conn.Close(ctx)
	u, err := url.Parse(dsn)
	if err != nil {
		return "", nil, err
	}
	u.Path = "/" + name
	drop := func() {
		c, err := pgx.Connect(ctx, dsn)
		if err == nil {
			_, _ = c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			c.Close(ctx)
		}
	}
	return u.String(), drop, nil
}
