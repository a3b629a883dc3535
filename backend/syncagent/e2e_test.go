package syncagent

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	gosync "sync"
	"syscall"
	"testing"
	"time"

	"github.com/fsnotify/fsnotify"

	"tack/backend/clock"
	"tack/backend/server/servertest"
)

// syncEnv is a drive server (fake or real), a local folder and a second
// user who changes things on the drive through the same HTTP API.
type syncEnv struct {
	t       *testing.T
	url     string
	token   string
	space   string
	root    string
	dir     string
	dataDir string
	otherC  *Client
	clk     *clock.Fake
	fake    *fakeDrive      // nil against the real server
	server  *servertest.Env // nil against the fake
	probe   *probe
	other   string // the other user's display name
}

func newFakeEnv(t *testing.T) *syncEnv {
	d := newFakeDrive(t)
	return &syncEnv{t: t, url: d.srv.URL, token: "tok-me", space: d.space, root: d.root, dir: t.TempDir(), dataDir: t.TempDir(),
		otherC: NewClient(d.srv.URL, "tok-other"), clk: clock.NewFake(time.Date(2026, 11, 22, 14, 5, 0, 0, time.UTC)), fake: d, probe: d.probe, other: "李四"}
}

func (s *syncEnv) engine(mode Mode, tweak ...func(*Options)) (*Engine, Pair) {
	s.t.Helper()
	c := NewClient(s.url, s.token)
	c.Backoff = 10 * time.Millisecond
	c.Retries = 2
	opts := Options{DataDir: s.dataDir, Client: c, Clock: s.clk, UserName: "Me", NoWatch: true, FeedWait: 1}
	for _, f := range tweak {
		f(&opts)
	}
	e, err := New(context.Background(), opts)
	if err != nil {
		s.t.Fatal(err)
	}
	s.t.Cleanup(func() { _ = e.Close() })
	ps := e.Pairs()
	if len(ps) > 0 {
		return e, ps[0]
	}
	p, err := e.AddPair(context.Background(), Pair{LocalPath: s.dir, SpaceID: s.space, RemoteFolderID: s.root, Mode: mode})
	if err != nil {
		s.t.Fatal(err)
	}
	return e, p
}

func (s *syncEnv) once(e *Engine) {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := e.SyncOnce(ctx); err != nil {
		s.t.Fatal(err)
	}
}

func (s *syncEnv) write(rel, content string) {
	s.t.Helper()
	p := filepath.Join(s.dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		s.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		s.t.Fatal(err)
	}
}

func (s *syncEnv) read(rel string) (string, bool) {
	b, err := os.ReadFile(filepath.Join(s.dir, filepath.FromSlash(rel)))
	return string(b), err == nil
}

// remote lists the drive folder as the other user sees it: path → entry.
func (s *syncEnv) remote() map[string]*RemoteFile {
	s.t.Helper()
	tree := newRemoteTree(s.root)
	page, err := s.otherC.Changes(context.Background(), s.space, "", 0)
	if err != nil {
		s.t.Fatal(err)
	}
	tree.Apply(page)
	return tree.Snapshot()
}

func (s *syncEnv) remoteRead(rel string) (string, bool) {
	s.t.Helper()
	r := s.remote()[rel]
	if r == nil || r.Dir {
		return "", false
	}
	body, err := s.otherC.Download(context.Background(), r.EntryID, 0)
	if err != nil {
		s.t.Fatal(err)
	}
	defer body.Close()
	b, _ := io.ReadAll(body)
	return string(b), true
}

// remoteWrite writes a file on the drive as the other user (new file or new version).
func (s *syncEnv) remoteWrite(rel, content string) {
	s.t.Helper()
	ctx := context.Background()
	rem := s.remote()
	parent := s.root
	dir := parentOf(rel)
	if dir != "" {
		parts := strings.Split(dir, "/")
		for i := range parts {
			p := strings.Join(parts[:i+1], "/")
			if r := rem[p]; r != nil {
				parent = r.EntryID
				continue
			}
			e, err := s.otherC.CreateFolder(ctx, parent, parts[i])
			if err != nil {
				s.t.Fatal(err)
			}
			parent = e.ID
		}
	}
	_, hash, chunks, err := hashReader(strings.NewReader(content), true)
	if err != nil {
		s.t.Fatal(err)
	}
	req := UploadRequest{Size: int64(len(content)), Hash: hash}
	for _, c := range chunks {
		req.Chunks = append(req.Chunks, UploadChunk{Hash: c.Hash, Size: c.Size})
	}
	if r := rem[rel]; r != nil {
		req.EntryID, req.BaseVersion = r.EntryID, r.Version
	} else {
		req.ParentID, req.Name = parent, path.Base(rel)
	}
	st, err := s.otherC.StartUpload(ctx, req)
	if err != nil {
		s.t.Fatal(err)
	}
	for _, c := range chunks {
		if err := s.otherC.PutChunk(ctx, st.ID, c.Hash, []byte(content[c.Offset:c.Offset+int64(c.Size)])); err != nil {
			s.t.Fatal(err)
		}
	}
	if _, err := s.otherC.Commit(ctx, st.ID); err != nil {
		s.t.Fatal(err)
	}
}

