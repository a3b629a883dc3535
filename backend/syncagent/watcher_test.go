package syncagent

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Chmod-only events (a backup tool touching permissions, Spotlight, an
// antivirus) change neither content nor names: they are dropped, while a
// write at the same path is passed on.
func TestWatcherDropsChmodOnlyEvents(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	writeFile(t, root, "a.txt", "x")
	var dirty []string
	w := newWatcher(root, func() *ignore { return mustIgnoreT(t) }, func(p string, _ bool) { dirty = append(dirty, p) }, func(string) {})
	abs := filepath.Join(root, "a.txt")
	w.handle(fsnotify.Event{Name: abs, Op: fsnotify.Chmod})
	if len(dirty) != 0 {
		t.Fatalf("chmod reported: %v", dirty)
	}
	w.handle(fsnotify.Event{Name: abs, Op: fsnotify.Write | fsnotify.Chmod})
	w.handle(fsnotify.Event{Name: filepath.Join(root, "~$lock.docx"), Op: fsnotify.Create})
	if len(dirty) != 1 || dirty[0] != "a.txt" {
		t.Fatalf("dirty %v, want [a.txt] (write passed on, ignored lock file dropped)", dirty)
	}
}

// A folder renamed inside the pair reaches the engine as its old and its
// new name in one batch, however long watching the moved folder takes.
func TestWatcherRenamedFolderBothNamesInOneBatch(t *testing.T) {
	root := t.TempDir()
	for i := range 50 {
		writeFile(t, root, fmt.Sprintf("a/d%02d/x.txt", i), "x")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	agg := newAggregator()
	w := newWatcher(root, func() *ignore { return mustIgnoreT(t) }, func(p string, now bool) { agg.Add(p) }, func(string) {})
	w.Renamed = agg.AddRename
	go agg.Serve(ctx)
	go w.Serve(ctx)
	deadline := time.Now().Add(5 * time.Second)
	for !w.isWatched("a/d49") {
		if time.Now().After(deadline) {
			t.Fatal("the folder is not watched")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := os.Rename(filepath.Join(root, "a"), filepath.Join(root, "b")); err != nil {
		t.Fatal(err)
	}
	select {
	case b := <-agg.C():
		if !slices.Contains(b, "a") || !slices.Contains(b, "b") {
			t.Fatalf("batch %v, want a and b together", b)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no batch")
	}
}

func (w *watcher) isWatched(p string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.watched[p]
}

// A folder renamed or deleted while the watcher walks the tree to watch it
// is no watching problem (its new name is an event of its own): the status
// does not turn degraded and nothing is left to poll.
func TestWatcherFolderGoneWhileWatchingIsNotDegraded(t *testing.T) {
	root := t.TempDir()
	writeFile(t, root, "a/x.txt", "x")
	orig := watchAdd
	watchAdd = func(_ *fsnotify.Watcher, abs string) error {
		if filepath.Base(abs) == "a" {
			return fmt.Errorf("inotify_add_watch %s: %w", abs, syscall.ENOENT)
		}
		return nil
	}
	defer func() { watchAdd = orig }()
	var degraded []string
	w := newWatcher(root, func() *ignore { return mustIgnoreT(t) }, func(string, bool) {}, func(r string) { degraded = append(degraded, r) })
	w.addTree("")
	w.reportDegraded()
	if un := w.Unwatched(); len(un) != 0 || len(degraded) != 0 {
		t.Fatalf("unwatched %v, degraded %v: a vanished folder counted as a watching problem", un, degraded)
	}
}
