package syncagent

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	gosync "sync"
	"testing"
	"time"
)

// restartProbe counts what a restarted engine does: files it reads, change
// feed calls (and whether each carried a cursor), requests that change
// something on the drive.
type restartProbe struct {
	next http.RoundTripper

	mu        gosync.Mutex
	read      []string // files opened for hashing (native paths)
	feed      int
	feedFresh int // feed calls without a cursor: full listings
	writes    []string
}

func (p *restartProbe) RoundTrip(r *http.Request) (*http.Response, error) {
	p.mu.Lock()
	switch {
	case r.Method != http.MethodGet:
		p.writes = append(p.writes, r.Method+" "+r.URL.Path)
	case strings.HasSuffix(r.URL.Path, "/changes"):
		p.feed++
		if r.URL.Query().Get("cursor") == "" {
			p.feedFresh++
		}
	}
	p.mu.Unlock()
	return p.next.RoundTrip(r)
}

func (p *restartProbe) tweak(o *Options) {
	p.next = http.DefaultTransport
	o.Client.HTTP = &http.Client{Transport: p}
	o.openFile = func(name string) (io.ReadCloser, error) {
		p.mu.Lock()
		p.read = append(p.read, name)
		p.mu.Unlock()
		return os.Open(name)
	}
}

// writeOld writes a file whose mtime is an hour old: not racy (walk.go), so
// the index may trust its size and mtime.
func (s *syncEnv) writeOld(rel, content string, age time.Duration) {
	s.t.Helper()
	s.write(rel, content)
	old := time.Now().Add(-age)
	if err := os.Chtimes(filepath.Join(s.dir, filepath.FromSlash(rel)), old, old); err != nil {
		s.t.Fatal(err)
	}
}

// A restart of an unchanged pair costs a stat per file, one read of the
// index and one change feed call from the saved cursor: no file is read
// again, nothing is sent, the drive folder is not listed again.
func TestRestartOfUnchangedPairReadsNothing(t *testing.T) {
	eachDrive(t, func(t *testing.T, s *syncEnv) {
		const n = 300
		for i := range n {
			s.writeOld(fmt.Sprintf("d%d/f%03d.txt", i%7, i), fmt.Sprintf("file %d", i), time.Hour)
		}
		e1, _ := s.engine(ModeBackup)
		s.once(e1)
		if err := e1.Close(); err != nil {
			t.Fatal(err)
		}

		var p restartProbe
		e2, _ := s.engine(ModeBackup, p.tweak)
		s.once(e2)
		if len(p.read) != 0 || len(p.writes) != 0 || p.feed != 1 || p.feedFresh != 0 {
			t.Fatalf("restart of an unchanged pair: read %d files, sent %v, %d feed calls (%d full listings); want 0, none, 1, 0",
				len(p.read), p.writes, p.feed, p.feedFresh)
		}
		if st := e2.Status()[0]; st.State != StateSynced {
			t.Fatalf("status %+v", st)
		}
	})
}