func (s *syncEnv) wantRemote(rel, content string) {
	s.t.Helper()
	got, ok := s.remoteRead(rel)
	if !ok || got != content {
		s.t.Fatalf("drive %s = %q (exists %v), want %q", rel, got, ok, content)
	}
}

func (s *syncEnv) wantLocal(rel, content string) {
	s.t.Helper()
	got, ok := s.read(rel)
	if !ok || got != content {
		s.t.Fatalf("local %s = %q (exists %v), want %q", rel, got, ok, content)
	}
}

func (s *syncEnv) noTempFiles() {
	s.t.Helper()
	_ = filepath.WalkDir(s.dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(d.Name(), tempPrefix) {
			s.t.Errorf("temp file left behind: %s", p)
		}
		return nil
	})
}

func TestBackupCreateModifyRenameMoveDelete(t *testing.T) {
	eachDrive(t, func(t *testing.T, s *syncEnv) {
		e, _ := s.engine(ModeBackup)
		s.write("a.txt", "alpha")
		s.write("docs/b.txt", "bravo")
		s.write("docs/deep/c.txt", "charlie")
		s.write("empty/.keep", "")
		s.once(e)
		s.wantRemote("a.txt", "alpha")
		s.wantRemote("docs/b.txt", "bravo")
		s.wantRemote("docs/deep/c.txt", "charlie")
		if r := s.remote()["empty"]; r == nil || !r.Dir {
			t.Fatal("folder not created on the drive")
		}

		// modify
		s.write("a.txt", "alpha v2")
		s.once(e)
		s.wantRemote("a.txt", "alpha v2")

		// rename a file: same drive entry, moved
		idBefore := s.remote()["docs/b.txt"].EntryID
		if err := os.Rename(filepath.Join(s.dir, "docs/b.txt"), filepath.Join(s.dir, "docs/b-renamed.txt")); err != nil {
			t.Fatal(err)
		}
		// move a directory
		dirBefore := s.remote()["docs/deep"].EntryID
		if err := os.Rename(filepath.Join(s.dir, "docs/deep"), filepath.Join(s.dir, "moved-deep")); err != nil {
			t.Fatal(err)
		}
		s.once(e)
		rem := s.remote()
		if r := rem["docs/b-renamed.txt"]; r == nil || r.EntryID != idBefore {
			t.Fatalf("rename was not a drive move: %+v", r)
		}
		if r := rem["moved-deep"]; r == nil || r.EntryID != dirBefore {
			t.Fatalf("directory move was not a drive move: %+v", r)
		}
		s.wantRemote("moved-deep/c.txt", "charlie")
		if rem["docs/b.txt"] != nil || rem["docs/deep"] != nil {
			t.Fatal("old paths still on the drive")
		}

		// delete: to the drive's trash
		aID := rem["a.txt"].EntryID
		if err := os.Remove(filepath.Join(s.dir, "a.txt")); err != nil {
			t.Fatal(err)
		}
		if err := os.RemoveAll(filepath.Join(s.dir, "moved-deep")); err != nil {
			t.Fatal(err)
		}
		s.once(e)
		rem = s.remote()
		if rem["a.txt"] != nil || rem["moved-deep"] != nil || rem["moved-deep/c.txt"] != nil {
			t.Fatal("deleted paths still live on the drive")
		}
		if s.fake != nil {
			s.fake.mu.Lock()
			trashed := s.fake.entries[aID].Deleted
			s.fake.mu.Unlock()
			if !trashed {
				t.Fatal("local delete did not go to the drive's trash")
			}
		}
		_ = aID
		// backup mode does not pull drive-side changes
		s.remoteWrite("from-drive.txt", "not pulled")
		s.once(e)
		if _, ok := s.read("from-drive.txt"); ok {
			t.Fatal("backup mode pulled a drive-side file")
		}
	})
}

