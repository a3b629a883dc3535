package syncagent

import (
	"context"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	gosync "sync"
	"testing"
	"time"
)

// sentBytes counts what the agent sends to the drive: the bodies of file
// uploads (single files, batches, chunks) and of every other request.
type sentBytes struct {
	next http.RoundTripper

	mu            gosync.Mutex
	upload, other int64
	moves         int
}

func (c *sentBytes) RoundTrip(r *http.Request) (*http.Response, error) {
	n := r.ContentLength
	if n < 0 {
		n = 0
	}
	p := r.URL.Path
	c.mu.Lock()
	switch {
	case r.Method == "PUT" && strings.Contains(p, "/chunks/"), r.Method == "POST" && strings.HasPrefix(p, "/api/v1/drive/files"):
		c.upload += n
	default:
		c.other += n
		if r.Method == "PATCH" {
			c.moves++
		}
	}
	c.mu.Unlock()
	return c.next.RoundTrip(r)
}

func (c *sentBytes) counts() (upload, other int64, moves int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.upload, c.other, c.moves
}

func (c *sentBytes) reset() {
	c.mu.Lock()
	c.upload, c.other, c.moves = 0, 0, 0
	c.mu.Unlock()
}

// countSent makes the engine's client count what it sends.
func countSent(c *sentBytes) func(*Options) {
	return func(o *Options) {
		c.next = http.DefaultTransport
		o.Client.HTTP = &http.Client{Transport: c}
	}
}

// writeTree writes n distinct files of about 4 KiB under dir: most at its
// top, a tenth in dir/sub/deep (a nested folder).
func (s *syncEnv) writeTree(dir string, n int) {
	s.t.Helper()
	body := strings.Repeat("x", 4000)
	for i := range n {
		rel := fmt.Sprintf("%s/f%04d.txt", dir, i)
		if i%10 == 0 {
			rel = fmt.Sprintf("%s/sub/deep/f%04d.txt", dir, i)
		}
		s.write(rel, fmt.Sprintf("file %d\n%s", i, body))
	}
}

// idsUnder lists the drive entries under dir (dir itself as "."), keyed by
// their path relative to dir.
func idsUnder(rem map[string]*RemoteFile, dir string) map[string]string {
	out := map[string]string{}
	for p, r := range rem {
		switch {
		case p == dir:
			out["."] = r.EntryID
		case strings.HasPrefix(p, dir+"/"):
			out[strings.TrimPrefix(p, dir+"/")] = r.EntryID
		}
	}
	return out
}

// A folder of 1,000 files renamed while the agent runs (watching, on the
// real server) is a move on the drive: every entry keeps its ID, nothing is
// uploaded, nothing is left behind and no delete waits for confirmation.
// The rename of the folder and of a folder nested in it is repeated, as the
// old and the new name reaching the engine in different passes was a race;
// and done again as on a file system without inodes or file IDs.
func TestFolderRenameWhileRunningIsAMove(t *testing.T) {
	t.Run("inodes", func(t *testing.T) { renameWhileRunning(t) })
	t.Run("no file IDs", func(t *testing.T) { noFileIDs(t); renameWhileRunning(t) })
}

