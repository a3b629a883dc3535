package faulttest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const (
	people      = 50
	departments = 5
	adminEmail  = "admin@smoke.tack" // the smoke test's account: either may run first
	password    = "smoke-password-1"
)

// control runs deploy/local.sh with this set-up's port base.
func control(t *testing.T, args ...string) {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	cmd := exec.Command(filepath.Join(filepath.Dir(file), "..", "local.sh"), args...)
	cmd.Env = os.Environ()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("deploy/local.sh %v: %v\n%s", args, err, out)
	}
	t.Logf("deploy/local.sh %v: ok", args)
}

type person struct {
	*client
	id, space, root string
	dept            int
	group           string // the department's chat group
	events          *follower
	ops             atomic.Int64 // successful operations
	mu              sync.Mutex
	files           map[string]string // entry ID → SHA-256 of what was acknowledged
	requests        []string          // approval IDs acknowledged
	messages        []string          // chat message IDs acknowledged
	unsure          int               // operations whose outcome the client never learnt
}

func TestFaults(t *testing.T) {
	base := os.Getenv("TACK_DEPLOY_URL")
	if base == "" {
		t.Skip("TACK_DEPLOY_URL not set: run deploy/local.sh up and eval \"$(deploy/local.sh env)\" (make fault-test)")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ps, heads, supplies := company(t, ctx, base)
	t.Logf("%d people and %d heads signed in", len(ps), len(heads))

	// The workload: each person follows their events and in turn uploads
	// a file named by its SHA-256, asks for office supplies and writes in
	// the department's chat group; the heads approve whatever waits.
	work, stopWork := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for _, p := range ps {
		p.events = newFollower(p.client)
		go p.events.run(ctx)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; work.Err() == nil; n++ {
				switch n % 3 {
				case 0:
					p.upload(work)
				case 1:
					p.ask(work, supplies)
				default:
					p.say(work)
				}
			}
		}()
	}
	approved := &approvals{n: map[string]int{}}
	approveCtx, stopApprove := context.WithCancel(ctx)
	var awg sync.WaitGroup
	for _, h := range heads {
		awg.Add(1)
		go func() { defer awg.Done(); approveAll(approveCtx, h, approved) }()
	}
	for _, p := range ps {
		<-p.events.connect
	}
	progress := func(what string, more int64) {
		t.Helper()
		var start []int64
		for _, p := range ps {
			start = append(start, p.ops.Load())
		}
		deadline := time.Now().Add(120 * time.Second)
		for i, p := range ps {
			for p.ops.Load() < start[i]+more {
				if time.Now().After(deadline) {
					t.Fatalf("%s: person %d made %d operations in 120 s, want %d", what, i, p.ops.Load()-start[i], more)
				}
				time.Sleep(50 * time.Millisecond)
			}
		}
		t.Logf("%s: every person made %d more operations", what, more)
	}
	began := time.Now()
	progress("warm-up", 2)
	control(t, "kill", "2")
	progress("with replica 2 killed", 2)
	control(t, "start", "2")
	progress("replica 2 back", 2)
	control(t, "restart-s3")
	progress("after the S3 restart", 2)
	control(t, "kill", "3")
	control(t, "start", "3")
	progress("after replica 3 was killed and restarted", 2)
	stopWork()
	wg.Wait()
	t.Logf("workload ran %s", time.Since(began).Round(time.Second))

	// Every acknowledged request gets approved exactly once.
	deadline := time.Now().Add(120 * time.Second)
	total, unsure := 0, 0
	for _, p := range ps {
		total += len(p.requests)
		unsure += p.unsure
		for _, id := range p.requests {
			for {
				var d struct {
					Status   string
					Tasks    []struct{ Kind, Status string }
					Timeline []struct{ Action string }
				}
				must(t)(p.json(ctx, "GET", "/api/v1/approvals/"+id, nil, &d, true))
				if d.Status == "approved" {
					approvals := 0
					for _, e := range d.Timeline {
						if e.Action == "approved" {
							approvals++
						}
					}
					if approvals != 1 {
						t.Errorf("request %s: %d approvals in its timeline, want 1: %+v", id, approvals, d.Timeline)
					}
					break
				}
				if d.Status != "pending" || time.Now().After(deadline) {
					t.Fatalf("request %s: status %q", id, d.Status)
				}
				time.Sleep(100 * time.Millisecond)
			}
		}
	}
	stopApprove()
	awg.Wait()
	calls := 0
	for id, n := range approved.n {
		calls += n
		if n != 1 {
			t.Errorf("request %s: approve answered 200 %d times", id, n)
		}
	}
	t.Logf("%d requests acknowledged and approved once each (%d approve calls answered 200, one per request); %d operations had no answer", total, calls, unsure)

	// Every acknowledged file reads back with its hash; every file present
	// (acknowledged or not) holds the bytes its name says.
	files, present := 0, 0
	hexName := regexp.MustCompile(`^([0-9a-f]{64})\.bin$`)
	for _, p := range ps {
		for id, sum := range p.files {
			files++
			if got := p.sha(t, ctx, id); got != sum {
				t.Errorf("file %s reads back as %s, want %s", id, got, sum)
			}
		}
		var kids struct {
			Items []struct{ ID, Name, Kind string }
		}
		must(t)(p.json(ctx, "GET", "/api/v1/drive/entries/"+p.root+"/children?limit=1000", nil, &kids, true))
		for _, k := range kids.Items {
			if m := hexName.FindStringSubmatch(k.Name); m != nil {
				present++
				if got := p.sha(t, ctx, k.ID); got != m[1] {
					t.Errorf("file %s (%s) holds %s", k.ID, k.Name, got)
				}
			}
		}
	}
	t.Logf("%d acknowledged files read back; %d files present, each with the bytes its name says", files, present)

	// Every person's stream delivered the decision on each of their requests.
	deadline = time.Now().Add(60 * time.Second)
	breaks := 0
	for _, p := range ps {
		for _, id := range p.requests {
			for !p.events.has("approval.decided", id) {
				if time.Now().After(deadline) {
					t.Fatalf("person %s never received approval.decided for %s", p.id, id)
				}
				time.Sleep(50 * time.Millisecond)
			}
		}
		p.events.mu.Lock()
		breaks += p.events.breaks
		p.events.mu.Unlock()
	}
	t.Logf("every stream delivered every decision (%d stream reconnects in all)", breaks)

	// Every message is in its group exactly once, and reached every other
	// member's stream.
	sent := 0
	for _, p := range ps {
		sent += len(p.messages)
		for _, m := range p.messages {
			for _, q := range ps {
				if q.dept != p.dept || q == p {
					continue
				}
				for !q.events.has("chat.message", m) {
					if time.Now().After(deadline) {
						t.Fatalf("person %s never received chat message %s", q.id, m)
					}
					time.Sleep(50 * time.Millisecond)
				}
			}
		}
	}
	for d := range departments {
		var member *person
		want := map[string]bool{}
		for _, p := range ps {
			if p.dept == d {
				member = p
				for _, m := range p.messages {
					want[m] = true
				}
			}
		}
		count := map[string]int{}
		// Newest first page, then back (?before=) until no older remain.
		for before := ""; ; {
			var page struct {
				Items []struct {
					ID  string
					Seq int
				}
				More bool
			}
			must(t)(member.json(ctx, "GET", "/api/v1/chat/conversations/"+member.group+"/messages?limit=200"+before, nil, &page, true))
			for _, m := range page.Items {
				count[m.ID]++
			}
			if !page.More || len(page.Items) == 0 {
				break
			}
			before = fmt.Sprintf("&before=%d", page.Items[0].Seq)
		}
		for m := range want {
			if count[m] != 1 {
				t.Errorf("department %d: message %s is in its group %d times", d, m, count[m])
			}
		}
	}
	t.Logf("%d chat messages, each in its group once and on every other member's stream", sent)
	control(t, "verify")
}