func TestTwoWayPullsAndConflictKeepsBoth(t *testing.T) {
	eachDrive(t, func(t *testing.T, s *syncEnv) {
		e, _ := s.engine(ModeTwoWay)
		s.write("report.docx", "base")
		s.once(e)

		s.remoteWrite("sub/new.txt", "from colleague")
		s.once(e)
		s.wantLocal("sub/new.txt", "from colleague")

		// both sides edit the same file
		s.write("report.docx", "my edit")
		s.remoteWrite("report.docx", "their edit")
		user := s.remote()["report.docx"].User // the colleague's display name, when the drive sends it
		if user == "" {
			user = "drive"
		}
		s.once(e)
		conflict := "report (conflict " + user + " 2026-11-22 1405).docx"
		s.wantLocal("report.docx", "my edit")
		s.wantLocal(conflict, "their edit")
		s.wantRemote("report.docx", "my edit")
		s.wantRemote(conflict, "their edit")

		// drive-side rename and delete arrive locally
		s.remoteWrite("gone.txt", "x")
		s.once(e)
		ctx := context.Background()
		rem := s.remote()
		if _, err := s.otherC.Move(ctx, rem["sub/new.txt"].EntryID, rem["sub/new.txt"].Version, "", "renamed.txt"); err != nil {
			t.Fatal(err)
		}
		if err := s.otherC.Delete(ctx, rem["gone.txt"].EntryID, rem["gone.txt"].Version); err != nil {
			t.Fatal(err)
		}
		s.once(e)
		s.wantLocal("sub/renamed.txt", "from colleague")
		if _, ok := s.read("gone.txt"); ok {
			t.Fatal("drive delete not applied locally")
		}
		if _, ok := s.read("sub/new.txt"); ok {
			t.Fatal("old name still there after the drive rename")
		}
		s.noTempFiles()
	})
}

func TestMirrorNeverOverwritesLocalEdit(t *testing.T) {
	eachDrive(t, func(t *testing.T, s *syncEnv) {
		s.remoteWrite("plan.xlsx", "v1")
		e, _ := s.engine(ModeMirror)
		s.once(e)
		s.wantLocal("plan.xlsx", "v1")
		s.write("plan.xlsx", "local scribble")
		s.write("local-only.txt", "mine")
		s.remoteWrite("plan.xlsx", "v2")
		s.once(e)
		s.wantLocal("plan.xlsx", "v2")
		s.wantLocal("plan (conflict Me 2026-11-22 1405).xlsx", "local scribble")
		if _, ok := s.remoteRead("local-only.txt"); ok {
			t.Fatal("mirror mode uploaded a local file")
		}
		s.noTempFiles()
	})
}

func TestIgnoreRulesAndBuiltins(t *testing.T) {
	eachDrive(t, func(t *testing.T, s *syncEnv) {
		e, _ := s.engine(ModeBackup)
		s.write(".tackignore", "*.log\nbuild/\n!keep.log\n")
		s.write("x.log", "no")
		s.write("keep.log", "yes")
		s.write("build/out.bin", "no")
		s.write("~$report.docx", "office lock")
		s.write(".~lock.sheet.ods#", "lo lock")
		s.write(".DS_Store", "mac")
		s.write("Thumbs.db", "win")
		s.write("a.swp", "vim")
		s.write("real.txt", "yes")
		s.once(e)
		rem := s.remote()
		for _, p := range []string{"x.log", "build", "build/out.bin", "~$report.docx", ".~lock.sheet.ods#", ".DS_Store", "Thumbs.db", "a.swp"} {
			if rem[p] != nil {
				t.Errorf("%s was synced", p)
			}
		}
		for _, p := range []string{".tackignore", "keep.log", "real.txt"} {
			if rem[p] == nil {
				t.Errorf("%s was not synced", p)
			}
		}
	})
}

func TestMassDeleteAsksForConfirmation(t *testing.T) {
	eachDrive(t, func(t *testing.T, s *syncEnv) {
		e, p := s.engine(ModeBackup)
		for i := range 12 {
			s.write("f"+string(rune('a'+i))+".txt", "x")
		}
		s.write("stay.txt", "y")
		s.once(e)
		for i := range 12 {
			_ = os.Remove(filepath.Join(s.dir, "f"+string(rune('a'+i))+".txt"))
		}
		s.once(e)
		st := e.Status()[0]
		if st.State != StateNeedsConfirmation || st.PendingDelete != 12 {
			t.Fatalf("status %+v, want needs_confirmation with 12 deletes", st)
		}
		if len(s.remote()) != 13 {
			t.Fatal("files deleted on the drive before confirmation")
		}
		if err := e.ConfirmDeletes(p.ID); err != nil {
			t.Fatal(err)
		}
		s.once(e)
		if n := len(s.remote()); n != 1 {
			t.Fatalf("%d entries on the drive after confirming", n)
		}
		if st := e.Status()[0]; st.State != StateSynced {
			t.Fatalf("status after confirm %+v", st)
		}
		// The confirmation was for that delete only.
		for i := range 12 {
			s.write(fmt.Sprintf("g%02d.txt", i), "y")
		}
		s.once(e)
		for i := range 12 {
			_ = os.Remove(filepath.Join(s.dir, fmt.Sprintf("g%02d.txt", i)))
		}
		s.once(e)
		if st := e.Status()[0]; st.State != StateNeedsConfirmation {
			t.Fatalf("second mass delete went through without asking: %+v", st)
		}
	})
}

