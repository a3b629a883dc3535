package api_test

import (
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	"tack/backend/server"
	"tack/backend/server/servertest"
)

// openEvents opens GET /api/v1/events as token. A stream that opened stays
// open until cancel; a refused one is read to the end.
func openEvents(t *testing.T, e *servertest.Env, token string) (status int, body string, retryAfter string, cancel func()) {
	t.Helper()
	ctx, stop := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", e.HTTP.URL+"/api/v1/events", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := e.HTTP.Client().Do(req)
	if err != nil {
		stop()
		t.Fatal(err)
	}
	if resp.StatusCode == http.StatusOK {
		t.Cleanup(stop)
		return resp.StatusCode, "", "", func() { stop(); resp.Body.Close() }
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	stop()
	return resp.StatusCode, string(b), resp.Header.Get("Retry-After"), func() {}
}

// TestEventStreamsAreCapped: one account cannot hold more than its share of
// live streams, and the process holds no more than its total; the refused
// get a 429 in the error shape with Retry-After, and a closed stream frees
// its slot.
func TestEventStreamsAreCapped(t *testing.T) {
	t.Parallel()
	servertest.EachWith(t, func(c *server.Config) { c.MaxEventStreamsPerUser, c.MaxEventStreams = 2, 3 }, func(t *testing.T, e *servertest.Env) {
		admin, _ := e.Setup()
		_, bob := e.NewUser(admin, "")
		_, carol := e.NewUser(admin, "")
		refused := func(token, key string) {
			t.Helper()
			st, body, retry, _ := openEvents(t, e, token)
			if st != http.StatusTooManyRequests || retry == "" {
				t.Fatalf("stream over the cap: %d %q (Retry-After %q), want 429 %s", st, body, retry, key)
			}
			e := servertest.Response{Status: st, Body: []byte(body)}
			if code, k, _ := e.ErrorCode(); code != "rate_limited" || k != key {
				t.Fatalf("stream over the cap: %s %s, want rate_limited %s", code, k, key)
			}
		}
		opened := func(token string) func() {
			t.Helper()
			st, body, _, cancel := openEvents(t, e, token)
			if st != http.StatusOK {
				t.Fatalf("stream under the cap: %d %s", st, body)
			}
			return cancel
		}
		first := opened(admin)
		opened(admin)
		refused(admin, "events.too_many_streams")
		opened(bob)
		refused(carol, "events.server_busy")
		refused(bob, "events.server_busy")

		// Closing a stream gives its slot back once the server sees it go.
		first()
		deadline := time.Now().Add(20 * time.Second)
		for {
			st, body, _, _ := openEvents(t, e, carol)
			if st == http.StatusOK {
				break
			}
			if time.Now().After(deadline) || st != http.StatusTooManyRequests {
				t.Fatalf("after a stream closed: %d %s", st, body)
			}
			time.Sleep(20 * time.Millisecond)
		}
		refused(admin, "events.server_busy")
	})
}

// TestEventStreamsPerUserDefault: with no configuration an account is held
// to the default, far below what exhausts the server.
func TestEventStreamsPerUserDefault(t *testing.T) {
	t.Parallel()
	e := servertest.New(t)
	admin, _ := e.Setup()
	for i := 0; i < 8; i++ {
		if st, body, _, _ := openEvents(t, e, admin); st != http.StatusOK {
			t.Fatalf("stream %d: %d %s", i+1, st, body)
		}
	}
	if st, body, _, _ := openEvents(t, e, admin); st != http.StatusTooManyRequests {
		t.Fatalf("ninth stream: %d %s, want 429", st, body)
	}
}
