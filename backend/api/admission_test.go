package api

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// With one write allowed in a handler and one waiting, a third write is
// answered at once with 503, Retry-After and the "busy" key; the waiting
// one runs when the first leaves; reads and big uploads are not counted.
// Without the gate all three would be in the handler together.
func TestWriteGateQueuesThenRefuses(t *testing.T) {
	g := newWriteGate(1, 1)
	var (
		mu      sync.Mutex
		inside  int
		most    int
		release = make(chan struct{})
	)
	handler := func(w http.ResponseWriter, r *http.Request) {
		g.admit(w, r, func() {
			mu.Lock()
			inside++
			most = max(most, inside)
			mu.Unlock()
			if r.Method == "POST" {
				<-release
			}
			mu.Lock()
			inside--
			mu.Unlock()
			w.WriteHeader(http.StatusNoContent)
		})
	}
	post := func() *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		handler(w, httptest.NewRequest("POST", "/api/v1/x", strings.NewReader("{}")))
		return w
	}
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatal("not within 5 s: " + what)
			}
		}
	}
	done := make(chan int, 2)
	go func() { done <- post().Code }()
	waitFor("the first write is in its handler", func() bool { mu.Lock(); defer mu.Unlock(); return inside == 1 })
	go func() { done <- post().Code }()
	waitFor("the second write waits", func() bool { return len(g.queue) == 1 })

	w := post()
	var body struct{ Error struct{ Code, Key string } }
	_ = json.Unmarshal(w.Body.Bytes(), &body)
	if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") != "1" ||
		body.Error.Code != "unavailable" || body.Error.Key != "busy" {
		t.Fatalf("third write: %d Retry-After %q %s", w.Code, w.Header().Get("Retry-After"), w.Body)
	}
	// Reads and uploads bigger than a JSON body pass by.
	r := httptest.NewRecorder()
	handler(r, httptest.NewRequest("GET", "/api/v1/x", nil))
	up := httptest.NewRequest("PUT", "/api/v1/drive/uploads/u/chunks/0", strings.NewReader("x"))
	up.ContentLength = maxJSONBody + 1
	u := httptest.NewRecorder()
	go func() { close(release) }()
	handler(u, up)
	if r.Code != http.StatusNoContent || u.Code != http.StatusNoContent {
		t.Fatalf("read %d, upload %d", r.Code, u.Code)
	}
	for range 2 {
		if c := <-done; c != http.StatusNoContent {
			t.Fatalf("a queued write: %d", c)
		}
	}
	if most > 2 { // one gated write + the upload
		t.Fatalf("%d requests in handlers at once", most)
	}
}

// A write that waits for a turn gives up when its client goes away, and
// frees its place in the queue.
func TestWriteGateWaiterLeavesWithClient(t *testing.T) {
	g := newWriteGate(1, 1)
	if err := g.enter(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error)
	go func() { errc <- g.enter(ctx) }()
	for len(g.queue) == 0 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-errc; err == nil {
		t.Fatal("entered while the slot was held")
	}
	if len(g.queue) != 0 {
		t.Fatal("the queue kept the place")
	}
	g.leave()
	if err := g.enter(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// A negative limit turns the gate off; the default scales with the CPUs.
func TestWriteGateDefaults(t *testing.T) {
	if newWriteGate(-1, 0) != nil {
		t.Fatal("a negative limit should turn the gate off")
	}
	g := newWriteGate(0, 0)
	if cap(g.slots) < 8 || cap(g.queue) != max(256, 32*cap(g.slots)) {
		t.Fatalf("default: %d slots, %d queue", cap(g.slots), cap(g.queue))
	}
	var nilGate *writeGate
	w := httptest.NewRecorder()
	ran := false
	nilGate.admit(w, httptest.NewRequest("POST", "/api/v1/x", strings.NewReader("{}")), func() { ran = true })
	if !ran {
		t.Fatal("no gate should run every request")
	}
}
