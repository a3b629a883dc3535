package notify_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"tack/backend/notify"
	"tack/backend/server/servertest"
)

type notifPage struct {
	Items      []notify.Notification `json:"items"`
	NextCursor string                `json:"next_cursor"`
}

func emit(t *testing.T, e *servertest.Env, ev *notify.Event) {
	t.Helper()
	if err := notify.Emit(e.Server.DB, ev); err != nil {
		t.Fatal(err)
	}
}

func dispatch(t *testing.T, e *servertest.Env) {
	t.Helper()
	if _, err := e.Server.Notify.NewDispatcher().RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func unread(t *testing.T, e *servertest.Env, token string) int {
	t.Helper()
	var c struct{ Count int }
	e.Must(200, "GET", "/api/v1/notifications/unread-count", token, nil).JSON(t, &c)
	return c.Count
}

func TestEventToNotificationRules(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		adminTok, admin := e.Setup()
		u, uTok := e.NewUser(adminTok, "")
		types := []struct{ typ, data, wantBody string }{
			{"approval.task_assigned", "Leave 3d", "An approval is waiting for you: Leave 3d"},
			{"approval.decided", "Expense", "Your approval was approved: Expense"},
			{"approval.cc", "Trip", "You were copied on an approval: Trip"},
			{"approval.reminder", "Trip", "Reminder: please handle the approval Trip"},
			{"approval.overdue", "Trip", "Approval is overdue: Trip"},
			{"meeting.invited", "Weekly", "You are invited to a meeting: Weekly"},
			{"meeting.changed", "Weekly", "Meeting changed: Weekly"},
			{"meeting.reminder", "Weekly", "Meeting starting soon: Weekly"},
			{"meeting.minutes_published", "Weekly", "Minutes published: Weekly"},
			{"task.assigned", "Write doc", "A task was assigned to you: Write doc"},
			{"drive.shared", "plan.xlsx", "A file was shared with you: plan.xlsx"},
		}
		for _, c := range types {
			emit(t, e, &notify.Event{Type: c.typ, SubjectType: strings.Split(c.typ, ".")[0], SubjectID: "s1", ActorID: admin.ID,
				// duplicate recipient and the actor: one notification for u only
				Recipients: []string{u.ID, u.ID, admin.ID},
				Data:       map[string]any{"title": c.data, "link": "/x/" + c.typ, "outcome": "approved"}})
		}
		dispatch(t, e)
		dispatch(t, e) // idempotent
		var p notifPage
		e.Must(200, "GET", "/api/v1/notifications?unread=1&limit=100", uTok, nil).JSON(t, &p)
		if len(p.Items) != len(types) {
			t.Fatalf("got %d notifications, want %d", len(p.Items), len(types))
		}
		for i, c := range types {
			n := p.Items[len(types)-1-i] // newest first
			if n.Type != c.typ || n.Body != c.wantBody || n.Title != c.data || n.Link != "/x/"+c.typ || n.Data["title"] != c.data || n.ReadAt != nil {
				t.Errorf("%s: %+v", c.typ, n)
			}
		}
		e.Must(200, "GET", "/api/v1/notifications?limit=100", adminTok, nil).JSON(t, &p)
		if len(p.Items) != 0 {
			t.Fatalf("actor got %d notifications of their own actions", len(p.Items))
		}
		// paging
		e.Must(200, "GET", "/api/v1/notifications?limit=5", uTok, nil).JSON(t, &p)
		if len(p.Items) != 5 || p.NextCursor == "" {
			t.Fatalf("page 1: %d %q", len(p.Items), p.NextCursor)
		}
		first := p.Items[0].ID
		e.Must(200, "GET", "/api/v1/notifications?limit=50&cursor="+p.NextCursor, uTok, nil).JSON(t, &p)
		if len(p.Items) != len(types)-5 || p.NextCursor != "" {
			t.Fatalf("page 2: %d %q", len(p.Items), p.NextCursor)
		}
		// read one, then all; someone else's is 404
		e.Must(200, "POST", "/api/v1/notifications/"+first+"/read", uTok, nil)
		e.Must(404, "POST", "/api/v1/notifications/"+first+"/read", adminTok, nil)
		if n := unread(t, e, uTok); n != len(types)-1 {
			t.Fatalf("unread = %d", n)
		}
		e.Must(200, "POST", "/api/v1/notifications/read-all", uTok, nil)
		if n := unread(t, e, uTok); n != 0 {
			t.Fatalf("unread after read-all = %d", n)
		}
	})
}

