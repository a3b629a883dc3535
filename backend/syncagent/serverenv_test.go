package syncagent

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"tack/backend/clock"
	"tack/backend/server/servertest"
)

// eachDrive runs an end-to-end test against the in-memory drive and against
// a real in-process Tack server (SQLite).
func eachDrive(t *testing.T, fn func(t *testing.T, s *syncEnv)) {
	t.Run("fake", func(t *testing.T) { fn(t, newFakeEnv(t)) })
	t.Run("server", func(t *testing.T) { fn(t, newServerEnv(t)) })
}

// newServerEnv starts a real server, makes an admin (the agent's user) and a
// second admin (the colleague changing things on the drive), and pairs with
// a fresh folder in the company space.
func newServerEnv(t *testing.T) *syncEnv {
	t.Helper()
	return newServerEnvOn(t, servertest.New(t))
}

// newServerEnvOn is newServerEnv on a given server (servertest.Each: both
// databases).
func newServerEnvOn(t *testing.T, e *servertest.Env) *syncEnv {
	t.Helper()
	adminTok, _ := e.Setup()
	other, otherTok := e.NewUser(adminTok, "", "admin")
	// Must, not a skip on 404: a server that stops serving the drive API is
	// a regression these tests exist to catch.
	r := e.Must(http.StatusOK, "GET", "/api/v1/drive/spaces", adminTok, nil)
	var spaces struct{ Items []Space }
	r.JSON(t, &spaces)
	var sp Space
	for _, s := range spaces.Items {
		if s.Kind == "company" {
			sp = s
		}
	}
	if sp.ID == "" {
		t.Fatalf("no company space in %s", r.Body)
	}
	var folder Entry
	e.Must(http.StatusCreated, "POST", "/api/v1/drive/folders", adminTok, map[string]string{"parent_id": sp.RootID, "name": "Sync test"}).JSON(t, &folder)
	p := &probe{next: e.Server.Handler()}
	hs := httptest.NewServer(p)
	t.Cleanup(hs.Close)
	return &syncEnv{t: t, url: hs.URL, token: adminTok, space: sp.ID, root: folder.ID, dir: t.TempDir(), dataDir: t.TempDir(),
		otherC: NewClient(hs.URL, otherTok), clk: clock.NewFake(time.Date(2026, 11, 22, 14, 5, 0, 0, time.UTC)), probe: p, other: other.Name, server: e}
}
