// Package servertest starts a real Tack server on httptest for API tests:
// a real SQLite file (or a fresh PostgreSQL schema) behind a real HTTP server,
// with a fake clock the test can move.
package servertest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"tack/backend/clock"
	"tack/backend/org"
	"tack/backend/server"
	"tack/backend/store/storetest"
)

// Env is a running test server.
type Env struct {
	T      testing.TB
	Server *server.Server
	HTTP   *httptest.Server
	Clock  *clock.Fake
}

// New starts a server on SQLite.
func New(t testing.TB) *Env {
	t.Helper()
	return start(t, server.Config{DataDir: storetest.SQLiteDataDir(t, server.Migrations()), Addr: "127.0.0.1:0"})
}

// NewPostgres starts a server on a fresh PostgreSQL database, a clone of one
// migrated once per test process (skips without
// TACK_TEST_POSTGRES_DSN, fails under CI=true).
func NewPostgres(t testing.TB) *Env {
	t.Helper()
	return start(t, server.Config{DataDir: t.TempDir(), DSN: storetest.PostgresMigratedDSN(t, server.Migrations()), Addr: "127.0.0.1:0"})
}

// Each runs fn against a SQLite server and a PostgreSQL server.
func Each(t *testing.T, fn func(t *testing.T, e *Env)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, New(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, NewPostgres(t)) })
}

// EachWith is Each with servers whose Config configure changes first
// (trusted proxies, limits).
func EachWith(t *testing.T, configure func(*server.Config), fn func(t *testing.T, e *Env)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		cfg := server.Config{DataDir: storetest.SQLiteDataDir(t, server.Migrations()), Addr: "127.0.0.1:0"}
		configure(&cfg)
		fn(t, start(t, cfg))
	})
	t.Run("postgres", func(t *testing.T) {
		cfg := server.Config{DataDir: t.TempDir(), DSN: storetest.PostgresMigratedDSN(t, server.Migrations()), Addr: "127.0.0.1:0"}
		configure(&cfg)
		fn(t, start(t, cfg))
	})
}

// PasswordCost is the argon2id cost of test servers' new password hashes:
// far below the default (19 MiB, two passes), which made hashing most of the
// test suite's CPU time. The default is tested in org (TestPasswordHash,
// TestLoginBurstMemoryBounded); a Config that sets its own cost keeps it.
var PasswordCost = org.PasswordCost{MemoryKiB: 64, Time: 1}

func start(t testing.TB, cfg server.Config) *Env {
	t.Helper()
	if cfg.PasswordCost == (org.PasswordCost{}) {
		cfg.PasswordCost = PasswordCost
	}
	if cfg.MaxWrites == 0 {
		// No admission control unless a test asks for it: the 200-client
		// benchmarks measure the handlers, and their closed loops would
		// otherwise count 503s (api/admission_test.go tests the gate).
		cfg.MaxWrites = -1
	}
	clk := clock.NewFake(time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)) // a Monday, 09:00 UTC
	srv, err := server.New(context.Background(), cfg, nil, clk)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(func() {
		hs.Close()
		_ = srv.Close()
	})
	return &Env{T: t, Server: srv, HTTP: hs, Clock: clk}
}

// Response is a decoded API answer.
type Response struct {
	Status int
	Body   []byte
	Header http.Header
}

// JSON decodes the body into v, failing the test on error.
func (r Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %q: %v", r.Body, err)
	}
}

// ErrorCode returns error.code and error.key of an error body.
func (r Response) ErrorCode() (code, key string, fields map[string]string) {
	var b struct {
		Error struct {
			Code   string            `json:"code"`
			Key    string            `json:"key"`
			Fields map[string]string `json:"fields"`
		} `json:"error"`
	}
	_ = json.Unmarshal(r.Body, &b)
	return b.Error.Code, b.Error.Key, b.Error.Fields
}

// Do sends a request with an optional JSON body and bearer token.
func (e *Env) Do(method, path, token string, body any) Response {
	e.T.Helper()
	var rd io.Reader
	if body != nil {
		if s, ok := body.(string); ok {
			rd = strings.NewReader(s)
		} else {
			b, err := json.Marshal(body)
			if err != nil {
				e.T.Fatal(err)
			}
			rd = bytes.NewReader(b)
		}
	}
	req, err := http.NewRequest(method, e.HTTP.URL+path, rd)
	if err != nil {
		e.T.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("X-Tack-Request", "1") // as the UI and the sync client send it
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := e.HTTP.Client().Do(req)
	if err != nil {
		e.T.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return Response{Status: resp.StatusCode, Body: b, Header: resp.Header}
}

// Must sends a request and fails the test unless the status is want.
func (e *Env) Must(want int, method, path, token string, body any) Response {
	e.T.Helper()
	r := e.Do(method, path, token, body)
	if r.Status != want {
		e.T.Fatalf("%s %s: status %d, want %d: %s", method, path, r.Status, want, r.Body)
	}
	return r
}