// Two dispatchers (as on two replicas) racing over the same events create
// each notification once.
func TestNotificationsExactlyOnceWithTwoDispatchers(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		adminTok, admin := e.Setup()
		u, uTok := e.NewUser(adminTok, "")
		for i := 0; i < 30; i++ {
			emit(t, e, &notify.Event{Type: "task.assigned", ActorID: admin.ID, Recipients: []string{u.ID}, Data: map[string]any{"title": strconv.Itoa(i)}})
		}
		var wg sync.WaitGroup
		for i := 0; i < 2; i++ {
			d := e.Server.Notify.NewDispatcher()
			wg.Add(1)
			go func() {
				defer wg.Done()
				for j := 0; j < 3; j++ {
					if _, err := d.RunOnce(context.Background()); err != nil {
						t.Error(err)
					}
				}
			}()
		}
		wg.Wait()
		if n := unread(t, e, uTok); n != 30 {
			t.Fatalf("unread = %d, want 30", n)
		}
	})
}

// sseClient reads an SSE stream from a real HTTP connection.
type sseEvent struct {
	ID   int64
	Type string
	Data notify.Event
	Raw  string // the data line as sent
}

func openStream(t *testing.T, ctx context.Context, baseURL, token, lastID string) (<-chan sseEvent, *http.Response) {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, "GET", baseURL+"/api/v1/events?access_token="+token, nil)
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("events: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	ch := make(chan sseEvent, 100)
	go func() {
		defer close(ch)
		sc := bufio.NewScanner(resp.Body)
		var cur sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "id: "):
				cur.ID, _ = strconv.ParseInt(line[4:], 10, 64)
			case strings.HasPrefix(line, "event: "):
				cur.Type = line[7:]
			case strings.HasPrefix(line, "data: "):
				_ = json.Unmarshal([]byte(line[6:]), &cur.Data)
				cur.Raw = line[6:]
			case line == "" && cur.ID != 0 && cur.Type != "":
				ch <- cur
				cur = sseEvent{}
			}
		}
	}()
	return ch, resp
}

func next(t *testing.T, ch <-chan sseEvent) sseEvent {
	t.Helper()
	select {
	case ev, ok := <-ch:
		if !ok {
			t.Fatal("stream closed")
		}
		return ev
	case <-time.After(10 * time.Second):
		t.Fatal("no event within 10s")
	}
	return sseEvent{}
}

func runDispatcher(t *testing.T, s *notify.Service) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = s.NewDispatcher().Serve(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
}

func TestSSELiveAndResume(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		adminTok, admin := e.Setup()
		u, uTok := e.NewUser(adminTok, "")
		other, _ := e.NewUser(adminTok, "")
		runDispatcher(t, e.Server.Notify)
		ctx, cancel := context.WithCancel(context.Background())
		ch, _ := openStream(t, ctx, e.HTTP.URL, uTok, "")
		emit(t, e, &notify.Event{Type: "task.assigned", ActorID: admin.ID, Recipients: []string{other.ID}, Data: map[string]any{"title": "not yours"}})
		emit(t, e, &notify.Event{Type: "task.assigned", ActorID: admin.ID, Recipients: []string{u.ID}, Data: map[string]any{"title": "one"}})
		ev1 := next(t, ch)
		if ev1.Type != "task.assigned" || ev1.Data.Data["title"] != "one" {
			t.Fatalf("first event %+v", ev1)
		}
		cancel() // disconnect
		emit(t, e, &notify.Event{Type: "meeting.invited", ActorID: admin.ID, Recipients: []string{u.ID}, Data: map[string]any{"title": "two"}})
		emit(t, e, &notify.Event{Type: "drive.shared", ActorID: admin.ID, Recipients: []string{u.ID}, Data: map[string]any{"title": "three"}})
		ctx2, cancel2 := context.WithCancel(context.Background())
		defer cancel2()
		ch2, _ := openStream(t, ctx2, e.HTTP.URL, uTok, strconv.FormatInt(ev1.ID, 10))
		ev2, ev3 := next(t, ch2), next(t, ch2)
		if ev2.Data.Data["title"] != "two" || ev3.Data.Data["title"] != "three" || ev2.ID <= ev1.ID || ev3.ID <= ev2.ID {
			t.Fatalf("replay %+v %+v", ev2, ev3)
		}
		// An event to several people does not tell each who else got it.
		emit(t, e, &notify.Event{Type: "approval.cc", ActorID: admin.ID, Recipients: []string{u.ID, other.ID}, Data: map[string]any{"title": "four"}})
		ev4 := next(t, ch2)
		if ev4.Data.Data["title"] != "four" {
			t.Fatalf("live after replay %+v", ev4)
		}
		if strings.Contains(ev4.Raw, other.ID) || strings.Contains(ev2.Raw, "recipients") {
			t.Fatalf("the stream shows the recipients: %s / %s", ev4.Raw, ev2.Raw)
		}
	})
}
