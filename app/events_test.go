package app

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"sync/atomic"
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
	waitFor(t, "a notification", func() bool { return len(fake.All()) > 0 })
	got := fake.All()
	if len(got) != 1 || got[0].Body != "Leave request from Li Lei" || got[0].Link != "/approvals/abc" {
		t.Fatalf("notifications: %+v", got)
	}
}

// countingDoer counts the watcher's attempts to reach the stream.
type countingDoer struct {
	Doer
	mu    sync.Mutex
	tries int
}

func (c *countingDoer) Do(ctx context.Context, method, path string) (*http.Response, error) {
	c.mu.Lock()
	c.tries++
	c.mu.Unlock()
	return c.Doer.Do(ctx, method, path)
}

func (c *countingDoer) n() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.tries
}

// TestWatcherRetriesQuietlyWhenNotConnected: before the desktop is signed in
// anywhere (the proxy has no target) the watcher keeps retrying without a
// notification or a connect callback, reaches the server once the proxy
// points at one, and returns when ctx ends.
func TestWatcherRetriesQuietlyWhenNotConnected(t *testing.T) {
	srv := fakeEvents(t)
	defer srv.Close()
	p := NewProxy(nil)
	d := &countingDoer{Doer: p}
	fake := &FakeNotifier{}
	var connects atomic.Int32
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		(&Watcher{Server: d, Notifier: fake, OnConnect: func() { connects.Add(1) }, MaxWait: 20 * time.Millisecond}).Run(ctx)
	}()
	waitFor(t, "three attempts while not connected", func() bool { return d.n() >= 3 })
	if n := fake.All(); len(n) != 0 || connects.Load() != 0 {
		t.Fatalf("not connected, yet notifications %+v, connects %d", n, connects.Load())
	}
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	p.SetTarget(u)
	waitFor(t, "the notification once connected", func() bool { return len(fake.All()) == 1 })
	if connects.Load() != 1 {
		t.Fatalf("connects %d, want 1", connects.Load())
	}
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after ctx ended")
	}
}

// waitFor polls cond until it holds (a loaded machine gets 10 s).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
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
