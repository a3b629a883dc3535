package notify_test

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"tack/backend/notify"
	"tack/backend/server/servertest"
)

// A client connected to replica B receives an event emitted through replica
// A: B's dispatcher polls only once an hour, so only LISTEN/NOTIFY can wake it.
func TestCrossReplicaDeliveryPostgres(t *testing.T) {
	t.Parallel()
	e := servertest.NewPostgres(t)
	adminTok, _ := e.Setup()
	u, uTok := e.NewUser(adminTok, "")

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	hb := startReplicaB(t, ctx, e)

	ch, _ := openStream(t, ctx, hb.URL, uTok, "")
	// B's startup pass is done (its dispatch mark covers every event so far),
	// so the announcement below can reach B only through NOTIFY.
	waitFor(t, "B's startup pass", func() bool {
		var behind int64
		if err := e.Server.DB.Raw(`SELECT COUNT(*) FROM events WHERE id > (SELECT COALESCE(MAX(last_id), 0) FROM notify_state WHERE name = 'dispatched')`).Scan(&behind).Error; err != nil {
			t.Fatal(err)
		}
		return behind == 0
	})
	// Replica A publishes an announcement (its own HTTP server and pool).
	e.Must(201, "POST", "/api/v1/announcements", adminTok, map[string]any{
		"title": "Fire drill", "body": "Friday 3pm", "everyone": true})
	ev := next(t, ch)
	if ev.Type != "announcement.published" || ev.Data.Data["title"] != "Fire drill" {
		t.Fatalf("got %+v", ev)
	}
	// B's dispatcher made the notification too.
	var p notifPage
	e.Must(200, "GET", "/api/v1/notifications", uTok, nil).JSON(t, &p)
	if len(p.Items) != 1 || p.Items[0].UserID != u.ID || p.Items[0].Type != "announcement.published" {
		t.Fatalf("notifications %+v", p.Items)
	}
}

// Outbox gap: an event whose ID was allocated first but committed last is
// still dispatched (the safe mark waits for the gap).
func TestDispatcherWaitsForOutboxGapPostgres(t *testing.T) {
	t.Parallel()
	e := servertest.NewPostgres(t)
	adminTok, admin := e.Setup()
	u, uTok := e.NewUser(adminTok, "")
	d := e.Server.Notify.NewDispatcher()
	d.GapGrace = time.Hour
	slow := e.Server.DB.Begin()
	if err := notify.Emit(slow, &notify.Event{Type: "task.assigned", ActorID: admin.ID, Recipients: []string{u.ID}, Data: map[string]any{"title": "slow"}}); err != nil {
		t.Fatal(err)
	}
	emit(t, e, &notify.Event{Type: "task.assigned", ActorID: admin.ID, Recipients: []string{u.ID}, Data: map[string]any{"title": "fast"}})
	if n, err := d.RunOnce(context.Background()); err != nil || n != 1 {
		t.Fatalf("first pass %d %v", n, err)
	}
	if err := slow.Commit().Error; err != nil {
		t.Fatal(err)
	}
	if n, err := d.RunOnce(context.Background()); err != nil || n != 1 {
		t.Fatalf("second pass %d %v (the late event was skipped)", n, err)
	}
	if c := unread(t, e, uTok); c != 2 {
		t.Fatalf("unread %d", c)
	}
}

// A gap must not hold up the events after it: with one transaction left
// open under load, more than a read's page (500) of later events still go
// out in one pass, and the late one when it commits. Before the dispatcher
// read on from the highest ID it had seen, it re-read the same first page
// above the gap and stopped, so everything past it waited for GapGrace.
func TestDispatcherReadsPastAnOpenGapPostgres(t *testing.T) {
	t.Parallel()
	e := servertest.NewPostgres(t)
	adminTok, admin := e.Setup()
	u, uTok := e.NewUser(adminTok, "")
	d := e.Server.Notify.NewDispatcher()
	d.GapGrace = time.Hour
	if _, err := d.RunOnce(context.Background()); err != nil { // past the setup's events
		t.Fatal(err)
	}
	slow := e.Server.DB.Begin()
	if err := notify.Emit(slow, &notify.Event{Type: "task.assigned", ActorID: admin.ID, Recipients: []string{u.ID}, Data: map[string]any{"title": "slow"}}); err != nil {
		t.Fatal(err)
	}
	const later = 700
	evs := make([]notify.Event, later)
	for i := range evs {
		evs[i] = notify.Event{Type: "task.assigned", ActorID: admin.ID, Recipients: []string{u.ID},
			Data: map[string]any{"title": "fast"}}
	}
	if err := e.Server.DB.Create(&evs).Error; err != nil {
		t.Fatal(err)
	}
	if n, err := d.RunOnce(context.Background()); err != nil || n != later {
		t.Fatalf("first pass dispatched %d (%v), want all %d after the gap", n, err, later)
	}
	if err := slow.Commit().Error; err != nil {
		t.Fatal(err)
	}
	if n, err := d.RunOnce(context.Background()); err != nil || n != 1 {
		t.Fatalf("second pass %d %v (the late event was skipped)", n, err)
	}
	if c := unread(t, e, uTok); c != later+1 {
		t.Fatalf("unread %d, want %d", c, later+1)
	}
}

// startReplicaB starts a second server on e's database whose dispatcher
// polls only once an hour, so only LISTEN/NOTIFY can wake it, and returns
// its HTTP server once that dispatcher's LISTEN is active. It waits black-box:
// B connects under its own application_name, and the test watches
// pg_stat_activity for that connection's LISTEN (other tests share the
// database and listen on the same channel).
func startReplicaB(t *testing.T, ctx context.Context, e *servertest.Env) *httptest.Server {
	t.Helper()
	b, hb, name := e.Replica(t, "tack-replica-b")

	d := b.Notify.NewDispatcher()
	d.Interval = time.Hour
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { _ = d.Serve(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	waitFor(t, "replica B's LISTEN", func() bool {
		var n int64
		if err := e.Server.DB.Raw("SELECT count(*) FROM pg_stat_activity WHERE application_name = ? AND query = 'LISTEN tack_events' AND state = 'idle'", name).Scan(&n).Error; err != nil {
			t.Fatal(err)
		}
		return n > 0
	})
	return hb
}

// waitFor polls cond until it holds, for 10 s at most.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}