// company signs in (or sets up) the admin at base and makes five
// departments, each with a head who approves and ten people, all signed
// in; it returns them and the office-supplies template's ID.
func company(t *testing.T, ctx context.Context, base string) (ps []*person, heads []*client, supplies string) {
	t.Helper()
	hc := &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 200}}
	admin := &client{base: base, hc: hc}
	var auth struct{ Token string }
	if _, err := admin.json(ctx, "POST", "/api/v1/setup", map[string]any{"company_name": "Fault Co", "admin": map[string]any{
		"name": "Admin", "email": adminEmail, "password": password, "phone": "13800000000", "title": "Admin"}}, &auth, false); err != nil {
		must(t)(admin.json(ctx, "POST", "/api/v1/auth/login", map[string]any{"email": adminEmail, "password": password}, &auth, true))
	}
	admin.token = auth.Token

	// Five departments, each with a head who approves, and ten people each.
	run := fmt.Sprintf("%d", time.Now().UnixNano()%1e8)
	newUser := func(name, dept string) (id string, c *client) {
		var u struct{ User struct{ ID string } }
		body := map[string]any{"email": name + "@fault.tack", "name": name, "title": "Staff", "phone": "139" + fmt.Sprintf("%08d", seq.Add(1)),
			"roles": []string{}, "password": password}
		if dept == "" {
			dept = rootDept(t, ctx, admin)
		}
		body["department_id"] = dept
		must(t)(admin.json(ctx, "POST", "/api/v1/users", body, &u, false))
		c = &client{base: base, hc: hc}
		var a struct{ Token string }
		must(t)(c.json(ctx, "POST", "/api/v1/auth/login", map[string]any{"email": name + "@fault.tack", "password": password}, &a, true))
		c.token = a.Token
		return u.User.ID, c
	}
	for d := range departments {
		headID, head := newUser(fmt.Sprintf("head%s-%d", run, d), "")
		var dep struct{ ID string }
		must(t)(admin.json(ctx, "POST", "/api/v1/departments", map[string]any{"name": fmt.Sprintf("部门%s-%d", run, d), "head_id": headID,
			"parent_id": rootDept(t, ctx, admin)}, &dep, false))
		heads = append(heads, head)
		for i := range people / departments {
			id, c := newUser(fmt.Sprintf("p%s-%d-%d", run, d, i), dep.ID)
			p := &person{client: c, id: id, dept: d, files: map[string]string{}}
			var convs struct{ Items []struct{ ID, Kind string } }
			must(t)(c.json(ctx, "GET", "/api/v1/chat/conversations", nil, &convs, true))
			for _, cv := range convs.Items {
				if cv.Kind == "department" {
					p.group = cv.ID
				}
			}
			if p.group == "" {
				t.Fatalf("person %s has no department chat group: %+v", id, convs.Items)
			}
			var spaces struct {
				Items []struct {
					ID, Kind string
					RootID   string `json:"root_id"`
				}
			}
			must(t)(c.json(ctx, "GET", "/api/v1/drive/spaces", nil, &spaces, true))
			for _, s := range spaces.Items {
				if s.Kind == "personal" {
					p.space, p.root = s.ID, s.RootID
				}
			}
			ps = append(ps, p)
		}
	}
	var tpls struct {
		Items []struct {
			ID         string
			BuiltinKey string `json:"builtin_key"`
		}
	}
	must(t)(ps[0].json(ctx, "GET", "/api/v1/approval/templates", nil, &tpls, true))
	for _, tp := range tpls.Items {
		if tp.BuiltinKey == "office_supplies" {
			supplies = tp.ID
		}
	}
	if supplies == "" {
		t.Fatal("no office_supplies template")
	}
	return ps, heads, supplies
}

