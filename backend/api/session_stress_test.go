package api_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"tack/backend/server"
	"tack/backend/server/servertest"
	"tack/backend/store/storetest"
)

// TestFreshSessionWorksOnEveryParallelRequest signs in and at once sends
// several requests in parallel with the new session, as the UI does after
// login (me, company, unread count, drive), by cookie and by bearer token,
// while other users sign in, the drive takes uploads and clients abandon
// requests. Every one must be answered 200: a single 401
// auth.session_expired sends the user back to the login page (seen once in
// the drive e2e spec). It runs the server as tack serve does (real clock,
// background jobs), not on servertest's fake clock, because stored times
// and their text comparisons on SQLite are part of what is under test.
func TestFreshSessionWorksOnEveryParallelRequest(t *testing.T) {
	t.Parallel()
	each := func(t *testing.T, fn func(t *testing.T, e *servertest.Env)) {
		t.Run("sqlite", func(t *testing.T) { fn(t, realServer(t, server.Config{DataDir: t.TempDir(), Addr: "127.0.0.1:0"})) })
		t.Run("postgres", func(t *testing.T) {
			fn(t, realServer(t, server.Config{DataDir: t.TempDir(), DSN: storetest.PostgresDSN(t), Addr: "127.0.0.1:0"}))
		})
	}
	each(t, func(t *testing.T, e *servertest.Env) {
		admin, _ := e.Setup()
		const users = 4
		emails := make([]string, users)
		for i := range emails {
			u, _ := e.NewUser(admin, "")
			emails[i] = u.Email
		}
		root := personalRoot(t, e, admin)

		stop := make(chan struct{})
		var bg sync.WaitGroup
		var bgErrs errList
		// background runs step(0), step(1), ... in its own goroutine until
		// stop is closed or a step returns false.
		background := func(step func(i int) bool) {
			bg.Add(1)
			go func() {
				defer bg.Done()
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					if !step(i) {
						return
					}
				}
			}()
		}
		// Requests the client gives up on mid-flight, as a browser does when
		// it navigates away: the server's request context ends during a query.
		background(func(i int) bool {
			ctx, cancel := context.WithTimeout(context.Background(), time.Duration(i%500)*time.Microsecond)
			defer cancel()
			req, _ := http.NewRequestWithContext(ctx, "GET", e.HTTP.URL+"/api/v1/drive/search?q=f", nil)
			req.Header.Set("Authorization", "Bearer "+admin)
			if resp, err := e.HTTP.Client().Do(req); err == nil {
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			time.Sleep(time.Millisecond) // enough to hit queries, not to flood the log
			return true
		})
		// Other writers: colleagues signing in, and the same user on a
		// second device (its login sweeps her expired sessions).
		background(func(i int) bool {
			if _, err := login(e, emails[i%users]); err != nil {
				bgErrs.add(fmt.Errorf("background login: %w", err))
				return false
			}
			return true
		})
		// Drive uploads: a writer that holds the lock longer.
		background(func(i int) bool {
			path := fmt.Sprintf("/api/v1/drive/files?parent_id=%s&name=f%d.txt", root, i)
			st, body, err := send(e, "POST", path, admin, false, strings.NewReader(strings.Repeat("x", 4096)))
			if err != nil || st != http.StatusCreated {
				bgErrs.add(fmt.Errorf("background upload: %d %s %v", st, body, err))
				return false
			}
			return true
		})

		paths := []string{"/api/v1/me", "/api/v1/company", "/api/v1/notifications/unread-count", "/api/v1/drive/spaces"}
		const parallel = 6
		deadline := time.Now().Add(2 * time.Second)
		rounds := 0
		var failures errList
		for ; rounds < 200 && (rounds < 10 || time.Now().Before(deadline)); rounds++ {
			token, err := login(e, emails[0])
			if err != nil {
				failures.add(err)
				break
			}
			var wg sync.WaitGroup
			for i := range parallel {
				wg.Add(1)
				go func() {
					defer wg.Done()
					byCookie := i < parallel/2
					path := paths[i%len(paths)]
					st, body, err := send(e, "GET", path, token, byCookie, nil)
					if err != nil || st != http.StatusOK {
						failures.add(fmt.Errorf("round %d: GET %s (cookie %v): %d %s %v", rounds, path, byCookie, st, body, err))
					}
				}()
			}
			wg.Wait()
			if failures.len() > 0 {
				break
			}
		}
		close(stop)
		bg.Wait()
		for _, err := range bgErrs.all() {
			t.Error(err)
		}
		for _, err := range failures.all() {
			t.Error(err)
		}
		t.Logf("%d rounds of login + %d parallel requests", rounds, parallel)
	})
}

type errList struct {
	mu   sync.Mutex
	errs []error
	n    atomic.Int64
}

func (l *errList) add(err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.errs) < 10 {
		l.errs = append(l.errs, err)
	}
	l.n.Add(1)
}

func (l *errList) len() int64 { return l.n.Load() }

func (l *errList) all() []error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]error(nil), l.errs...)
}

// send is e.Do without t.Fatal, for goroutines: by cookie (with the CSRF
// header) or by bearer token.
func send(e *servertest.Env, method, path, token string, byCookie bool, body io.Reader) (int, string, error) {
	req, err := http.NewRequest(method, e.HTTP.URL+path, body)
	if err != nil {
		return 0, "", err
	}
	if byCookie {
		req.AddCookie(&http.Cookie{Name: "tack_session", Value: token})
		req.Header.Set("X-Tack-Request", "1")
	} else {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := e.HTTP.Client().Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

// login signs in and returns the token of the session cookie.
func login(e *servertest.Env, email string) (string, error) {
	req, err := http.NewRequest("POST", e.HTTP.URL+"/api/v1/auth/login",
		strings.NewReader(fmt.Sprintf(`{"email":%q,"password":%q}`, email, servertest.TestPassword)))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Tack-Request", "1")
	resp, err := e.HTTP.Client().Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("login %s: %d %s", email, resp.StatusCode, b)
	}
	for _, c := range resp.Cookies() {
		if c.Name == "tack_session" && c.Value != "" {
			return c.Value, nil
		}
	}
	return "", fmt.Errorf("login %s: no session cookie", email)
}

func personalRoot(t *testing.T, e *servertest.Env, token string) string {
	t.Helper()
	var spaces struct {
		Items []struct {
			Kind   string `json:"kind"`
			RootID string `json:"root_id"`
		}
	}
	e.Must(http.StatusOK, "GET", "/api/v1/drive/spaces", token, nil).JSON(t, &spaces)
	for _, s := range spaces.Items {
		if s.Kind == "personal" {
			return s.RootID
		}
	}
	t.Fatal("no personal space")
	return ""
}

// realServer runs a server as tack serve does: the real clock and the
// background jobs.
func realServer(t *testing.T, cfg server.Config) *servertest.Env {
	t.Helper()
	srv, err := server.New(context.Background(), cfg, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { srv.RunJobs(ctx); close(done) }()
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(func() {
		hs.Close()
		cancel()
		<-done
		_ = srv.Close()
	})
	return &servertest.Env{T: t, Server: srv, HTTP: hs}
}