func TestCaseClashIsReportedNotSynced(t *testing.T) {
	eachDrive(t, func(t *testing.T, s *syncEnv) {
		e, _ := s.engine(ModeBackup)
		s.write("Readme.md", "1")
		s.write("README.md", "2")
		s.write("ok.txt", "3")
		if _, err := os.Stat(filepath.Join(s.dir, "readme.md")); err == nil {
			t.Skip("case-insensitive local file system")
		}
		s.once(e)
		rem := s.remote()
		if rem["Readme.md"] != nil || rem["README.md"] != nil || rem["ok.txt"] == nil {
			t.Fatalf("drive has %v", rem)
		}
		if st := e.Status()[0]; len(st.Clashes) != 2 {
			t.Fatalf("clashes %v", st.Clashes)
		}
	})
}

func TestUnicodeNamesAreNFC(t *testing.T) {
	eachDrive(t, func(t *testing.T, s *syncEnv) {
		e, _ := s.engine(ModeBackup)
		nfd := "Cafe\u0301.txt" // as macOS writes it
		s.write(nfd, "x")
		s.once(e)
		if s.remote()["Caf\u00e9.txt"] == nil {
			t.Fatalf("drive has %v, want the NFC name", s.remote())
		}
		s.once(e) // stable: no re-upload, no delete
		if len(s.remote()) != 1 {
			t.Fatalf("drive has %v", s.remote())
		}
	})
}

func randomBytes(t *testing.T, n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

// bigUpload writes big.bin (9 MiB of random bytes, at least three chunks)
// and small.txt into the local folder; it returns big.bin and its chunks.
func (s *syncEnv) bigUpload() ([]byte, Chunks) {
	s.t.Helper()
	data := randomBytes(s.t, 9<<20)
	if err := os.WriteFile(filepath.Join(s.dir, "big.bin"), data, 0o644); err != nil {
		s.t.Fatal(err)
	}
	s.write("small.txt", "small")
	_, _, chunks, err := hashFile(filepath.Join(s.dir, "big.bin"), true)
	if err != nil || len(chunks) < 3 {
		s.t.Fatalf("chunks %d, %v", len(chunks), err)
	}
	return data, chunks
}

// restartAfterKill checks that nothing of big.bin is visible on the drive
// after the interrupted pass, runs one pass of a new engine on the same data
// dir, and checks that both files arrived whole; it returns that engine.
func (s *syncEnv) restartAfterKill(data []byte) *Engine {
	s.t.Helper()
	if _, ok := s.remoteRead("big.bin"); ok {
		s.t.Fatal("half a file is visible on the drive")
	}
	e, _ := s.engine(ModeBackup)
	s.once(e)
	if got, ok := s.remoteRead("big.bin"); !ok || !bytes.Equal([]byte(got), data) {
		s.t.Fatal("big.bin not intact on the drive after the restart")
	}
	s.wantRemote("small.txt", "small")
	return e
}

func TestKillMidUploadResumes(t *testing.T) {
	eachDrive(t, func(t *testing.T, s *syncEnv) {
		data, chunks := s.bigUpload()

		// First run: let two chunks through, then kill the agent.
		// Batches of about 1 MiB: several requests for the 9 MiB file.
		e1, _ := s.engine(ModeBackup, func(o *Options) { o.Workers = 1; o.ChunkBatch = 1 << 20 })
		gate := make(chan struct{})
		s.probe.setGate(gate)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- e1.SyncOnce(ctx) }()
		gate <- struct{}{}
		gate <- struct{}{}
		// Chunks go up several at once: wait for the two let through.
		waitFor(t, "two chunks stored", 30*time.Second, func() bool { n, _ := s.probe.counts(); return n >= 2 })
		cancel()
		s.probe.setGate(nil)
		close(gate)
		if err := <-done; err == nil {
			t.Fatal("SyncOnce survived the kill")
		}
		_ = e1.Close()
		s.probe.settle()
		sent, _ := s.probe.counts()
		if sent == 0 || sent >= len(chunks) {
			t.Fatalf("%d of %d chunks stored before the kill: not a mid-upload kill", sent, len(chunks))
		}

		// Restart: the upload resumes, only missing chunks are sent.
		s.restartAfterKill(data)
		if total, _ := s.probe.counts(); total > len(chunks) {
			t.Fatalf("sent %d chunks before the kill and %d in all for %d chunks: not resumed", sent, total, len(chunks))
		}
	})
}

