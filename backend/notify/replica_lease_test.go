package notify_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"gorm.io/gorm"

	"tack/backend/notify"
	"tack/backend/server/servertest"
)

// Three replicas share one PostgreSQL database, each with its own pool,
// HTTP server, dispatcher and a live stream of one user. A burst of events
// reaches all three streams, but only one replica writes the notifications
// (the others' write counters do not move); when that replica stops, one of
// the other two takes over and a second burst, emitted while the writer is
// gone, is written once and reaches both remaining streams.
func TestOneReplicaWritesNotificationsPostgres(t *testing.T) {
	t.Parallel()
	e := servertest.NewPostgres(t)
	adminTok, admin := e.Setup()
	u, uTok := e.NewUser(adminTok, "")

	type replica struct {
		name   string
		notify *notify.Service
		url    string
		stop   func()
	}
	b, hb, _ := e.Replica(t, "tack-lease-b")
	c, hc, _ := e.Replica(t, "tack-lease-c")
	rs := []*replica{
		{name: "A", notify: e.Server.Notify, url: e.HTTP.URL},
		{name: "B", notify: b.Notify, url: hb.URL},
		{name: "C", notify: c.Notify, url: hc.URL},
	}
	for _, r := range rs {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { _ = r.notify.NewDispatcher().Serve(ctx); close(done) }()
		var once sync.Once
		r.stop = func() { once.Do(func() { cancel(); <-done }) }
		t.Cleanup(r.stop)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	streams := make([]<-chan sseEvent, len(rs))
	for i, r := range rs {
		streams[i], _ = openStream(t, ctx, r.url, uTok, "")
	}
	// The setup's events are written before the counters are read.
	waitFor(t, "the setup's events", func() bool {
		var behind int64
		if err := e.Server.DB.Raw(`SELECT COUNT(*) FROM events WHERE NOT dispatched AND id > (SELECT COALESCE(MAX(last_id), 0) FROM notify_state WHERE name = 'dispatched')`).Scan(&behind).Error; err != nil {
			t.Fatal(err)
		}
		return behind == 0
	})
	written := func() []int64 {
		out := make([]int64, len(rs))
		for i, r := range rs {
			out[i] = r.notify.EventsWritten()
		}
		return out
	}
	burst := func(tag string, n int) {
		t.Helper()
		var wg sync.WaitGroup
		for w := range 10 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for k := w; k < n; k += 10 {
					err := e.Server.DB.Transaction(func(tx *gorm.DB) error {
						return notify.Emit(tx, &notify.Event{Type: "task.assigned", SubjectType: "task",
							SubjectID: fmt.Sprintf("%s-%03d", tag, k), ActorID: admin.ID, Recipients: []string{u.ID},
							Data: map[string]any{"title": tag}})
					})
					if err != nil {
						t.Error(err)
					}
				}
			}()
		}
		wg.Wait()
	}
	// receive waits until every listed stream has had each of the burst's
	// n events exactly once.
	receive := func(tag string, n int, which ...int) {
		t.Helper()
		for _, i := range which {
			seen := map[string]bool{}
			for len(seen) < n {
				ev := next(t, streams[i])
				if ev.Data.Data["title"] != tag {
					continue
				}
				if seen[ev.Data.SubjectID] {
					t.Fatalf("replica %s: %s delivered twice", rs[i].name, ev.Data.SubjectID)
				}
				seen[ev.Data.SubjectID] = true
			}
		}
	}
	notifications := func(tag string) int64 {
		var n int64
		if err := e.Server.DB.Model(&notify.Notification{}).Where("user_id = ? AND title = ?", u.ID, tag).Count(&n).Error; err != nil {
			t.Fatal(err)
		}
		return n
	}

	const n1, n2 = 300, 200
	before := written()
	burst("first", n1)
	receive("first", n1, 0, 1, 2)
	if got := notifications("first"); got != n1 {
		t.Fatalf("%d notifications of the first burst, want %d", got, n1)
	}
	after := written()
	writer := -1
	for i := range rs {
		switch d := after[i] - before[i]; d {
		case 0:
		case n1:
			if writer >= 0 {
				t.Fatalf("replicas %s and %s both wrote the burst (%v → %v)", rs[writer].name, rs[i].name, before, after)
			}
			writer = i
		default:
			t.Fatalf("replica %s wrote %d of the burst's %d events (%v → %v): the work was shared", rs[i].name, d, n1, before, after)
		}
	}
	if writer < 0 {
		t.Fatalf("no replica wrote the burst (%v → %v)", before, after)
	}
	t.Logf("replica %s wrote all %d events; written counters %v → %v", rs[writer].name, n1, before, after)

	// The writer stops (as a replica shut down or restarted); the second
	// burst starts at once, before anyone holds the lease.
	rs[writer].stop()
	rest := []int{}
	for i := range rs {
		if i != writer {
			rest = append(rest, i)
		}
	}
	before = written()
	burst("second", n2)
	receive("second", n2, rest...)
	if got := notifications("second"); got != n2 {
		t.Fatalf("%d notifications of the second burst, want %d", got, n2)
	}
	after = written()
	var took []string
	for _, i := range rest {
		if d := after[i] - before[i]; d > 0 {
			took = append(took, fmt.Sprintf("%s:%d", rs[i].name, d))
		}
	}
	if len(took) != 1 || after[writer] != before[writer] {
		t.Fatalf("after the writer stopped, written by %v (counters %v → %v), want exactly one of the others", took, before, after)
	}
	t.Logf("after %s stopped, %v took over", rs[writer].name, took)
}
