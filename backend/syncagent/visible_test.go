//go:build !windows

package syncagent

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"tack/backend/store"
)

// serveEngine runs e.Serve until the test ends.
func serveEngine(t *testing.T, e *Engine) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.Serve(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
}

// corruptIndex breaks one row of the pair's index, as a disk fault or a
// bad shutdown can: the pair cannot load its base and cannot run.
func corruptIndex(t *testing.T, dataDir string) {
	t.Helper()
	db, err := store.Open(context.Background(), store.Config{DataDir: filepath.Join(dataDir, "sync")})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close(db)
	if err := db.Exec(`UPDATE sync_files SET chunks = '{not json' WHERE path = 'a.txt'`).Error; err != nil {
		t.Fatal(err)
	}
}

// A pair that stops for good says so at once: state "stopped" with the
// reason (worse than any other state), the callback the desktop and
// `tack sync` listen to, and an event for the tray.
func TestStoppedPairIsVisible(t *testing.T) {
	s := newFakeEnv(t)
	e0, _ := s.engine(ModeBackup)
	s.write("a.txt", "alpha")
	s.once(e0)
	_ = e0.Close()
	corruptIndex(t, s.dataDir)

	var got atomic.Pointer[PairStatus]
	e, p := s.engine(ModeBackup, func(o *Options) {
		o.OnPairStopped = func(st PairStatus) { got.Store(&st) }
	})
	serveEngine(t, e)
	waitFor(t, "the stop reported", 10*time.Second, func() bool { return got.Load() != nil })
	st := *got.Load()
	if st.PairID != p.ID || st.State != StateStopped || !strings.Contains(st.Error, "load index") || st.StoppedAt == nil {
		t.Fatalf("stopped status = %+v", st)
	}
	if now := e.Status()[0]; now.State != StateStopped || e.Overall() != StateStopped {
		t.Fatalf("status %+v, overall %s", now, e.Overall())
	}
	// Pausing does not hide it.
	if err := e.Pause(context.Background(), p.ID); err != nil {
		t.Fatal(err)
	}
	if e.Status()[0].State != StateStopped {
		t.Fatalf("a paused stopped pair shows %s", e.Status()[0].State)
	}
	// Resume tries again: with the cause gone, the pair runs.
	db, err := store.Open(context.Background(), store.Config{DataDir: filepath.Join(s.dataDir, "sync")})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Exec(`UPDATE sync_files SET chunks = NULL`).Error; err != nil {
		t.Fatal(err)
	}
	_ = store.Close(db)
	if err := e.Resume(context.Background(), p.ID); err != nil {
		t.Fatal(err)
	}
	s.write("b.txt", "beta")
	waitFor(t, "the pair running again", 10*time.Second, func() bool {
		st := e.Status()[0]
		return st.State == StateSynced && st.Error == "" && st.StoppedAt == nil
	})
	waitFor(t, "b.txt on the drive", 10*time.Second, func() bool { _, ok := s.remoteRead("b.txt"); return ok })
}