func waitFor(t *testing.T, what string, d time.Duration, fn func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if fn() {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

func TestWatchUploadsSavedFileAndOverflowRescans(t *testing.T) {
	eachDrive(t, func(t *testing.T, s *syncEnv) {
		e, _ := s.engine(ModeTwoWay, func(o *Options) { o.NoWatch = false })
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- e.Serve(ctx) }()
		defer func() { cancel(); <-done }()
		waitFor(t, "first pass", 5*time.Second, func() bool { return e.Status()[0].State == StateSynced })

		s.write("saved.txt", "hello")
		waitFor(t, "saved file on the drive", 5*time.Second, func() bool { got, ok := s.remoteRead("saved.txt"); return ok && got == "hello" })

		// new directory: the watch is added, then the directory is scanned
		s.write("newdir/inner/file.txt", "nested")
		waitFor(t, "nested file on the drive", 5*time.Second, func() bool { _, ok := s.remoteRead("newdir/inner/file.txt"); return ok })

		// a drive-side change arrives through the change feed
		s.remoteWrite("pushed.txt", "from the drive")
		waitFor(t, "drive file locally", 5*time.Second, func() bool { got, ok := s.read("pushed.txt"); return ok && got == "from the drive" })

		// overflow: events were lost; status says so and the folder is rescanned
		r, _ := e.runner(e.Pairs()[0].ID)
		r.watcher.mu.Lock()
		for d := range r.watcher.watched { // simulate the lost events: stop watching
			_ = r.watcher.w.Remove(filepath.Join(s.dir, filepath.FromSlash(d)))
		}
		r.watcher.mu.Unlock()
		s.write("lost-event.txt", "missed by inotify")
		time.Sleep(50 * time.Millisecond)
		r.watcher.InjectError(fsnotify.ErrEventOverflow)
		waitFor(t, "degraded status", 2*time.Second, func() bool {
			return strings.Contains(e.Status()[0].Degraded, "watching degraded: event overflow")
		})
		waitFor(t, "rescan after overflow", 5*time.Second, func() bool { _, ok := s.remoteRead("lost-event.txt"); return ok })
		if st := e.Status()[0]; st.State == StateSynced && st.Degraded != "" {
			t.Fatalf("status %+v: degraded must not read as synced", st)
		}
	})
}

func TestFailedWatchMarksDegradedAndPolls(t *testing.T) {
	eachDrive(t, func(t *testing.T, s *syncEnv) {
		s.write("a/x.txt", "1")
		orig := watchAdd
		watchAdd = func(fw *fsnotify.Watcher, abs string) error {
			if strings.HasSuffix(abs, string(filepath.Separator)+"a") {
				return fmt.Errorf("inotify_add_watch %s: %w", abs, syscall.ENOSPC) // the watch limit
			}
			return orig(fw, abs)
		}
		defer func() { watchAdd = orig }()
		e, _ := s.engine(ModeBackup, func(o *Options) { o.NoWatch = false; o.PollInterval = 100 * time.Millisecond })
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- e.Serve(ctx) }()
		defer func() { cancel(); <-done }()
		waitFor(t, "degraded status", 3*time.Second, func() bool { return e.Status()[0].State == StateDegraded })
		if d := e.Status()[0].Degraded; !strings.Contains(d, "inotify watch limit reached") || !strings.Contains(d, "max_user_watches") {
			t.Fatalf("degraded reason %q, want the watch limit named with how to raise it", d)
		}
		// the unwatched subtree is still synced by polling
		s.write("a/y.txt", "2")
		waitFor(t, "polled file on the drive", 5*time.Second, func() bool { _, ok := s.remoteRead("a/y.txt"); return ok })
	})
}

func TestPauseResume(t *testing.T) {
	eachDrive(t, func(t *testing.T, s *syncEnv) {
		e, p := s.engine(ModeBackup, func(o *Options) { o.NoWatch = false })
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- e.Serve(ctx) }()
		defer func() { cancel(); <-done }()
		waitFor(t, "first pass", 5*time.Second, func() bool { return e.Status()[0].State == StateSynced })
		if err := e.Pause(ctx, p.ID); err != nil {
			t.Fatal(err)
		}
		if st := e.Status()[0]; st.State != StatePaused || e.Overall() != StatePaused {
			t.Fatalf("status %+v", st)
		}
		s.write("while-paused.txt", "x")
		time.Sleep(5 * notifyMax)
		if _, ok := s.remoteRead("while-paused.txt"); ok {
			t.Fatal("uploaded while paused")
		}
		if err := e.Resume(ctx, p.ID); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "upload after resume", 5*time.Second, func() bool { _, ok := s.remoteRead("while-paused.txt"); return ok })
		// the pause survives a restart of the engine (stored in the index)
		if err := e.Pause(ctx, p.ID); err != nil {
			t.Fatal(err)
		}
		ps, _ := e.index.Pairs(ctx)
		if !ps[0].Paused {
			t.Fatal("pause not stored")
		}
	})
}

