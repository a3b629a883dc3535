package app

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"tack/backend/server/servertest"
	"tack/backend/store"
	"tack/backend/syncagent"
)

func waitUntil(t *testing.T, what string, fn func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !fn() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// signIn logs the window in through the proxy, as the login page does.
func signIn(t *testing.T, front string) {
	t.Helper()
	body := `{"email":"` + servertest.AdminEmail + `","password":"` + servertest.TestPassword + `"}`
	req, _ := http.NewRequest("POST", front+"/api/v1/auth/login", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Tack-Request", "1")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("login: %d", resp.StatusCode)
	}
}

// agentRig is a desktop App whose sync agent is running, signed out, with
// the window's proxy pointing at a real server.
type agentRig struct {
	env    *servertest.Env
	admin  string // the admin's bearer token
	app    *App
	target *url.URL      // the server the proxy forwards to
	front  string        // the proxy as the window reaches it
	notes  *FakeNotifier // the OS notifications raised
}

// startAgent starts the rig; everything stops when the test ends.
func startAgent(t *testing.T) *agentRig {
	t.Helper()
	old := syncAgentPoll
	syncAgentPoll = 20 * time.Millisecond
	t.Cleanup(func() { syncAgentPoll = old })
	env := servertest.New(t)
	// The cookie jar drops cookies by the wall clock: the server's fake
	// clock starts where a session cookie is not already expired.
	env.Clock.Set(time.Now())
	admin, _ := env.Setup()
	p := proxyTo(t, env.HTTP.URL)
	front := httptest.NewServer(p)
	t.Cleanup(front.Close)
	notes := &FakeNotifier{}
	cfg := t.TempDir()
	a := &App{ConfigDir: cfg, Proxy: p, Sync: NewSync(cfg), Notifier: notes}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); a.runSyncAgent(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	target, _ := url.Parse(env.HTTP.URL)
	return &agentRig{env: env, admin: admin, app: a, target: target, front: front.URL, notes: notes}
}

// signInAndWait signs the window in and waits for the agent's engine.
func (r *agentRig) signInAndWait(t *testing.T) {
	t.Helper()
	signIn(t, r.front)
	waitUntil(t, "engine after sign-in", func() bool { _, err := r.app.Sync.SyncStatus(); return err == nil })
}

// The desktop runs the sync engine with the window's session: signing in
// starts it (settings and tray work), a pair added through the facade backs
// up a real folder to the real server, signing out stops it, and signing in
// again finds the pair in that server's index.
func TestDesktopSyncAgentFollowsTheSession(t *testing.T) {
	// The notice is checked in English: say so rather than rely on the machine's locale.
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_MESSAGES", "")
	t.Setenv("LANG", "en_US.UTF-8")
	r := startAgent(t)
	env, adminTok, a, notes := r.env, r.admin, r.app, r.notes

	if _, err := a.Sync.SyncStatus(); err != errNoEngine {
		t.Fatalf("signed out: %v, want no engine", err)
	}
	r.signInAndWait(t)

	var spaces struct{ Items []syncagent.Space }
	env.Must(http.StatusOK, "GET", "/api/v1/drive/spaces", adminTok, nil).JSON(t, &spaces)
	var company syncagent.Space
	for _, s := range spaces.Items {
		if s.Kind == "company" {
			company = s
		}
	}
	dir := t.TempDir()
	for _, name := range []string{"report.txt", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "a9", "a10", "a11"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("q4 "+name), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	a.openDir = func(string) (string, error) { return dir, nil } // the user chooses dir
	if _, err := a.PickFolder("choose"); err != nil {
		t.Fatal(err)
	}
	pair, err := a.Sync.AddPair(AddPairRequest{LocalPath: dir, SpaceID: company.ID, RemoteFolderID: company.RootID, Mode: "backup"})
	if err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "report.txt on the drive", func() bool {
		r := env.Do("GET", "/api/v1/drive/spaces/"+company.ID+"/changes?cursor=", adminTok, nil)
		return strings.Contains(string(r.Body), `"report.txt"`)
	})
	waitUntil(t, "synced status", func() bool {
		ov, err := a.Sync.SyncStatus()
		return err == nil && len(ov.Pairs) == 1 && ov.Pairs[0].State == syncagent.StateSynced && ov.Overall == syncagent.StateSynced
	})
	if err := a.Sync.PausePair(""); err != nil {
		t.Fatal(err)
	}
	if ov, _ := a.Sync.SyncStatus(); ov.Overall != syncagent.StatePaused {
		t.Fatalf("after pause from the tray: %+v", ov)
	}
	if err := a.Sync.ResumePair(""); err != nil {
		t.Fatal(err)
	}

	// A mass delete (11 of 12 files) is held, and the desktop says so.
	for i := 1; i <= 11; i++ {
		if err := os.Remove(filepath.Join(dir, "a"+strconv.Itoa(i))); err != nil {
			t.Fatal(err)
		}
	}
	// (A pass that was already running may have done the first few: they
	// are under the limits alone, and in the drive's trash.)
	held := 0
	waitUntil(t, "held deletes", func() bool {
		ov, err := a.Sync.SyncStatus()
		if err == nil && ov.Overall == syncagent.StateNeedsConfirmation {
			held = ov.Pairs[0].PendingDelete
		}
		return held > 0
	})
	if held < 2 {
		t.Fatalf("%d deletes held, want most of the 11", held)
	}
	waitUntil(t, "OS notification of the held deletes", func() bool {
		for _, n := range notes.All() {
			if n.Link == "/sync" && strings.Contains(n.Body, strconv.Itoa(held)+" files deleted in "+dir) {
				return true
			}
		}
		return false
	})

	a.Proxy.SetTarget(r.target) // what signing out or reconnecting does to the jar
	waitUntil(t, "engine stopped after sign-out", func() bool { _, err := a.Sync.SyncStatus(); return err == errNoEngine })
	r.signInAndWait(t)
	pairs, err := a.Sync.ListPairs()
	if err != nil || len(pairs) != 1 || pairs[0].ID != pair.ID {
		b, _ := json.Marshal(pairs)
		t.Fatalf("pairs after signing in again: %s, %v", b, err)
	}
}

// Before the first pair the settings page gets an empty list, not null: the
// window's table and held-deletes filter read pairs as an array, and null
// left the whole page blank in the desktop window.
func TestSyncStatusWithoutPairsIsAnEmptyList(t *testing.T) {
	r := startAgent(t)
	r.signInAndWait(t)
	ov, err := r.app.Sync.SyncStatus()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(ov)
	if !strings.Contains(string(b), `"pairs":[]`) {
		t.Fatalf("status without pairs = %s, want \"pairs\":[]", b)
	}
}

// Pairs name one server's folders, so each server has its own index; the
// workspace on this computer keeps its index across restarts although it
// listens on a new port each time.
func TestSyncDataDirPerServer(t *testing.T) {
	u1, _ := url.Parse("http://127.0.0.1:41001")
	u2, _ := url.Parse("http://127.0.0.1:52002")
	team, _ := url.Parse("https://tack.example.com")
	if syncDataDir("/c", ModeLocal, u1) != syncDataDir("/c", ModeLocal, u2) {
		t.Fatal("the local workspace's index moved with its port")
	}
	if syncDataDir("/c", ModeRemote, team) == syncDataDir("/c", ModeRemote, u1) || syncDataDir("/c", ModeRemote, team) != syncDataDir("/c", ModeRemote, team) {
		t.Fatal("team servers must map to distinct, stable indexes")
	}
}

// A pair that stops for good (its index is corrupt) raises an OS
// notification at once, which opens the settings page, and the status says
// stopped: the desktop no longer backs the folder up without a word.
func TestDesktopNotifiesAStoppedPair(t *testing.T) {
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_MESSAGES", "")
	t.Setenv("LANG", "en_US.UTF-8")
	r := startAgent(t)
	ctx := context.Background()
	data := syncDataDir(r.app.ConfigDir, "", r.target)
	ix, err := syncagent.OpenIndex(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := ix.SavePair(ctx, syncagent.Pair{ID: "p1", LocalPath: dir, SpaceID: "s", RemoteFolderID: "f", Mode: syncagent.ModeBackup, CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if err := ix.Apply(ctx, "p1", []*syncagent.FileRecord{{PairID: "p1", Path: "a.txt", Hash: "h", EntryID: "e", Version: 1}}, nil); err != nil {
		t.Fatal(err)
	}
	_ = ix.Close()
	db, err := store.Open(ctx, store.Config{DataDir: filepath.Join(data, "sync")})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Exec(`UPDATE sync_files SET chunks = '{not json'`).Error; err != nil {
		t.Fatal(err)
	}
	_ = store.Close(db)

	r.signInAndWait(t)
	waitUntil(t, "OS notification of the stopped pair", func() bool {
		for _, n := range r.notes.All() {
			if n.Link == "/sync" && strings.Contains(n.Title, "stopped syncing") && strings.Contains(n.Body, dir) && strings.Contains(n.Body, "load index") {
				return true
			}
		}
		return false
	})
	ov, err := r.app.Sync.SyncStatus()
	if err != nil || ov.Overall != syncagent.StateStopped || ov.Pairs[0].State != syncagent.StateStopped {
		t.Fatalf("status %+v, %v", ov, err)
	}
	if it := syncMenu(langEN, ov, nil); it.Status != "Sync: 1 folders stopped syncing (open to see why)" {
		t.Fatalf("tray says %q", it.Status)
	}
}