func renameWhileRunning(t *testing.T) {
	s := newServerEnv(t)
	const n = 1000
	s.writeTree("proj", n)
	var sent sentBytes
	e, _ := s.engine(ModeBackup, func(o *Options) { o.NoWatch = false }, countSent(&sent))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.Serve(ctx) }()
	defer func() { cancel(); <-done }()
	var rem map[string]*RemoteFile
	if !pollFor(90*time.Second, func() bool {
		rem = s.remote()
		return len(idsUnder(rem, "proj")) == n+3 && e.Status()[0].State == StateSynced
	}) {
		t.Fatalf("first backup: %d entries on the drive, status %+v", len(rem), e.Status()[0])
	}
	want := idsUnder(rem, "proj")
	_, committed := s.probe.counts()

	cur, sub := "proj", "sub"
	for round := range 4 {
		sent.reset()
		next := fmt.Sprintf("proj-%d", round)
		if err := os.Rename(filepath.Join(s.dir, cur), filepath.Join(s.dir, next)); err != nil {
			t.Fatal(err)
		}
		cur = next
		if round%2 == 1 { // and a folder inside the renamed one, in the same breath
			nsub := fmt.Sprintf("sub-%d", round)
			if err := os.Rename(filepath.Join(s.dir, cur, sub), filepath.Join(s.dir, cur, nsub)); err != nil {
				t.Fatal(err)
			}
			for k, id := range want {
				if k == sub || strings.HasPrefix(k, sub+"/") {
					delete(want, k)
					want[nsub+strings.TrimPrefix(k, sub)] = id
				}
			}
			sub = nsub
		}
		var got map[string]string
		var st PairStatus
		report := func() string {
			kept := 0
			for k, id := range want {
				if got[k] == id {
					kept++
				}
			}
			upload, other, moves := sent.counts()
			_, nowCommitted := s.probe.counts()
			var left []string
			for p := range rem {
				if p != cur && !strings.HasPrefix(p, cur+"/") {
					left = append(left, p)
				}
			}
			return fmt.Sprintf("%d of %d entry IDs kept, %d entries at the new name, %d left at other paths (%.3v), "+
				"%d bytes of files uploaded, %d other bytes in %d moves, %d files stored, state %s (%s%s), %d deletes held",
				kept, len(want), len(got), len(left), left, upload, other, moves, nowCommitted-committed, st.State, st.Error, st.Degraded, st.PendingDelete)
		}
		ok := pollFor(45*time.Second, func() bool {
			rem = s.remote()
			got = idsUnder(rem, cur)
			st = e.Status()[0]
			if st.State != StateSynced || st.PendingDelete != 0 || len(got) != len(want) || len(rem) != len(want) {
				return false
			}
			for k, id := range want {
				if got[k] != id {
					return false
				}
			}
			return true
		})
		if !ok {
			t.Fatalf("round %d: the rename to %s was not a move: %s", round, cur, report())
		}
		t.Logf("round %d: %s", round, report())
		if upload, other, _ := sent.counts(); upload != 0 || other > 16<<10 {
			t.Fatalf("round %d: a rename sent %d bytes of files and %d other bytes", round, upload, other)
		}
		if _, nowCommitted := s.probe.counts(); nowCommitted != committed {
			t.Fatalf("round %d: a rename stored %d files", round, nowCommitted-committed)
		}
	}
}

// pollFor polls cond gently (each poll may list the drive) until it holds
// or d has passed.
func pollFor(d time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(100 * time.Millisecond)
	}
	return true
}

// renameLocal renames a path of the local folder.
func (s *syncEnv) renameLocal(from, to string) {
	s.t.Helper()
	if err := os.Rename(filepath.Join(s.dir, filepath.FromSlash(from)), filepath.Join(s.dir, filepath.FromSlash(to))); err != nil {
		s.t.Fatal(err)
	}
}