func TestDownloadGoesThroughTempFileAndRename(t *testing.T) {
	eachDrive(t, func(t *testing.T, s *syncEnv) {
		content := strings.Repeat("0123456789", 100000) // 1 MB
		s.remoteWrite("docs/big.txt", content)
		e, _ := s.engine(ModeMirror)
		gate := make(chan struct{})
		s.probe.mu.Lock()
		s.probe.dlGate = gate
		s.probe.mu.Unlock()
		done := make(chan error, 1)
		go func() { done <- e.SyncOnce(context.Background()) }()
		// While half the body has arrived: a temp file in the same folder,
		// nothing at the real name.
		waitFor(t, "temp file", 5*time.Second, func() bool {
			m, _ := filepath.Glob(filepath.Join(s.dir, "docs", tempPrefix+"*"))
			return len(m) == 1
		})
		if _, ok := s.read("docs/big.txt"); ok {
			t.Fatal("a half-downloaded file is visible under its real name")
		}
		close(gate)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		s.wantLocal("docs/big.txt", content)
		s.noTempFiles()
	})
}

func TestStaleTempFilesAreRemoved(t *testing.T) {
	s := newFakeEnv(t)
	e, _ := s.engine(ModeBackup)
	s.write("d/"+tempPrefix+"abc", "left by a killed agent")
	s.write("keep.txt", "x")
	s.once(e)
	s.noTempFiles()
	if s.remote()["d/"+tempPrefix+"abc"] != nil {
		t.Fatal("temp file uploaded")
	}
}

func TestPeriodicRescanWithoutWatcherAndEvents(t *testing.T) {
	s := newFakeEnv(t)
	e, p := s.engine(ModeBackup, func(o *Options) { o.RescanInterval = 100 * time.Millisecond })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.Serve(ctx) }()
	defer func() { cancel(); <-done }()
	s.write("found-by-rescan.txt", "x")
	waitFor(t, "periodic rescan upload", 5*time.Second, func() bool { _, ok := s.remoteRead("found-by-rescan.txt"); return ok })
	// The UI/tray get status changes on the events channel.
	select {
	case ev := <-e.Events():
		if ev.PairID != p.ID || ev.Status.PairID != p.ID {
			t.Fatalf("event %+v", ev)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("no status event")
	}
}

func TestTwoWayRemoteFolderDeleteKeepsLocalEdits(t *testing.T) {
	eachDrive(t, func(t *testing.T, s *syncEnv) {
		e, _ := s.engine(ModeTwoWay)
		s.write("gone/a.txt", "a")
		s.write("gone/b.txt", "b")
		s.write("kept/x.txt", "x")
		s.write("kept/y.txt", "y")
		s.once(e)
		ctx := context.Background()
		rem := s.remote()
		for _, d := range []string{"gone", "kept"} {
			if err := s.otherC.Delete(ctx, rem[d].EntryID, rem[d].Version); err != nil {
				t.Fatal(err)
			}
		}
		s.write("kept/y.txt", "edited locally, never uploaded")
		s.once(e)
		if _, err := os.Stat(filepath.Join(s.dir, "gone")); !os.IsNotExist(err) {
			t.Fatal("folder deleted on the drive is still here")
		}
		if _, ok := s.read("kept/x.txt"); ok {
			t.Fatal("unchanged file of a deleted folder is still here")
		}
		s.wantLocal("kept/y.txt", "edited locally, never uploaded")
		s.wantRemote("kept/y.txt", "edited locally, never uploaded")
	})
}

// Small files, new or changed, go up in batches (a few requests for
// hundreds of files, no chunked session); a change is a new version of the
// same drive entry.
func TestSmallFilesGoUpInBatches(t *testing.T) {
	eachDrive(t, func(t *testing.T, s *syncEnv) {
		e, _ := s.engine(ModeBackup, func(o *Options) { o.Workers = 4 })
		for i := range 300 {
			s.write(fmt.Sprintf("notes/d%d/n%03d.txt", i%3, i), fmt.Sprintf("note %d", i))
		}
		s.write("empty.txt", "")
		s.once(e)
		puts, files := s.probe.counts()
		singles, batches := s.probe.requests()
		if puts != 0 || files != 301 || singles != 0 || batches < 2 || batches > 3 {
			t.Fatalf("first backup: %d chunk PUTs, %d files in %d single requests and %d batches; want 0, 301, 0 and 2-3",
				puts, files, singles, batches)
		}
		before := s.remote()
		for i := range 300 {
			s.wantRemote(fmt.Sprintf("notes/d%d/n%03d.txt", i%3, i), fmt.Sprintf("note %d", i))
		}
		s.wantRemote("empty.txt", "")
		for i := range 5 {
			s.write(fmt.Sprintf("notes/d%d/n%03d.txt", i%3, i), fmt.Sprintf("note %d, edited", i))
		}
		s.write("notes/new.txt", "new")
		s.once(e)
		puts, files = s.probe.counts()
		singles, batches2 := s.probe.requests()
		if puts != 0 || files != 307 || singles != 0 || batches2 != batches+1 {
			t.Fatalf("after 5 edits and a new file: %d chunk PUTs, %d files, %d singles, %d batches", puts, files, singles, batches2-batches)
		}
		after := s.remote()
		for i := range 5 {
			p := fmt.Sprintf("notes/d%d/n%03d.txt", i%3, i)
			if after[p].EntryID != before[p].EntryID || after[p].Version <= before[p].Version {
				t.Fatalf("%s: %+v then %+v, want a new version of the same entry", p, before[p], after[p])
			}
			s.wantRemote(p, fmt.Sprintf("note %d, edited", i))
		}
		s.wantRemote("notes/new.txt", "new")
		if p := s.probe; p != nil {
			s.once(e) // nothing left to do
			if _, f := p.counts(); f != 307 {
				t.Fatalf("an idle pass stored %d more files", f-307)
			}
		}
	})
}

