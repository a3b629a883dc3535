package syncagent

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

func TestClientRetriesGatewayErrorsNotConflicts(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer tok" {
			w.WriteHeader(401)
			return
		}
		switch r.URL.Path {
		case "/api/v1/drive/entries/flaky":
			if calls.Add(1) < 3 {
				w.WriteHeader(503)
				return
			}
			_, _ = w.Write([]byte(`{"id":"flaky","kind":"folder","version":2}`))
		case "/api/v1/drive/entries/stale":
			calls.Add(1)
			w.WriteHeader(409)
			_, _ = w.Write([]byte(`{"error":{"code":"conflict","key":"drive.stale_version","message":"stale"}}`))
		}
	}))
	defer srv.Close()
	c := NewClient(srv.URL, "tok")
	c.Backoff = time.Millisecond
	e, err := c.Entry(context.Background(), "flaky")
	if err != nil || e.Version != 2 || calls.Load() != 3 {
		t.Fatalf("entry %+v, err %v, calls %d", e, err, calls.Load())
	}
	calls.Store(0)
	_, err = c.Move(context.Background(), "stale", 1, "", "x")
	if !IsConflict(err) || calls.Load() != 1 {
		t.Fatalf("err %v after %d calls: a 409 must not be retried", err, calls.Load())
	}
	var ae *APIError
	if !asAPIError(err, &ae) || ae.Key != "drive.stale_version" {
		t.Fatalf("error %#v", err)
	}
}

func TestClientRetriesNetworkErrors(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // connection refused
	c := NewClient(url, "tok")
	c.Backoff, c.Retries = time.Millisecond, 3
	if _, err := c.Entry(context.Background(), "x"); err == nil {
		t.Fatal("no error from a closed server")
	}
}

func TestRateLimiterCancel(t *testing.T) {
	t.Parallel()
	l := NewRateLimiter(1024)
	ctx, cancel := context.WithCancel(context.Background())
	if err := l.Wait(ctx, 256<<10); err != nil { // the burst
		t.Fatal(err)
	}
	cancel()
	if err := l.Wait(ctx, 256<<10); err == nil {
		t.Fatal("Wait ignored a cancelled context while over the limit")
	}
	l.SetRate(0)
	if err := l.Wait(context.Background(), 1<<30); err != nil {
		t.Fatal("unlimited must not wait")
	}
}

// The limit holds transfers to its rate: after the one-second burst, 512 KiB
// more at 1 MiB/s take at least half a second (a lower bound, so a slow
// machine cannot make it fail).
func TestRateLimiterThrottles(t *testing.T) {
	t.Parallel()
	l := NewRateLimiter(1 << 20)
	ctx := context.Background()
	start := time.Now()
	for range 6 { // 1.5 MiB in chunk-sized pieces
		if err := l.Wait(ctx, 256<<10); err != nil {
			t.Fatal(err)
		}
	}
	if el := time.Since(start); el < 450*time.Millisecond {
		t.Fatalf("1.5 MiB passed a 1 MiB/s limit in %v", el)
	}
}