var seq atomic.Int64

func init() { seq.Store(time.Now().UnixNano() % 1e7 * 10) }

func must(t *testing.T) func(int, error) {
	return func(_ int, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
}

func rootDept(t *testing.T, ctx context.Context, admin *client) string {
	var deps struct {
		Items []struct {
			ID       string
			ParentID *string `json:"parent_id"`
		}
	}
	must(t)(admin.json(ctx, "GET", "/api/v1/departments", nil, &deps, true))
	for _, d := range deps.Items {
		if d.ParentID == nil {
			return d.ID
		}
	}
	t.Fatal("no root department")
	return ""
}

// upload sends 16 KiB–1 MiB of random bytes as <sha256>.bin.
func (p *person) upload(ctx context.Context) {
	var n [2]byte
	_, _ = rand.Read(n[:])
	data := make([]byte, 16<<10+int(n[0])<<12)
	_, _ = rand.Read(data)
	sum := sha256.Sum256(data)
	name := hex.EncodeToString(sum[:])
	st, b, err := p.do(ctx, "POST", "/api/v1/drive/files?parent_id="+p.root+"&name="+url.QueryEscape(name+".bin"), data, "application/octet-stream", false)
	p.record(ctx, st, b, err, func(id string) { p.files[id] = name })
}

// say writes in the department's chat group. The client key makes a
// retry safe, so a message is retried until it is answered.
func (p *person) say(ctx context.Context) {
	var key [8]byte
	_, _ = rand.Read(key[:])
	k := hex.EncodeToString(key[:])
	body, _ := json.Marshal(map[string]any{"client_key": k, "body": "fault test " + k})
	st, b, err := p.do(ctx, "POST", "/api/v1/chat/conversations/"+p.group+"/messages", body, "application/json", true)
	p.record(ctx, st, b, err, func(id string) { p.messages = append(p.messages, id) })
}

// ask submits an office-supplies request.
func (p *person) ask(ctx context.Context, tpl string) {
	body := fmt.Sprintf(`{"template_id":%q,"form":{"items":[{"name":"笔","quantity":2}],"reason":"fault test"}}`, tpl)
	st, b, err := p.do(ctx, "POST", "/api/v1/approvals", []byte(body), "application/json", false)
	p.record(ctx, st, b, err, func(id string) { p.requests = append(p.requests, id) })
}

func (p *person) record(ctx context.Context, st int, b []byte, err error, keep func(id string)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case ctx.Err() != nil:
	case err != nil:
		p.unsure++ // it may have happened: checked by content, not counted
	case st/100 == 2:
		var e struct{ ID string }
		if jerr := json.Unmarshal(b, &e); jerr == nil && e.ID != "" {
			keep(e.ID)
			p.ops.Add(1)
		}
	case st >= 500:
		p.unsure++
	}
}