// Files changed while the agent was down are uploaded by the restart: a
// size change, a same-size change with a new mtime, and same-size changes
// with the mtime put back: caught by the change time (ctime) where the
// system has one, and, for a file that was racy when it was last recorded
// (its mtime within the racy window of its record: walk.go), everywhere.
func TestRestartUploadsFilesChangedWhileDown(t *testing.T) {
	eachDrive(t, func(t *testing.T, s *syncEnv) {
		s.writeOld("grow.txt", "one", time.Hour)
		s.writeOld("same-size.txt", "aaaa", time.Hour)
		s.writeOld("kept.txt", "kept", time.Hour)
		s.writeOld("mtime-back.txt", "mmmm", time.Hour)
		backPath := filepath.Join(s.dir, "mtime-back.txt")
		back, err := os.Stat(backPath)
		if err != nil {
			t.Fatal(err)
		}
		// Racy when recorded: its mtime is not older than the record by
		// the racy window. A minute ahead, so a slow machine cannot make
		// it old enough before the backup records it.
		s.writeOld("racy.txt", "rrrr", -time.Minute)
		racyPath := filepath.Join(s.dir, "racy.txt")
		fi, err := os.Stat(racyPath)
		if err != nil {
			t.Fatal(err)
		}
		e1, _ := s.engine(ModeBackup)
		s.once(e1)
		if err := e1.Close(); err != nil {
			t.Fatal(err)
		}

		s.write("grow.txt", "one and more")
		s.writeOld("same-size.txt", "bbbb", 30*time.Minute)
		s.write("racy.txt", "RRRR")
		if err := os.Chtimes(racyPath, fi.ModTime(), fi.ModTime()); err != nil {
			t.Fatal(err)
		}
		s.write("mtime-back.txt", "MMMM")
		if err := os.Chtimes(backPath, back.ModTime(), back.ModTime()); err != nil {
			t.Fatal(err)
		}
		changed := 4
		if ctimeOf(back) == 0 {
			changed = 3 // no change time here: size and mtime cannot see that edit
		}

		var p restartProbe
		e2, _ := s.engine(ModeBackup, p.tweak)
		s.once(e2)
		s.wantRemote("grow.txt", "one and more")
		s.wantRemote("same-size.txt", "bbbb")
		s.wantRemote("racy.txt", "RRRR")
		s.wantRemote("kept.txt", "kept")
		if changed == 4 {
			s.wantRemote("mtime-back.txt", "MMMM")
		}
		for _, name := range p.read {
			if filepath.Base(name) == "kept.txt" {
				t.Fatalf("the unchanged file was read again: %v", p.read)
			}
		}
		if len(p.read) != changed {
			t.Fatalf("read %v, want the %d changed files", p.read, changed)
		}
	})
}

// A saved tree whose cursor the server no longer serves is dropped for a
// full listing; a saved tree is never trusted without a feed call.
func TestRestartWithUnusableSavedTreeListsAgain(t *testing.T) {
	eachDrive(t, func(t *testing.T, s *syncEnv) {
		s.writeOld("a.txt", "a", time.Hour)
		e1, p1 := s.engine(ModeBackup)
		s.once(e1)
		if err := e1.Close(); err != nil {
			t.Fatal(err)
		}
		// A cursor from the future: the server answers 400 (bad cursor).
		tree := newRemoteTree(s.root)
		data, err := os.ReadFile(remoteSnapPath(s.dataDir, p1.ID))
		if err != nil {
			t.Fatal(err)
		}
		if err := tree.decodeSnapshot(data); err != nil {
			t.Fatal(err)
		}
		tree.mu.Lock()
		tree.cursor, tree.loaded = "999999999", true
		tree.mu.Unlock()
		f, err := os.Create(remoteSnapPath(s.dataDir, p1.ID))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tree.encodeSnapshot(f); err != nil {
			t.Fatal(err)
		}
		_ = f.Close()
		s.remoteWrite("b.txt", "from the drive")

		var p restartProbe
		e2, _ := s.engine(ModeBackup, p.tweak)
		s.once(e2)
		if p.feedFresh == 0 {
			t.Fatalf("a cursor the server refused did not lead to a full listing (%d feed calls)", p.feed)
		}
		if st := e2.Status()[0]; st.State != StateSynced || st.Error != "" {
			t.Fatalf("status %+v", st)
		}
		if e2.runners[p1.ID].tree.Lookup("b.txt") == nil {
			t.Fatal("the listing after the refused cursor misses b.txt")
		}

		// A corrupt file is ignored the same way.
		if err := os.WriteFile(remoteSnapPath(s.dataDir, p1.ID), []byte("tack remote tree 1\ngarbage"), 0o600); err != nil {
			t.Fatal(err)
		}
		_ = e2.Close()
		var p3 restartProbe
		e3, _ := s.engine(ModeBackup, p3.tweak)
		s.once(e3)
		if p3.feedFresh != 1 || len(p3.writes) != 0 {
			t.Fatalf("corrupt saved tree: %d full listings, sent %v", p3.feedFresh, p3.writes)
		}
	})
}