// Files the agent cannot back up are listed with their reason, never
// dropped silently: an unreadable (or, on Windows, locked) file, a symlink
// (never followed, here pointing outside the folder) and a FIFO. The
// unreadable file is tried again without any change to it and goes up once
// it can be read.
//
// The tests run as root, where chmod 000 does not stop a read, so the
// unreadable file is made so through the scanner's open seam
// (Options.openFile); the symlinks and the FIFO are real.
func TestSkippedFilesAreListedAndRetried(t *testing.T) {
	eachDrive(t, func(t *testing.T, s *syncEnv) {
		outside := t.TempDir()
		if err := os.WriteFile(filepath.Join(outside, "secret.txt"), []byte("outside"), 0o644); err != nil {
			t.Fatal(err)
		}
		s.write("ok.txt", "fine")
		s.write("mail.pst", "mailbox")
		if err := os.Symlink(filepath.Join(outside, "secret.txt"), filepath.Join(s.dir, "link.txt")); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(outside, filepath.Join(s.dir, "linkdir")); err != nil {
			t.Fatal(err)
		}
		if err := syscall.Mkfifo(filepath.Join(s.dir, "pipe"), 0o644); err != nil {
			t.Fatal(err)
		}
		var locked atomic.Bool
		locked.Store(true)
		e, _ := s.engine(ModeBackup, func(o *Options) {
			o.openFile = func(name string) (io.ReadCloser, error) {
				if filepath.Base(name) == "mail.pst" && locked.Load() {
					return nil, &fs.PathError{Op: "open", Path: name, Err: syscall.EACCES}
				}
				return os.Open(name)
			}
		})
		s.once(e)
		rem := s.remote()
		if rem["ok.txt"] == nil || rem["mail.pst"] != nil || rem["link.txt"] != nil || rem["linkdir"] != nil || rem["linkdir/secret.txt"] != nil || rem["pipe"] != nil {
			t.Fatalf("drive has %v", rem)
		}
		st := e.Status()[0]
		want := map[string]string{"link.txt": SkipSymlink, "linkdir": SkipSymlink, "mail.pst": SkipUnreadable, "pipe": SkipSpecial}
		if len(st.Skipped) != len(want) {
			t.Fatalf("skipped = %+v, want %v", st.Skipped, want)
		}
		for _, it := range st.Skipped {
			if want[it.Path] != it.Reason || it.Detail == "" {
				t.Fatalf("skipped = %+v, want %v", st.Skipped, want)
			}
		}

		// Served: the locked file is tried again by itself (no watcher, no
		// change to the file) and goes up once readable.
		serveEngine(t, e)
		locked.Store(false)
		waitFor(t, "mail.pst backed up on a retry", 20*time.Second, func() bool {
			r := e.Status()[0]
			return len(r.Skipped) == 3 && r.State == StateSynced
		})
		s.wantRemote("mail.pst", "mailbox")
	})
}

// flakyDrive forwards to the drive, or answers 503 while down.
type flakyDrive struct {
	down atomic.Bool
	next http.Handler
}

func (f *flakyDrive) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if f.down.Load() {
		http.Error(w, "down", http.StatusServiceUnavailable)
		return
	}
	f.next.ServeHTTP(w, r)
}

// "drive unreachable" goes away as soon as the drive answers again, not at
// the next change that happens to start a pass.
func TestDriveUnreachableClearsWhenTheDriveIsBack(t *testing.T) {
	s := newFakeEnv(t)
	u, _ := url.Parse(s.url)
	flaky := &flakyDrive{next: httputil.NewSingleHostReverseProxy(u)}
	hs := httptest.NewServer(flaky)
	t.Cleanup(hs.Close)
	s.url = hs.URL
	s.write("a.txt", "alpha")
	e, _ := s.engine(ModeBackup)
	serveEngine(t, e)
	waitFor(t, "first pass", 10*time.Second, func() bool { st := e.Status()[0]; return st.State == StateSynced && st.Error == "" })
	flaky.down.Store(true)
	waitFor(t, "drive unreachable shown", 20*time.Second, func() bool { return strings.HasPrefix(e.Status()[0].Error, "drive unreachable") })
	flaky.down.Store(false)
	waitFor(t, "the error cleared", 20*time.Second, func() bool { return e.Status()[0].Error == "" })
	if st := e.Status()[0]; st.State != StateSynced {
		t.Fatalf("after the drive came back: %+v", st)
	}
}

