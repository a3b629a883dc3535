package org_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"tack/backend/org"
	"tack/backend/server"
	"tack/backend/server/servertest"
)

// waitBriefly polls cond for 3 s at most: a change on one replica reaches
// another's session cache through NOTIFY, in milliseconds.
func waitBriefly(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(3 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("not within 3 s: %s", what)
		}
	}
}

// replicaB starts a second server on e's PostgreSQL database, with its own
// pool, HTTP server and session listener (application_name names it).
func replicaB(t *testing.T, ctx context.Context, e *servertest.Env) (*server.Server, *httptest.Server, string) {
	t.Helper()
	b, hb, name := e.Replica(t, "tack-auth-b")
	runListener(t, ctx, b.Org, b.Config.DSN)
	return b, hb, name
}

func runListener(t *testing.T, ctx context.Context, s *org.Service, dsn string) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { _ = org.SessionListener{S: s, DSN: dsn}.Serve(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
}

// Two servers share PostgreSQL, each with its session cache. A change made
// through replica A (role granted, password changed, user deactivated)
// takes effect on replica B at once; a lost listener connection empties
// B's cache. The first step is the control: a change made behind the
// services' back (no NOTIFY) is not seen by B, so B does answer from its
// cache and only the invalidation can make the later steps pass.
func TestSessionCacheAcrossReplicasPostgres(t *testing.T) {
	t.Parallel()
	e := servertest.NewPostgres(t)
	adminTok, _ := e.Setup()
	u, uTok := e.NewUser(adminTok, "")
	v, vTok := e.NewUser(adminTok, "")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	runListener(t, ctx, e.Server.Org, e.Server.Config.DSN)
	b, hb, bName := replicaB(t, ctx, e)
	waitBriefly(t, "both listeners live", func() bool {
		return org.SessionCacheLive(e.Server.Org) && org.SessionCacheLive(b.Org)
	})
	onB := func(tok, path string) int {
		t.Helper()
		req, _ := http.NewRequest("GET", hb.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	db := e.Server.DB

	// Control: B caches u's session; a deactivation written straight into
	// the table (no NOTIFY) is not seen.
	if c := onB(uTok, "/api/v1/me"); c != 200 {
		t.Fatalf("u on B: %d", c)
	}
	if err := db.Exec("UPDATE users SET active = ? WHERE id = ?", false, u.ID).Error; err != nil {
		t.Fatal(err)
	}
	if c := onB(uTok, "/api/v1/me"); c != 200 {
		t.Fatalf("control: B read the database (%d), so this test cannot show the invalidation", c)
	}
	if err := db.Exec("UPDATE users SET active = ? WHERE id = ?", true, u.ID).Error; err != nil {
		t.Fatal(err)
	}

	// A role granted on A: B lets u into an admin page at once.
	if c := onB(uTok, "/api/v1/audit"); c != 403 {
		t.Fatalf("member reads the audit log on B: %d", c)
	}
	e.Must(200, "PATCH", "/api/v1/users/"+u.ID, adminTok, map[string]any{"roles": []string{org.RoleAdmin}, "version": u.Version})
	waitBriefly(t, "B sees u's admin role", func() bool { return onB(uTok, "/api/v1/audit") == 200 })

	// u's title changed on A: B's GET /me (its cached row) shows it at once.
	titleOnB := func() string {
		t.Helper()
		req, _ := http.NewRequest("GET", hb.URL+"/api/v1/me", nil)
		req.Header.Set("Authorization", "Bearer "+uTok)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var m org.User
		if err := json.NewDecoder(res.Body).Decode(&m); err != nil {
			t.Fatal(err)
		}
		return m.Title
	}
	titleOnB() // B caches u's row
	if err := db.Exec("UPDATE users SET title = ? WHERE id = ?", "behind the back", u.ID).Error; err != nil {
		t.Fatal(err)
	}
	if got := titleOnB(); got == "behind the back" {
		t.Fatal("control: B's GET /me read the database")
	}
	e.Must(200, "PATCH", "/api/v1/users/"+u.ID, adminTok, map[string]any{"title": "Engineer", "version": u.Version + 1})
	waitBriefly(t, "B shows u's new title", func() bool { return titleOnB() == "Engineer" })

	// Deactivated on A: B refuses v at once.
	if c := onB(vTok, "/api/v1/me"); c != 200 {
		t.Fatalf("v on B: %d", c)
	}
	e.Must(200, "POST", "/api/v1/users/"+v.ID+"/deactivate", adminTok, nil)
	waitBriefly(t, "B refuses the deactivated v", func() bool { return onB(vTok, "/api/v1/me") == 401 })

	// u changes their password on A (every other session ends): B refuses
	// the old token at once.
	uTok2 := e.Login(u.Email, servertest.TestPassword)
	if c := onB(uTok2, "/api/v1/me"); c != 200 {
		t.Fatalf("u's second session on B: %d", c)
	}
	e.Must(200, "POST", "/api/v1/me/password", uTok, map[string]any{
		"current_password": servertest.TestPassword, "new_password": "another long passphrase 42"})
	waitBriefly(t, "B refuses u's other session", func() bool { return onB(uTok2, "/api/v1/me") == 401 })

	// B's listener connection dies: B empties its cache (and does not answer
	// from it until it listens again), so a change made during the gap,
	// without NOTIFY, is seen.
	_, uTok3 := e.NewUser(adminTok, "")
	if c := onB(uTok3, "/api/v1/me"); c != 200 {
		t.Fatalf("third user on B: %d", c)
	}
	var pid int
	if err := db.Raw("SELECT pid FROM pg_stat_activity WHERE application_name = ? AND query = 'LISTEN tack_auth'", bName).Scan(&pid).Error; err != nil || pid == 0 {
		t.Fatalf("B's listener: pid %d, %v", pid, err)
	}
	if err := db.Exec("SELECT pg_terminate_backend(?)", pid).Error; err != nil {
		t.Fatal(err)
	}
	waitBriefly(t, "B listens again", func() bool {
		var n int64
		_ = db.Raw("SELECT count(*) FROM pg_stat_activity WHERE application_name = ? AND query = 'LISTEN tack_auth' AND pid <> ?", bName, pid).Scan(&n).Error
		return n > 0 && org.SessionCacheLive(b.Org)
	})
	if err := db.Exec("DELETE FROM sessions").Error; err != nil {
		t.Fatal(err)
	}
	if c := onB(uTok3, "/api/v1/me"); c != 401 {
		t.Fatalf("after B's listener reconnected, a session deleted meanwhile still works on B: %d", c)
	}
}

// On SQLite (one process) a change takes effect on the very next request,
// with no wait; the control shows the cache does answer.
func TestSessionCacheSQLite(t *testing.T) {
	t.Parallel()
	e := servertest.New(t)
	adminTok, _ := e.Setup()
	u, uTok := e.NewUser(adminTok, "")
	e.Must(200, "GET", "/api/v1/me", uTok, nil)
	if err := e.Server.DB.Exec("UPDATE users SET active = ? WHERE id = ?", false, u.ID).Error; err != nil {
		t.Fatal(err)
	}
	e.Must(200, "GET", "/api/v1/me", uTok, nil) // control: answered from the cache
	if err := e.Server.DB.Exec("UPDATE users SET active = ? WHERE id = ?", true, u.ID).Error; err != nil {
		t.Fatal(err)
	}
	e.Must(403, "GET", "/api/v1/audit", uTok, nil)
	e.Must(200, "PATCH", "/api/v1/users/"+u.ID, adminTok, map[string]any{"roles": []string{org.RoleAdmin}, "version": u.Version})
	e.Must(200, "GET", "/api/v1/audit", uTok, nil)
	e.Must(200, "POST", "/api/v1/users/"+u.ID+"/deactivate", adminTok, nil)
	e.Must(401, "GET", "/api/v1/me", uTok, nil)
}
