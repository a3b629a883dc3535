package syncagent

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"tack/backend/server/servertest"
)

// A session past the server's absolute lifetime answers 401: the agent does
// not fall silent or show "drive unreachable". Every pair says "sign in
// again", the engine tells its owner once (not at every retry), and a run
// of SyncOnce ends with ErrSignedOut.
func TestExpiredSessionShowsSignInAgainOnce(t *testing.T) {
	servertest.Each(t, func(t *testing.T, srv *servertest.Env) {
		s := newServerEnvOn(t, srv)
		s.write("a.txt", "alpha")
		var told atomic.Int32
		e, _ := s.engine(ModeBackup, func(o *Options) { o.OnSignedOut = func() { told.Add(1) } })
		serveEngine(t, e)
		waitFor(t, "first pass", 20*time.Second, func() bool { st := e.Status()[0]; return st.State == StateSynced && st.Error == "" })

		srv.Clock.Advance(31 * 24 * time.Hour) // past the 30-day absolute lifetime
		waitFor(t, "sign in again shown", 20*time.Second, func() bool { return e.Status()[0].State == StateSignedOut })
		if st := e.Status()[0]; st.Error != ErrSignedOut.Error() {
			t.Fatalf("status %+v", st)
		}
		if got := e.Overall(); got != StateSignedOut {
			t.Fatalf("overall %s", got)
		}
		// More work and more 401s: still one notice.
		s.write("b.txt", "beta")
		if err := e.SyncOnce(context.Background()); !errors.Is(err, ErrSignedOut) {
			t.Fatalf("SyncOnce: %v, want ErrSignedOut", err)
		}
		if err := e.SyncOnce(context.Background()); !errors.Is(err, ErrSignedOut) {
			t.Fatalf("SyncOnce again: %v", err)
		}
		waitFor(t, "told", 5*time.Second, func() bool { return told.Load() >= 1 })
		if n := told.Load(); n != 1 {
			t.Fatalf("told %d times, want once", n)
		}
	})
}

// A pair whose own drive folder was moved to the trash, or to another space,
// stops with a state of its own (not "drive unreachable"), and nothing local
// is deleted, even in two-way mode.
func TestTrashedPairFolderStopsThePair(t *testing.T) {
	testPairFolderGone(t, func(t *testing.T, srv *servertest.Env, s *syncEnv, folder Entry) {
		srv.Must(http.StatusNoContent, "DELETE", "/api/v1/drive/entries/"+s.root+"?version="+strconv.FormatInt(folder.Version, 10), s.token, nil)
	})
}

func TestPairFolderMovedToAnotherSpaceStopsThePair(t *testing.T) {
	testPairFolderGone(t, func(t *testing.T, srv *servertest.Env, s *syncEnv, folder Entry) {
		var spaces struct{ Items []Space }
		srv.Must(http.StatusOK, "GET", "/api/v1/drive/spaces", s.token, nil).JSON(t, &spaces)
		for _, sp := range spaces.Items {
			if sp.Kind == "personal" {
				srv.Must(http.StatusOK, "PATCH", "/api/v1/drive/entries/"+s.root, s.token, map[string]any{"version": folder.Version, "parent_id": sp.RootID})
				return
			}
		}
		t.Fatalf("no personal space in %+v", spaces.Items)
	})
}

func testPairFolderGone(t *testing.T, remove func(t *testing.T, srv *servertest.Env, s *syncEnv, folder Entry)) {
	servertest.Each(t, func(t *testing.T, srv *servertest.Env) {
		s := newServerEnvOn(t, srv)
		s.write("keep.txt", "mine")
		var stopped atomic.Int32
		e, _ := s.engine(ModeTwoWay, func(o *Options) { o.OnPairStopped = func(PairStatus) { stopped.Add(1) } })
		serveEngine(t, e)
		waitFor(t, "first pass", 20*time.Second, func() bool { st := e.Status()[0]; return st.State == StateSynced && st.Error == "" })
		s.wantRemote("keep.txt", "mine")

		var folder Entry
		srv.Must(http.StatusOK, "GET", "/api/v1/drive/entries/"+s.root, s.token, nil).JSON(t, &folder)
		remove(t, srv, s, folder)
		waitFor(t, "folder gone shown", 20*time.Second, func() bool { return e.Status()[0].State == StateFolderGone })
		if st := e.Status()[0]; st.Error != errFolderGone.Error() {
			t.Fatalf("status %+v", st)
		}
		waitFor(t, "OnPairStopped", 10*time.Second, func() bool { return stopped.Load() == 1 })
		if b, err := os.ReadFile(filepath.Join(s.dir, "keep.txt")); err != nil || string(b) != "mine" {
			t.Fatalf("local file after the folder was trashed: %q %v", b, err)
		}
	})
}
