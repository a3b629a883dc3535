package app

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestWatcherOffersOnlyUIRoutes: a server's event may name any link; the OS
// notification opens only a route of the UI, so a link to /api/ (the
// server's answer shown as a page of the app) or to another site raises a
// notification without a click action.
func TestWatcherOffersOnlyUIRoutes(t *testing.T) {
	links := []string{"/approvals/abc", "/api/v1/drive/files/x/content", "https://evil.example/login", "javascript:alert(1)", "/%61pi/v1/x"}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		for i, l := range links {
			fmt.Fprintf(w, "id: %d\ndata: {\"id\":%d,\"type\":\"approval.task_assigned\",\"data\":{\"title\":\"t%d\",\"link\":%q}}\n\n", i+1, i+1, i, l)
		}
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	}))
	defer srv.Close()
	fake := &FakeNotifier{}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go (&Watcher{Server: proxyTo(t, srv.URL), Notifier: fake}).Run(ctx)
	waitUntil(t, "every notification", func() bool { return len(fake.All()) == len(links) })
	for i, n := range fake.All() {
		want := ""
		if i == 0 {
			want = links[0]
		}
		if n.Link != want {
			t.Errorf("event with link %q: notification link %q, want %q", links[i], n.Link, want)
		}
	}
}