// A batch whose answer is lost is sent again by the client: the files it
// stored are answered unchanged, nothing is stored twice, and the engine
// records them all.
func TestBatchAnswerLostIsSafeToRepeat(t *testing.T) {
	eachDrive(t, func(t *testing.T, s *syncEnv) {
		e, _ := s.engine(ModeTwoWay)
		for i := range 40 {
			s.write(fmt.Sprintf("f%02d.txt", i), fmt.Sprintf("file %d", i))
		}
		s.probe.mu.Lock()
		s.probe.loseBatches = 1
		s.probe.mu.Unlock()
		s.once(e)
		if _, files := s.probe.counts(); files != 40 {
			t.Fatalf("%d files stored, want 40 (each once)", files)
		}
		_, batches := s.probe.requests()
		if batches != 2 {
			t.Fatalf("%d batch requests, want 2 (the lost one and its repeat)", batches)
		}
		rem := s.remote()
		for i := range 40 {
			p := fmt.Sprintf("f%02d.txt", i)
			s.wantRemote(p, fmt.Sprintf("file %d", i))
			if rem[p].Version != 1 {
				t.Fatalf("%s at version %d after the repeat", p, rem[p].Version)
			}
		}
		// The engine recorded them: a colleague's edit comes down, no conflict.
		s.remoteWrite("f07.txt", "edited on the drive")
		s.once(e)
		s.wantLocal("f07.txt", "edited on the drive")
		if ents, _ := os.ReadDir(s.dir); len(ents) != 40 {
			t.Fatalf("%d local files, want 40 (no conflict copies)", len(ents))
		}
	})
}

// Against a server without batch uploads the engine sends small files one
// by one, after asking once.
func TestNoBatchServerFallsBackToSingleUploads(t *testing.T) {
	s := newFakeEnv(t)
	s.fake.noBatch = true
	e, _ := s.engine(ModeBackup)
	for i := range 30 {
		s.write(fmt.Sprintf("n%02d.txt", i), fmt.Sprintf("note %d", i))
	}
	s.once(e)
	singles, batches := s.probe.requests()
	if _, files := s.probe.counts(); files != 30 || singles != 30 || batches != 0 {
		t.Fatalf("%d files in %d single requests and %d batches", files, singles, batches)
	}
	for i := range 30 {
		s.wantRemote(fmt.Sprintf("n%02d.txt", i), fmt.Sprintf("note %d", i))
	}
	if !e.noBatch.Load() {
		t.Fatal("the engine did not remember that the server takes no batches")
	}
}

// Against a server without the chunk batch route (POST drive/uploads/{id}/chunks)
// a big file's chunks go up one request each, and the file arrives whole.
func TestNoChunkBatchServerFallsBackToChunkPuts(t *testing.T) {
	s := newFakeEnv(t)
	s.fake.noBatch = true
	data, chunks := s.bigUpload()
	e, _ := s.engine(ModeBackup)
	s.once(e)
	if puts, _ := s.probe.counts(); puts != len(chunks) {
		t.Fatalf("%d chunk requests for %d chunks", puts, len(chunks))
	}
	if got, ok := s.remoteRead("big.bin"); !ok || got != string(data) {
		t.Fatal("big.bin not whole on the drive")
	}
}

