package notify_test

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"tack/backend/notify"
	"tack/backend/server"
	"tack/backend/server/servertest"
)

// A client connected to replica B receives an event emitted through replica
// A: B's dispatcher polls only once an hour, so only LISTEN/NOTIFY can wake it.
func TestCrossReplicaDeliveryPostgres(t *testing.T) {
	t.Parallel()
	e := servertest.NewPostgres(t)
	adminTok, _ := e.Setup()
	u, uTok := e.NewUser(adminTok, "")

	b, err := server.New(context.Background(), e.Server.Config, nil, e.Clock)
	if err != nil {
		t.Fatal(err)
	}
	hb := httptest.NewServer(b.Handler())
	t.Cleanup(func() { hb.Close(); _ = b.Close() })

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	listening := make(chan struct{})
	d := b.Notify.NewDispatcher()
	d.Interval = time.Hour
	d.OnListen = func() { close(listening) }
	done := make(chan struct{})
	go func() { _ = d.Serve(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	select {
	case <-listening:
	case <-time.After(10 * time.Second):
		t.Fatal("replica B never listened")
	}

	ch, _ := openStream(t, ctx, hb.URL, uTok, "")
	time.Sleep(300 * time.Millisecond) // B's startup RunOnce done
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