func (p *person) sha(t *testing.T, ctx context.Context, id string) string {
	t.Helper()
	st, b, err := p.do(ctx, "GET", "/api/v1/drive/files/"+id+"/content", nil, "", true)
	if err != nil || st != 200 {
		t.Fatalf("download %s: HTTP %d %v", id, st, err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// approvals counts the approve calls answered 200, per request.
type approvals struct {
	mu sync.Mutex
	n  map[string]int
}

// approveAll approves whatever waits in head's inbox until ctx ends.
func approveAll(ctx context.Context, head *client, approved *approvals) {
	for ctx.Err() == nil {
		var todo struct{ Items []struct{ ID string } }
		if _, err := head.json(ctx, "GET", "/api/v1/approvals?box=todo&limit=100", nil, &todo, true); err != nil {
			time.Sleep(200 * time.Millisecond)
			continue
		}
		for _, it := range todo.Items {
			// Not retried by do: an approve whose answer was lost shows
			// up again in the inbox (not approved) or not (approved).
			if st, _ := head.json(ctx, "POST", "/api/v1/approvals/"+it.ID+"/approve", map[string]any{}, nil, false); st == 200 {
				approved.mu.Lock()
				approved.n[it.ID]++
				approved.mu.Unlock()
			}
		}
		if len(todo.Items) == 0 {
			time.Sleep(100 * time.Millisecond)
		}
	}
}