// passOver runs one pass of the pair over the given paths only, as the
// watcher's debounced events make it.
func passOver(t *testing.T, e *Engine, paths ...string) {
	t.Helper()
	r, err := e.runner(e.Pairs()[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.pass(context.Background(), paths); err != nil {
		t.Fatal(err)
	}
}

// wantMoved checks that the drive holds the entries of want (relative to
// dir) under dir with the same IDs, that nothing else is on the drive, and
// that no file was stored since stored.
func (s *syncEnv) wantMoved(dir string, want map[string]string, stored int) {
	s.t.Helper()
	rem := s.remote()
	got := idsUnder(rem, dir)
	for k, id := range want {
		if got[k] != id {
			s.t.Fatalf("%s/%s: entry %q, want %q (kept by a move): drive has %v", dir, k, got[k], id, keys(rem))
		}
	}
	if len(rem) != len(want) {
		s.t.Fatalf("drive has %d entries, want %d: %v", len(rem), len(want), keys(rem))
	}
	if _, files := s.probe.counts(); files != stored {
		s.t.Fatalf("%d files stored for a rename", files-stored)
	}
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// renamed re-keys want for a folder renamed inside the moved one.
func renamed(want map[string]string, from, to string) map[string]string {
	out := map[string]string{}
	for k, id := range want {
		if k == from || strings.HasPrefix(k, from+"/") {
			k = to + strings.TrimPrefix(k, from)
		}
		out[k] = id
	}
	return out
}

// The two names of a renamed folder reaching the engine in different
// passes, in either order, still make one move: the pass that sees the new
// name pulls in the vanished old one (by inode, or by content).
func TestRenameSeenInSeparatePassesIsAMove(t *testing.T) {
	eachDrive(t, func(t *testing.T, s *syncEnv) {
		s.writeTree("a", 30)
		e, _ := s.engine(ModeBackup)
		s.once(e)
		want := idsUnder(s.remote(), "a")
		_, stored := s.probe.counts()

		// The new name first, alone; then the old one.
		s.renameLocal("a", "b")
		passOver(t, e, "b")
		s.wantMoved("b", want, stored)
		passOver(t, e, "a")
		s.wantMoved("b", want, stored)

		// The old name first (its deletes wait for a full pass), then the new.
		s.renameLocal("b", "c")
		s.renameLocal("c/sub", "c/sub2")
		want = renamed(want, "sub", "sub2")
		passOver(t, e, "b")
		passOver(t, e, "c")
		s.wantMoved("c", want, stored)
		s.once(e)
		s.wantMoved("c", want, stored)
		if st := e.Status()[0]; st.State != StateSynced || st.PendingDelete != 0 {
			t.Fatalf("status %+v after the rename", st)
		}
	})
}

// noFileIDs runs the test as on a file system whose stat gives no inode
// and that has no file IDs (FAT, some network shares).
func noFileIDs(t *testing.T) {
	inode, id := inodeOf, fileIDAt
	inodeOf = func(fs.FileInfo) uint64 { return 0 }
	fileIDAt = func(string) uint64 { return 0 }
	t.Cleanup(func() { inodeOf, fileIDAt = inode, id })
}

// Without inodes or file IDs a renamed folder is still a move, folder and
// files keeping their entries: the vanished subtree is paired with the new
// one by its files' names and contents, in one full pass and when the new
// name comes alone.
func TestRenameWithoutFileIDsIsMatchedByContent(t *testing.T) {
	eachDrive(t, func(t *testing.T, s *syncEnv) {
		noFileIDs(t)
		s.writeTree("a", 30)
		s.write("a/sub/empty.txt", "")
		e, _ := s.engine(ModeBackup)
		s.once(e)
		want := idsUnder(s.remote(), "a")
		_, stored := s.probe.counts()

		s.renameLocal("a", "b")
		s.renameLocal("b/sub", "b/sub2")
		s.renameLocal("b/sub2/deep", "b/sub2/deep2")
		want = renamed(renamed(want, "sub", "sub2"), "sub2/deep", "sub2/deep2")
		s.once(e)
		s.wantMoved("b", want, stored)

		s.renameLocal("b", "c")
		passOver(t, e, "c")
		s.wantMoved("c", want, stored)
		s.once(e)
		s.wantMoved("c", want, stored)
		if st := e.Status()[0]; st.State != StateSynced || st.PendingDelete != 0 {
			t.Fatalf("status %+v after the rename", st)
		}
	})
}

// An empty folder renamed, its old name reaching the engine in a pass of
// its own, keeps its drive entry: the old name's delete waits for a pass
// that sees the whole folder, as file deletes do.
func TestEmptyFolderRenameSeenInSeparatePassesIsAMove(t *testing.T) {
	eachDrive(t, func(t *testing.T, s *syncEnv) {
		if err := os.MkdirAll(filepath.Join(s.dir, "empty"), 0o755); err != nil {
			t.Fatal(err)
		}
		s.write("keep.txt", "k")
		e, _ := s.engine(ModeBackup)
		s.once(e)
		id := s.remote()["empty"].EntryID
		s.renameLocal("empty", "renamed")
		passOver(t, e, "empty")
		passOver(t, e, "renamed")
		s.once(e)
		rem := s.remote()
		if r := rem["renamed"]; r == nil || r.EntryID != id || rem["empty"] != nil {
			t.Fatalf("drive has %v, want the folder moved (entry %s)", keys(rem), id)
		}
	})
}