// More than 100 deletes in one go wait for confirmation even when they are
// well under 10 % of the pair (here 101 of 1,100 files).
func TestMassDeleteAbsoluteLimit(t *testing.T) {
	s := newFakeEnv(t) // the engine's rule; 1,100 uploads to a real server add nothing but time
	e, p := s.engine(ModeBackup)
	for i := range 1100 {
		s.write(fmt.Sprintf("d%02d/f%04d.txt", i/100, i), "x")
	}
	s.once(e)
	for i := range 101 {
		_ = os.Remove(filepath.Join(s.dir, fmt.Sprintf("d%02d/f%04d.txt", i/100, i)))
	}
	s.once(e)
	if st := e.Status()[0]; st.State != StateNeedsConfirmation || st.PendingDelete != 101 {
		t.Fatalf("status %+v, want 101 deletes held", st)
	}
	if _, files := s.probe.counts(); files != 1100 || len(s.remote()) != 1100+11 {
		t.Fatalf("drive has %d entries before confirmation", len(s.remote()))
	}
	if err := e.ConfirmDeletes(p.ID); err != nil {
		t.Fatal(err)
	}
	s.once(e)
	if n := len(s.remote()); n != 1100-101+11 {
		t.Fatalf("%d entries on the drive after confirming, want %d", n, 1100-101+11)
	}
	// Under both limits (90 of 999 files) nothing is asked.
	for i := 101; i < 191; i++ {
		_ = os.Remove(filepath.Join(s.dir, fmt.Sprintf("d%02d/f%04d.txt", i/100, i)))
	}
	s.once(e)
	if st := e.Status()[0]; st.State != StateSynced || len(s.remote()) != 1100-191+11 {
		t.Fatalf("100 deletes were held: %+v, %d entries", st, len(s.remote()))
	}
}

// A mass delete that reaches the engine in slices (a slow rm, two watch
// batches of 6 files, each under the limits) is still caught once it adds
// up: deletes done within a minute count together, so the second slice is
// held (the first is in the drive's trash, as any small delete).
func TestMassDeleteInSlicesIsStillHeld(t *testing.T) {
	eachDrive(t, func(t *testing.T, s *syncEnv) {
		for i := range 12 {
			s.write(fmt.Sprintf("f%02d.txt", i), "x")
		}
		s.write("stay.txt", "y")
		e, _ := s.engine(ModeBackup, func(o *Options) { o.NoWatch = false })
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- e.Serve(ctx) }()
		defer func() { cancel(); <-done }()
		waitFor(t, "first backup", 10*time.Second, func() bool { return len(s.remote()) == 13 && e.Status()[0].State == StateSynced })
		for i := range 12 {
			_ = os.Remove(filepath.Join(s.dir, fmt.Sprintf("f%02d.txt", i)))
			if i == 5 {
				time.Sleep(4 * notifyMax) // the first six are handed on alone
			}
		}
		waitFor(t, "held deletes", 10*time.Second, func() bool { return e.Status()[0].State == StateNeedsConfirmation })
		st, gone := e.Status()[0], 13-len(s.remote())
		if st.PendingDelete < 6 || st.PendingDelete+gone != 12 {
			t.Fatalf("%d deletes held and %d done, want the second slice (at least) held and nothing else", st.PendingDelete, gone)
		}
	})
}

// A held mass delete confirmed while a pass runs (the agent keeps passing
// over the folder while the question is on screen) is confirmed once: the
// pass running when the answer came, which had already held the deletes
// again, used to clear the fresh confirmation at its end, so the next pass
// held them once more and the user had to confirm twice.
func TestMassDeleteConfirmedDuringAPassNeedsNoSecondConfirm(t *testing.T) {
	eachDrive(t, func(t *testing.T, s *syncEnv) {
		e, p := s.engine(ModeBackup)
		for i := range 12 {
			s.write(fmt.Sprintf("f%02d.txt", i), "x")
		}
		s.write("stay.txt", "y")
		s.once(e)
		for i := range 12 {
			_ = os.Remove(filepath.Join(s.dir, fmt.Sprintf("f%02d.txt", i)))
		}
		s.once(e)
		if st := e.Status()[0]; st.State != StateNeedsConfirmation || st.PendingDelete != 12 {
			t.Fatalf("status %+v, want needs_confirmation with 12 deletes", st)
		}
		// The user answers while the next full pass is between its hold
		// check and its end.
		var confirmedOnce gosync.Once
		e.opts.afterHoldCheck = func() {
			confirmedOnce.Do(func() {
				if err := e.ConfirmDeletes(p.ID); err != nil {
					t.Error(err)
				}
			})
		}
		s.once(e)
		if len(s.remote()) != 13 {
			t.Fatal("the pass that was running when the answer came deleted on the drive")
		}
		s.once(e)
		if n := len(s.remote()); n != 1 {
			t.Fatalf("%d entries on the drive after one confirmation, want 1 (held again: asked twice)", n)
		}
		if st := e.Status()[0]; st.State != StateSynced || st.PendingDelete != 0 {
			t.Fatalf("status after the one confirmation %+v", st)
		}
	})
}
