package app

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// fakeEvents is an SSE server that emits one approval task event.
func fakeEvents(t *testing.T) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/v1/events" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		fmt.Fprint(w, "retry: 3000\n: connected\n\n")
		fmt.Fprint(w, `id: 7`+"\nevent: approval.task_assigned\n"+`data: {"id":7,"type":"approval.task_assigned","data":{"title":"Leave request from Li Lei","link":"/approvals/abc"}}`+"\n\n")
		fmt.Fprint(w, `id: 8`+"\nevent: approval.decided\n"+`data: {"id":8,"type":"approval.decided","data":{"title":"x"}}`+"\n\n")
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	}))
}

func TestWatcherNotifiesApprovalTask(t *testing.T) {
	srv := fakeEvents(t)
	defer srv.Close()
	p := proxyTo(t, srv.URL)
	fake := &FakeNotifier{}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w := &Watcher{Server: p, Notifier: fake}
	go w.Run(ctx)
	deadline := time.Now().Add(5 * time.Second)
	for len(fake.All()) == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	got := fake.All()
	if len(got) != 1 || got[0].Body != "Leave request from Li Lei" || got[0].Link != "/approvals/abc" {
		t.Fatalf("notifications: %+v", got)
	}
}

func TestWatcherRetriesQuietlyWhenNotConnected(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	(&Watcher{Server: NewProxy(nil), Notifier: &FakeNotifier{}}).Run(ctx) // returns at ctx end, no panic
}

// TestWatcherResumesFromLastEventID: the first stream only sets the event id
// (no event yet) and drops; the reconnect asks to resume after it and gets
// what was missed; a later reconnect resumes after the newest event seen.
func TestWatcherResumesFromLastEventID(t *testing.T) {
	asked := make(chan string, 10)
	conn := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn++
		asked <- r.URL.Query().Get("last_event_id")
		w.Header().Set("Content-Type", "text/event-stream")
		switch conn {
		case 1:
			fmt.Fprint(w, "retry: 3000\n: connected\n\nid: 41\n\n")
		case 2:
			fmt.Fprint(w, "retry: 3000\n: connected\n\n")
			fmt.Fprint(w, "id: 42\nevent: ding.received\n"+`data: {"id":42,"type":"ding.received","data":{"title":"missed","link":"/ding/d1"}}`+"\n\n")
		default:
			w.(http.Flusher).Flush()
			<-r.Context().Done()
		}
	}))
	defer srv.Close()
	p := proxyTo(t, srv.URL)
	fake := &FakeNotifier{}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go (&Watcher{Server: p, Notifier: fake, MaxWait: 50 * time.Millisecond}).Run(ctx)
	var got []string
	for len(got) < 3 {
		select {
		case q := <-asked:
			got = append(got, q)
		case <-time.After(10 * time.Second):
			t.Fatalf("reconnects asked %q", got)
		}
	}
	if got[0] != "" || got[1] != "41" || got[2] != "42" {
		t.Fatalf("last_event_id per connection %q, want \"\", 41, 42", got)
	}
	if n := fake.All(); len(n) != 1 || n[0].Body != "missed" || n[0].Link != "/ding/d1" {
		t.Fatalf("notifications %+v", n)
	}
}
