package syncagent

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	gosync "sync"
	"syscall"

	"github.com/fsnotify/fsnotify"
	"golang.org/x/text/unicode/norm"
)

// watcher adds the recursive layer fsnotify lacks: it watches every
// directory of a pair, adds a watch on each new directory before that
// directory is scanned (so nothing created in between is missed), drops
// Chmod-only events, and turns everything it cannot watch (event overflow,
// watch limit, a failed watch) into a dirty subtree plus a visible
// degraded status instead of silence.
type watcher struct {
	Root   string
	Ignore func() *ignore
	// Dirty receives changed paths (debounced by an aggregator); now=true
	// asks for a scan without debounce.
	Dirty func(p string, now bool)
	// Degraded reports why watching is incomplete ("" when it is whole again).
	Degraded func(reason string)
	// Renamed, when set, receives paths renamed away instead of Dirty, so
	// they can wait for their new name (aggregator.AddRename).
	Renamed func(p string)

	mu       gosync.Mutex
	w        *fsnotify.Watcher
	watched  map[string]bool // relative slash paths of watched directories
	unwatchd map[string]bool // subtrees we failed to watch: polled by the engine
	inject   chan error
	noSpace  bool // a watch failed with ENOSPC: the inotify limit
}

// newWatcher returns a watcher for root.
func newWatcher(root string, ignore func() *ignore, dirty func(string, bool), degraded func(string)) *watcher {
	return &watcher{Root: root, Ignore: ignore, Dirty: dirty, Degraded: degraded,
		watched: map[string]bool{}, unwatchd: map[string]bool{}, inject: make(chan error, 4)}
}

// InjectError feeds an error as if fsnotify had reported it (tests, and the
// overflow simulation).
func (w *watcher) InjectError(err error) { w.inject <- err }

// Unwatched returns the subtrees that could not be watched; the engine
// rescans them periodically.
func (w *watcher) Unwatched() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make([]string, 0, len(w.unwatchd))
	for p := range w.unwatchd {
		out = append(out, p)
	}
	return out
}

// Serve watches until ctx ends.
func (w *watcher) Serve(ctx context.Context) error {
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		w.Degraded("watching degraded: " + err.Error() + "; rescanning periodically")
		<-ctx.Done()
		return ctx.Err()
	}
	w.mu.Lock()
	w.w = fw
	w.mu.Unlock()
	defer fw.Close()
	w.addTree("")
	w.reportDegraded()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case ev, ok := <-fw.Events:
			if !ok {
				return nil
			}
			w.handle(ev)
		case err, ok := <-fw.Errors:
			if !ok {
				return nil
			}
			w.handleError(err)
		case err := <-w.inject:
			w.handleError(err)
		}
	}
}

func (w *watcher) rel(abs string) (string, bool) {
	r, err := filepath.Rel(w.Root, abs)
	if err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return "", false
	}
	if r == "." {
		return "", true
	}
	return norm.NFC.String(filepath.ToSlash(r)), true
}

func (w *watcher) handle(ev fsnotify.Event) {
	if ev.Op == fsnotify.Chmod {
		return // metadata only: content and names did not change
	}
	p, ok := w.rel(ev.Name)
	if !ok || p == "" {
		return
	}
	if ev.Has(fsnotify.Create) {
		if fi, err := os.Lstat(ev.Name); err == nil && fi.IsDir() && !w.Ignore().Match(p, true) {
			// Watch first, then scan: files created before the watch existed
			// are found by the scan, later ones by the watch.
			w.addTree(p)
			w.reportDegraded()
			w.Dirty(p, false)
			return
		}
	}
	if ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename) {
		// A moved directory keeps its inotify watch under the old name;
		// forget it so events are not reported under a stale path. Its
		// new name arrives as a Create and is watched again.
		w.forget(p)
	}
	if w.Ignore().Match(p, false) && w.Ignore().Match(p, true) {
		return
	}
	if ev.Has(fsnotify.Rename) && !ev.Has(fsnotify.Create) && w.Renamed != nil {
		w.Renamed(p)
		return
	}
	w.Dirty(p, false)
}

func (w *watcher) handleError(err error) {
	switch {
	case errors.Is(err, fsnotify.ErrEventOverflow):
		w.Degraded("watching degraded: event overflow; rescanning the folder")
		w.Dirty("", true)
	default:
		w.Degraded("watching degraded: " + err.Error() + "; rescanning the folder")
		w.Dirty("", true)
	}
}

// addTree watches dir and every directory below it.
func (w *watcher) addTree(dir string) {
	ig := w.Ignore()
	_ = filepath.WalkDir(filepath.Join(w.Root, filepath.FromSlash(dir)), func(abs string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return nil
		}
		p, ok := w.rel(abs)
		if !ok {
			return filepath.SkipDir
		}
		if p != "" && ig.MatchSelf(p, true) {
			return filepath.SkipDir
		}
		if err := w.add(abs, p); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				// Renamed or deleted while we walked: its new name, if any,
				// comes as an event of its own. Not a watching problem.
				return filepath.SkipDir
			}
			w.mu.Lock()
			w.unwatchd[p] = true
			w.mu.Unlock()
			w.Dirty(p, true)
			return filepath.SkipDir
		}
		return nil
	})
}

// watchAdd is the fsnotify call, a seam for tests that simulate ENOSPC.
var watchAdd = func(fw *fsnotify.Watcher, abs string) error { return fw.Add(abs) }

func (w *watcher) add(abs, p string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.watched[p] {
		return nil
	}
	if err := watchAdd(w.w, abs); err != nil {
		if errors.Is(err, syscall.ENOSPC) {
			w.noSpace = true
		}
		return err
	}
	w.watched[p] = true
	delete(w.unwatchd, p)
	return nil
}

func (w *watcher) forget(p string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.watched[p] && !w.unwatchd[p] {
		return // a file, or a directory we never watched: nothing below it either
	}
	for d := range w.watched {
		if isUnder(d, p) {
			_ = w.w.Remove(filepath.Join(w.Root, filepath.FromSlash(d)))
			delete(w.watched, d)
		}
	}
	for d := range w.unwatchd {
		if isUnder(d, p) {
			delete(w.unwatchd, d)
		}
	}
}

// Retry tries again to watch the subtrees that failed (after the user raised
// the limit, or a directory became readable).
func (w *watcher) Retry() {
	for _, p := range w.Unwatched() {
		w.mu.Lock()
		delete(w.unwatchd, p)
		w.mu.Unlock()
		w.addTree(p)
	}
	w.reportDegraded()
}

func (w *watcher) reportDegraded() {
	un := w.Unwatched()
	if len(un) == 0 {
		return
	}
	reason := fmt.Sprintf("watching degraded: %d folder(s) not watched", len(un))
	w.mu.Lock()
	noSpace := w.noSpace
	w.mu.Unlock()
	if noSpace {
		reason = fmt.Sprintf("watching degraded: inotify watch limit reached (%d folders not watched; raise fs.inotify.max_user_watches); rescanning them periodically", len(un))
	}
	w.Degraded(reason)
}