// A mass delete first seen by a partial pass (the watcher's paths) is
// decided by a full pass that follows at once; meanwhile the status says
// syncing, never "synced" with the deletes about to be held.
func TestDeferredMassDeleteIsNotShownSynced(t *testing.T) {
	s := newFakeEnv(t)
	e, p := s.engine(ModeBackup)
	for i := range 20 {
		s.write(fmt.Sprintf("f%02d.txt", i), "x")
	}
	s.once(e)
	var gone []string
	for i := range 15 {
		name := fmt.Sprintf("f%02d.txt", i)
		gone = append(gone, name)
		if err := os.Remove(filepath.Join(s.dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	r, _ := e.runner(p.ID)
	if _, err := r.pass(context.Background(), gone); err != nil {
		t.Fatal(err)
	}
	if st := r.statusCopy(); st.State != StateSyncing {
		t.Fatalf("after the partial pass: %s, want syncing until the full pass decides", st.State)
	}
	next := r.takeDirty()
	if len(next) != 1 || next[0] != "" {
		t.Fatalf("next pass %v, want the full pass at once", next)
	}
	if _, err := r.pass(context.Background(), next); err != nil {
		t.Fatal(err)
	}
	if st := r.statusCopy(); st.State != StateNeedsConfirmation || st.PendingDelete != 15 {
		t.Fatalf("after the full pass: %+v", st)
	}
}

type serverDevices struct {
	Items []struct {
		Name         string     `json:"name"`
		Client       string     `json:"client"`
		Behind       bool       `json:"behind"`
		Stopped      int        `json:"stopped"`
		LastBackupAt *time.Time `json:"last_backup_at"`
		Pairs        []struct {
			LocalPath string `json:"local_path"`
			State     string `json:"state"`
			Error     string `json:"error"`
		} `json:"pairs"`
	} `json:"items"`
}

// devicesOnServer is what an admin sees (the agent's user is an admin in
// the server env).
func (s *syncEnv) devicesOnServer() serverDevices {
	s.t.Helper()
	var out serverDevices
	if err := NewClient(s.url, s.token).do(context.Background(), "GET", "/api/v1/sync/devices", nil, &out); err != nil {
		s.t.Fatal(err)
	}
	return out
}

// The agent reports to the server: a working pair with its last backup, and
// a pair that stops at once, so the admin's list shows the desktop behind.
func TestHeartbeatReachesTheServer(t *testing.T) {
	s := newServerEnv(t)
	s.write("a.txt", "alpha")
	// Beat again and again: on a loaded machine the first pass may end after
	// the first beat, and the backup shows only in a later one.
	beat := func(o *Options) {
		o.DeviceName, o.ClientName = "front-desk-pc", "cli test"
		o.HeartbeatDelay, o.HeartbeatInterval = 50*time.Millisecond, 50*time.Millisecond
	}
	e0, _ := s.engine(ModeBackup, beat)
	serveEngine0 := func() func() {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- e0.Serve(ctx) }()
		return func() { cancel(); <-done }
	}()
	waitFor(t, "a heartbeat with a backup", 20*time.Second, func() bool {
		d := s.devicesOnServer()
		return len(d.Items) == 1 && d.Items[0].LastBackupAt != nil && !d.Items[0].Behind
	})
	if d := s.devicesOnServer().Items[0]; d.Name != "front-desk-pc" || d.Client != "cli test" || d.Pairs[0].LocalPath != s.dir || d.Pairs[0].State != string(StateSynced) {
		t.Fatalf("device %+v", d)
	}
	serveEngine0()
	_ = e0.Close()

	corruptIndex(t, s.dataDir)
	e, _ := s.engine(ModeBackup, beat, func(o *Options) { o.HeartbeatDelay, o.HeartbeatInterval = time.Hour, time.Hour }) // only the stop reports
	serveEngine(t, e)
	waitFor(t, "the stop on the server", 20*time.Second, func() bool {
		d := s.devicesOnServer()
		return len(d.Items) == 1 && d.Items[0].Stopped == 1 && d.Items[0].Behind
	})
	if d := s.devicesOnServer().Items[0]; d.Pairs[0].State != string(StateStopped) || !strings.Contains(d.Pairs[0].Error, "load index") {
		t.Fatalf("device %+v", d)
	}
}
