package sync

import (
	"path/filepath"
	"testing"

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
	w := NewWatcher(root, func() *Ignore { return mustIgnoreT(t) }, func(p string, _ bool) { dirty = append(dirty, p) }, func(string) {})
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