// The saved tree round-trips: same entries, paths, cursor and refused names.
func TestRemoteSnapshotRoundTrip(t *testing.T) {
	tr := newRemoteTree("root")
	tr.Apply(ChangePage{NextCursor: "42", Items: []Change{
		{Entry: Entry{ID: "d1", ParentID: "root", Name: "Docs", Kind: "folder", Version: 1}},
		{Entry: Entry{ID: "f1", ParentID: "d1", Name: "a.txt", Kind: "file", Size: 3, Hash: "h1", Version: 2, ModifiedByName: "李四"}},
		{Entry: Entry{ID: "f2", ParentID: "root", Name: "b.txt", Kind: "file", Size: 4, Hash: "h2", Version: 1}},
		{Entry: Entry{ID: "bad", ParentID: "root", Name: "a/b", Kind: "file", Size: 1, Hash: "h3", Version: 1}},
	}})
	var buf strings.Builder
	cur, err := tr.encodeSnapshot(&buf)
	if err != nil || cur != "42" {
		t.Fatalf("encode: %q %v", cur, err)
	}
	got := newRemoteTree("root")
	if err := got.decodeSnapshot([]byte(buf.String())); err != nil {
		t.Fatal(err)
	}
	if got.Loaded() || got.Cursor() != "42" {
		t.Fatalf("restored: loaded %v cursor %q; want not loaded, 42", got.Loaded(), got.Cursor())
	}
	want, have := tr.Snapshot(), got.Snapshot()
	if len(want) != len(have) {
		t.Fatalf("restored %d entries, want %d", len(have), len(want))
	}
	for p, w := range want {
		if h := have[p]; h == nil || *h != *w {
			t.Fatalf("%s: got %+v, want %+v", p, h, w)
		}
	}
	if len(got.Refused()) != len(tr.Refused()) {
		t.Fatalf("refused: got %v, want %v", got.Refused(), tr.Refused())
	}
	if err := newRemoteTree("other").decodeSnapshot([]byte(buf.String())); err == nil {
		t.Fatal("another folder's tree was accepted")
	}
	if err := newRemoteTree("root").decodeSnapshot([]byte(buf.String()[:buf.Len()-3])); err == nil {
		t.Fatal("a truncated tree was accepted")
	}
}

// The reconcile's fast path for unchanged files (unchangedFile) still sees
// what changed while the agent was down, on either side: a restart of a
// two-way pair downloads the drive's edit and uploads the local one, and
// touches nothing else.
func TestRestartSeesChangesOnBothSidesAmongUnchanged(t *testing.T) {
	eachDrive(t, func(t *testing.T, s *syncEnv) {
		for i := range 50 {
			s.writeOld(fmt.Sprintf("d%d/f%02d.txt", i%3, i), fmt.Sprintf("file %d", i), time.Hour)
		}
		e1, _ := s.engine(ModeTwoWay)
		s.once(e1)
		if err := e1.Close(); err != nil {
			t.Fatal(err)
		}

		s.remoteWrite("d1/f01.txt", "edited on the drive")
		s.writeOld("d2/f02.txt", "edited here", 30*time.Minute)

		var p restartProbe
		e2, _ := s.engine(ModeTwoWay, p.tweak)
		s.once(e2)
		s.wantLocal("d1/f01.txt", "edited on the drive")
		s.wantRemote("d2/f02.txt", "edited here")
		s.wantLocal("d0/f00.txt", "file 0")
		s.wantRemote("d0/f00.txt", "file 0")
		if len(p.read) != 1 || filepath.Base(p.read[0]) != "f02.txt" {
			t.Fatalf("read %v, want only the local edit", p.read)
		}
	})
}
