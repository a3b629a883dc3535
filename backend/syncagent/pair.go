package syncagent

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"sort"
	"strings"
	gosync "sync"
	"sync/atomic"
	"time"
)

// bigPass is the number of paths above which a pass returns freed memory to
// the OS when it ends.
const bigPass = 20000

// degradedHold is how long a watching problem stays on the status after the
// rescan that repaired it.
var degradedHold = time.Minute

// pairRunner runs one pair: its feed, its watcher and its passes. Passes of
// one pair never overlap.
type pairRunner struct {
	e    *Engine
	tree *remoteTree

	mu        gosync.Mutex
	pair      Pair
	base      map[string]*FileRecord // nil until loaded
	status    PairStatus
	confirmed bool
	// confirmedOverwrite: the user let a held mass overwrite go up (for the
	// next full pass).
	confirmedOverwrite bool
	overwrites         []overwriteLog
	cancelPass         context.CancelFunc
	stopped            string // why the runner ended for good ("" while it runs)
	stoppedAt          time.Time
	stopFn             context.CancelFunc
	done               chan struct{} // closed when serve returns
	ignore             atomic.Pointer[ignore]

	dirtyMu       gosync.Mutex
	dirty         map[string]bool
	kick          chan struct{}
	watcher       *watcher
	degradedUntil time.Time
	// retryPaths are rescanned after a short delay (guarded by dirtyMu).
	retryPaths map[string]bool
	// remoteDirty: what the change feed touched, checked against the base
	// when the next pass takes it (guarded by dirtyMu).
	remoteDirty map[string]touch
	// deletes: recent file deletes, for the mass-delete window (guarded by mu).
	deletes []deleteLog
	// savedCursor, savedAt: the cursor of the drive tree last saved to
	// disk, and when (remotesnap.go; guarded by mu).
	savedCursor string
	savedAt     time.Time
	// changedDrive: a pass sent something to the drive since the feed was
	// last read to the end (syncOnce).
	changedDrive atomic.Bool
}

func newPairRunner(e *Engine, p Pair) *pairRunner {
	r := &pairRunner{e: e, pair: p, tree: newRemoteTree(p.RemoteFolderID), dirty: map[string]bool{}, kick: make(chan struct{}, 1)}
	r.status = PairStatus{PairID: p.ID, LocalPath: p.LocalPath, Mode: p.Mode, State: StateSyncing}
	ig, _ := newIgnore(nil)
	r.ignore.Store(ig)
	return r
}

func (r *pairRunner) stop() {
	r.mu.Lock()
	stop, done := r.stopFn, r.done
	r.mu.Unlock()
	if stop != nil {
		stop()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
		}
	}
}

// --- base (the in-memory copy of the index) ---

func (r *pairRunner) loadBase(ctx context.Context) error {
	r.mu.Lock()
	loaded := r.base != nil
	r.mu.Unlock()
	if loaded {
		return nil
	}
	t0 := time.Now()
	b, err := r.e.index.Files(ctx, r.pair.ID)
	if err != nil {
		return err
	}
	if os.Getenv("SYNC_DEBUG") != "" {
		slog.Info("sync: index loaded", "pair", r.pair.ID, "records", len(b), "took", time.Since(t0))
	}
	r.mu.Lock()
	r.base = b
	r.mu.Unlock()
	return nil
}

func (r *pairRunner) baseSnapshot() map[string]*FileRecord {
	r.mu.Lock()
	defer r.mu.Unlock()
	return copyMap(r.base)
}

// baseUnder copies the base inside the region and counts the pair's files.
func (r *pairRunner) baseUnder(region []string) (map[string]*FileRecord, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	files := 0
	out := map[string]*FileRecord{}
	if len(region) == 1 && region[0] == "" {
		out = make(map[string]*FileRecord, len(r.base))
	}
	in := newRegion(region)
	for p, b := range r.base {
		if !b.Dir {
			files++
		}
		if in.covers(p) {
			out[p] = b
		}
	}
	return out, files
}

func (r *pairRunner) getBase(p string) *FileRecord {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.base[p]
}

func (r *pairRunner) setBase(p string, rec *FileRecord) {
	markRacy(rec, time.Now())
	r.mu.Lock()
	r.base[p] = rec
	r.mu.Unlock()
}

// dropBase removes p (and with tree, everything under it) and returns the
// removed paths.
func (r *pairRunner) dropBase(p string, tree bool) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	if !tree {
		if _, ok := r.base[p]; ok {
			delete(r.base, p)
			out = append(out, p)
		}
		return out
	}
	for q := range r.base {
		if isUnder(q, p) {
			delete(r.base, q)
			out = append(out, q)
		}
	}
	return out
}

func (r *pairRunner) basePathsUnder(p string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for q := range r.base {
		if isUnder(q, p) {
			out = append(out, q)
		}
	}
	sort.Strings(out)
	return out
}

// --- status ---

func (r *pairRunner) statusCopy() PairStatus {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.status
	s.Mode = r.pair.Mode
	s.LocalPath = r.pair.LocalPath
	s.SpaceID, s.FolderID = r.pair.SpaceID, r.pair.RemoteFolderID
	s.Clashes = append([]string(nil), s.Clashes...)
	s.Refused = r.tree.Refused()
	s.Skipped = append([]SkippedItem(nil), s.Skipped...)
	switch {
	case r.stopped != "":
		// Worse than any pass error: nothing will sync until a restart.
		s.State, s.Error = StateStopped, r.stopped
		if r.stopped == errFolderGone.Error() {
			s.State = StateFolderGone
		}
		at := r.stoppedAt
		s.StoppedAt = &at
	case r.e.signedOut.Load():
		s.State, s.Error = StateSignedOut, ErrSignedOut.Error()
	case r.pair.Paused:
		s.State = StatePaused
	case s.PendingDelete > 0 || s.PendingOverwrite > 0:
		s.State = StateNeedsConfirmation
	case s.Error != "":
		s.State = StateError
	case s.State == StateSyncing:
	case s.Degraded != "":
		s.State = StateDegraded
	}
	return s
}

func (r *pairRunner) update(fn func(s *PairStatus)) {
	r.mu.Lock()
	fn(&r.status)
	r.mu.Unlock()
	r.publish()
}

func (r *pairRunner) publish() {
	ev := Event{PairID: r.pair.ID, Status: r.statusCopy()}
	select {
	case r.e.events <- ev:
	default: // nobody listening fast enough; Status() has the truth
	}
}

var progressThrottle gosync.Map // pair ID → last publish (time.Time)

func (r *pairRunner) publishProgress(p *progress) {
	r.mu.Lock()
	r.status.FilesDone, r.status.FilesTotal = int(p.filesDone.Load()), int(p.filesTotal.Load())
	r.status.BytesDone, r.status.BytesTotal = p.bytesDone.Load(), p.bytesTotal.Load()
	r.status.Pending = r.status.FilesTotal - r.status.FilesDone
	r.mu.Unlock()
	now := time.Now()
	if last, ok := progressThrottle.Load(r.pair.ID); ok && now.Sub(last.(time.Time)) < 200*time.Millisecond {
		return
	}
	progressThrottle.Store(r.pair.ID, now)
	r.publish()
}

// --- triggers ---

// markDirty asks for a pass scanning p ("" = everything).
func (r *pairRunner) markDirty(paths ...string) {
	r.dirtyMu.Lock()
	for _, p := range paths {
		r.dirty[nfc(p)] = true
	}
	r.dirtyMu.Unlock()
	select {
	case r.kick <- struct{}{}:
	default:
	}
}

// markRemoteDirty asks for a pass over what the change feed touched. Which
// of it this engine did itself is only known once the pass that did it has
// recorded it, so the check waits for takeDirty.
func (r *pairRunner) markRemoteDirty(touched []touch) {
	r.dirtyMu.Lock()
	if r.remoteDirty == nil {
		r.remoteDirty = map[string]touch{}
	}
	for _, t := range touched {
		r.remoteDirty[t.Path] = t
	}
	r.dirtyMu.Unlock()
	select {
	case r.kick <- struct{}{}:
	default:
	}
}

// ownEcho reports whether the base already records the touched state: the
// feed echoing an upload, mkdir, move or delete of this engine that arrived
// before the engine's own answer. After a backup of 100,000 files most of
// the echo is such a race, and rescanning it would be one more full pass.
func (r *pairRunner) ownEcho(t touch) bool {
	b := r.base[t.Path] // r.mu held
	if t.Deleted {
		return b == nil || b.EntryID != t.EntryID
	}
	return b != nil && b.EntryID == t.EntryID && b.Version >= t.Version
}

func (r *pairRunner) takeDirty() []string {
	r.dirtyMu.Lock()
	defer r.dirtyMu.Unlock()
	out := make([]string, 0, len(r.dirty)+len(r.remoteDirty))
	for p := range r.dirty {
		out = append(out, p)
	}
	if len(r.remoteDirty) > 0 {
		r.mu.Lock()
		for p, t := range r.remoteDirty {
			if !r.dirty[p] && !r.ownEcho(t) {
				out = append(out, p)
			}
		}
		r.mu.Unlock()
		r.remoteDirty = nil
	}
	r.dirty = map[string]bool{}
	// Many dirty paths (the echo of a big upload, a checkout) are cheaper to
	// scan as their directories, or as the whole folder.
	return collapse(out)
}

// --- running ---

func (r *pairRunner) serve(ctx context.Context) error {
	if err := r.loadBase(ctx); err != nil {
		r.update(func(s *PairStatus) { s.Error = err.Error() })
		return err
	}
	r.restoreRemote()
	defer r.saveRemoteIfChanged(0) // after the feed has stopped (defers run last first)
	var wg gosync.WaitGroup
	defer wg.Wait()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	feedErr := make(chan error, 1) // the feed's reason to stop the pair (its folder is gone)
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := r.feedLoop(ctx); err != nil {
			feedErr <- err
		}
	}()
	if !r.e.opts.NoWatch {
		agg := newAggregator()
		r.watcher = newWatcher(r.pair.LocalPath, r.ignore.Load, func(p string, now bool) {
			if now {
				agg.AddNow(p)
			} else {
				agg.Add(p)
			}
		}, func(reason string) {
			slog.Warn("sync: "+reason, "pair", r.pair.ID)
			r.update(func(s *PairStatus) { s.Degraded = reason })
			r.mu.Lock()
			r.degradedUntil = r.e.opts.Clock.Now().Add(degradedHold)
			r.mu.Unlock()
		})
		r.watcher.Renamed = agg.AddRename
		wg.Add(2)
		go func() { defer wg.Done(); _ = agg.Serve(ctx) }()
		go func() { defer wg.Done(); _ = r.watcher.Serve(ctx) }()
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-ctx.Done():
					return
				case b := <-agg.C():
					r.markDirty(b...)
				}
			}
		}()
	}
	r.markDirty("") // full scan at start
	rescan := time.NewTicker(r.e.opts.RescanInterval)
	defer rescan.Stop()
	poll := time.NewTicker(r.e.opts.PollInterval)
	defer poll.Stop()
	var retry <-chan time.Time
	backoff := time.Second
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case err := <-feedErr:
			return err
		case <-rescan.C:
			r.markDirty("")
		case <-poll.C:
			if r.watcher != nil {
				if un := r.watcher.Unwatched(); len(un) > 0 {
					r.watcher.Retry()
					r.markDirty(un...)
				}
			}
		case <-retry:
			retry = nil
			r.markDirty(r.takeRetry()...)
		case <-r.kick:
		}
		r.mu.Lock()
		paused := r.pair.Paused
		r.mu.Unlock()
		if paused || !r.tree.Loaded() || r.e.signedOut.Load() {
			continue // dirty paths stay queued
		}
		subtrees := r.takeDirty()
		if len(subtrees) == 0 {
			continue
		}
		again, err := r.pass(ctx, subtrees)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil {
			slog.Warn("sync: pass failed", "pair", r.pair.ID, "err", err)
			r.markRetry(subtrees...)
		}
		r.saveRemoteIfChanged(remoteSaveEvery)
		if len(again) > 0 || err != nil {
			// Back off while passes keep leaving work behind (a file held
			// open, a permission error), so a stuck path does not spin.
			r.markRetry(again...)
			retry = time.After(backoff)
			backoff = min(backoff*2, time.Minute)
		} else {
			backoff = time.Second
		}
	}
}

// withoutSkipped drops the paths the status lists as skipped.
func withoutSkipped(paths []string, skipped []SkippedItem) []string {
	if len(skipped) == 0 {
		return paths
	}
	in := make(map[string]bool, len(skipped))
	for _, s := range skipped {
		in[s.Path] = true
	}
	out := paths[:0:0]
	for _, p := range paths {
		if !in[p] {
			out = append(out, p)
		}
	}
	return out
}

func (r *pairRunner) markRetry(paths ...string) {
	r.dirtyMu.Lock()
	defer r.dirtyMu.Unlock()
	if r.retryPaths == nil {
		r.retryPaths = map[string]bool{}
	}
	for _, p := range paths {
		r.retryPaths[p] = true
	}
}

func (r *pairRunner) takeRetry() []string {
	r.dirtyMu.Lock()
	defer r.dirtyMu.Unlock()
	var out []string
	for p := range r.retryPaths {
		out = append(out, p)
	}
	r.retryPaths = nil
	return out
}

// feedLoop follows the space's change feed and marks what it touched. It
// returns errFolderGone when the pair's drive folder no longer exists in
// its space (trashed, deleted, moved to another space): the pair stops.
func (r *pairRunner) feedLoop(ctx context.Context) error {
	delay := time.Second
	for ctx.Err() == nil {
		wait := r.e.opts.FeedWait
		if !r.tree.Loaded() {
			wait = 0
		}
		page, err := r.e.client.ChangesUnder(ctx, r.pair.SpaceID, r.pair.RemoteFolderID, r.tree.Cursor(), wait)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			if st := statusOf(err); (st == 400 || st == 404 || st == 410) && r.tree.Cursor() != "" {
				// The server no longer knows our cursor: start over from a
				// full listing (the three-way reconcile needs no history).
				r.tree.Reset()
				continue
			}
			if IsNotFound(err) {
				// Even a full listing is refused: the folder itself is gone
				// from the space. Stop rather than retry for ever as
				// "unreachable"; nothing local is touched.
				return errFolderGone
			}
			if IsUnauthorized(err) {
				// The session ended: the engine shows "sign in again" on
				// every pair; only a new session (a new engine) helps.
				<-ctx.Done()
				return nil
			}
			r.update(func(s *PairStatus) { s.Error = "drive unreachable: " + err.Error() })
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(delay):
			}
			delay = min(delay*2, time.Minute)
			continue
		}
		delay = time.Second
		first := !r.tree.Loaded()
		if r.folderGone(ctx, page) {
			return errFolderGone
		}
		touched := r.tree.Apply(page)
		// The drive answers again: its error goes, whether or not the
		// answer brought changes (it stayed up while sync had resumed).
		if st := r.statusCopy(); strings.HasPrefix(st.Error, "drive unreachable") {
			r.update(func(s *PairStatus) {
				if strings.HasPrefix(s.Error, "drive unreachable") {
					s.Error = ""
				}
			})
		}
		if first {
			r.markDirty("")
		} else if len(touched) > 0 {
			r.markRemoteDirty(touched)
		}
	}
	return nil
}

// folderGone reports whether a page that deletes entries does so because
// the pair's own folder was trashed or moved out of its space: the feed
// then lists its whole content as deleted, and applying that would delete
// every local file of a two-way or mirror pair. Checked only for pages with
// deletions (one request each).
func (r *pairRunner) folderGone(ctx context.Context, page ChangePage) bool {
	deletes := false
	for _, c := range page.Items {
		if c.Entry.Deleted {
			deletes = true
			break
		}
	}
	if !deletes {
		return false
	}
	ent, err := r.e.client.Entry(ctx, r.pair.RemoteFolderID)
	if err != nil {
		return IsNotFound(err)
	}
	return ent.Deleted || (ent.SpaceID != "" && ent.SpaceID != r.pair.SpaceID)
}

// catchUp reads the feed without waiting until it is current.
func (r *pairRunner) catchUp(ctx context.Context) error {
	for i := 0; i < 10000; i++ {
		cur := r.tree.Cursor()
		page, err := r.e.client.ChangesUnder(ctx, r.pair.SpaceID, r.pair.RemoteFolderID, cur, 0)
		if err != nil {
			if st := statusOf(err); (st == 400 || st == 404 || st == 410) && cur != "" {
				// A saved cursor the server no longer serves: start over
				// from a full listing (as feedLoop does).
				r.tree.Reset()
				continue
			}
			if cur == "" && IsNotFound(err) {
				return errFolderGone
			}
			return err
		}
		if r.folderGone(ctx, page) {
			return errFolderGone
		}
		r.tree.Apply(page)
		if len(page.Items) == 0 || page.NextCursor == "" || page.NextCursor == cur {
			return nil
		}
	}
	return nil
}

func (r *pairRunner) syncOnce(ctx context.Context) error {
	// The index and the drive tree load side by side (each about half a
	// restart of an unchanged 100,000-file pair on one core).
	feedErr := make(chan error, 1)
	go func() {
		t0 := time.Now()
		r.restoreRemote()
		err := r.catchUp(ctx)
		if os.Getenv("SYNC_DEBUG") != "" {
			slog.Info("sync: feed caught up", "pair", r.pair.ID, "took", time.Since(t0))
		}
		feedErr <- err
	}()
	baseErr := r.loadBase(ctx)
	if err := <-feedErr; baseErr == nil && err != nil {
		baseErr = err
	}
	if baseErr != nil {
		return baseErr
	}
	defer r.saveRemoteIfChanged(0)
	var last error
	for round := 0; round < 5; round++ {
		if round > 0 {
			if err := r.catchUp(ctx); err != nil {
				return err
			}
		}
		again, err := r.pass(ctx, nil)
		if err != nil {
			return err
		}
		again = withoutSkipped(again, r.statusCopy().Skipped) // listed in the status; tried again by the next run
		last = nil
		if len(again) == 0 {
			st := r.statusCopy()
			if st.Error != "" {
				return errors.New(st.Error)
			}
			if r.changedDrive.Swap(false) {
				// Read the echo of this run's own changes before the tree
				// is saved, so the next start's one feed call is not
				// that echo (after a first backup: every file again).
				if err := r.catchUp(ctx); err != nil {
					return err
				}
			}
			return nil
		}
		last = fmt.Errorf("sync: %d path(s) still pending", len(again))
	}
	return last
}

// remoteSaveEvery bounds how often a running pair writes its drive tree to
// disk while the feed keeps changing it (a 100,000-entry tree is ~15 MB).
const remoteSaveEvery = time.Minute

// saveRemoteIfChanged saves the drive tree when its cursor moved since the
// last save and that save is at least every old. A failed save only costs
// the next start a full listing.
func (r *pairRunner) saveRemoteIfChanged(every time.Duration) {
	cur := r.tree.Cursor()
	r.mu.Lock()
	skip := cur == "" || cur == r.savedCursor || time.Since(r.savedAt) < every
	r.mu.Unlock()
	if skip || !r.tree.Loaded() {
		return
	}
	if err := r.saveRemote(); err != nil {
		slog.Warn("sync: save remote tree", "pair", r.pair.ID, "err", err)
		return
	}
	r.mu.Lock()
	r.savedAt = time.Now()
	r.mu.Unlock()
}

// pass scans, reconciles and executes once. It returns paths to look at
// again soon (skipped because something changed under it, or a 409).
func (r *pairRunner) pass(ctx context.Context, subtrees []string) ([]string, error) {
	pctx, cancel := context.WithCancel(ctx)
	r.mu.Lock()
	r.cancelPass = cancel
	r.mu.Unlock()
	defer func() {
		cancel()
		r.mu.Lock()
		r.cancelPass = nil
		r.mu.Unlock()
	}()
	full := len(minimalSubtrees(subtrees)) == 1 && minimalSubtrees(subtrees)[0] == ""
	reloadIgnore := full
	for _, s := range subtrees {
		if s == ignoreFile {
			reloadIgnore = true
		}
	}
	if reloadIgnore {
		ig, err := loadIgnore(r.pair.LocalPath)
		if err != nil {
			r.update(func(s *PairStatus) { s.Error = err.Error() })
			return nil, err
		}
		if old := r.ignore.Swap(ig); !full && old != nil {
			subtrees = []string{""} // rules changed: look at everything again
		}
	}
	r.update(func(s *PairStatus) { s.State = StateSyncing })
	ig := r.ignore.Load()
	// reconcile only the region that may have changed: the scanned subtrees
	// (watch events and the change feed both name the old and the new path of
	// a move, so moves stay inside the region). Missing parent folders are
	// created on demand by the transfers.
	region := minimalSubtrees(subtrees)
	full = region[0] == ""
	base, baseFiles := r.baseUnder(region)
	sc := &scanner{Root: r.pair.LocalPath, Ignore: ig, CaseInsensitive: !r.e.opts.CaseSensitive, open: r.e.opts.openFile,
		Defer: r.pair.Mode != ModeMirror && !r.e.opts.noStream}
	// The drive snapshot of a full pass needs only the tree and the base
	// (both only read meanwhile), so it is taken beside the walk, which
	// mostly waits for lstat: a restart of 100,000 unchanged files spends
	// a tenth of its time on it. A partial pass may widen its region after
	// the scan (moves), so it takes its snapshot after.
	var (
		remote   map[string]*RemoteFile
		snapDone chan struct{}
	)
	if full {
		snapDone = make(chan struct{})
		go func() {
			defer close(snapDone)
			remote = r.tree.SnapshotUnder(region, base)
		}()
	}
	debugT := time.Now()
	res, err := sc.Scan(pctx, base, subtrees)
	if os.Getenv("SYNC_DEBUG") != "" && err == nil {
		slog.Info("sync: scanned", "pair", r.pair.ID, "files", len(res.Files), "hashed", res.Hashed, "took", time.Since(debugT))
	}
	if err != nil {
		r.update(func(s *PairStatus) { s.Error = "scan: " + err.Error(); s.State = StateSynced })
		return nil, err
	}
	if !full && r.pair.Mode != ModeMirror {
		// The other side of a move, outside this pass: look at it too.
		if extra := r.moveSources(res, base, region); len(extra) > 0 {
			more, err := sc.Scan(pctx, nil, extra)
			if err != nil {
				r.update(func(s *PairStatus) { s.Error = "scan: " + err.Error(); s.State = StateSynced })
				return nil, err
			}
			res.add(more)
			region = minimalSubtrees(append(region, extra...))
			base, baseFiles = r.baseUnder(region)
		}
	}
	// Passes of a pair never overlap, so a temp file seen now was left by a
	// download that was killed: remove it.
	for _, tmp := range res.Temps {
		_ = os.Remove(filepath.Join(r.pair.LocalPath, tmp))
	}
	local := res.Files // a full scan saw every local path: no copy of 100,000 entries
	if !full {
		local = make(map[string]*localFile, len(base)+len(res.Files))
		for p, b := range base {
			if !res.Covers(p) {
				local[p] = &localFile{Path: p, Dir: b.Dir, Size: b.Size, MtimeNs: b.MtimeNs, CtimeNs: b.CtimeNs, Inode: b.Inode, Hash: b.Hash, Chunks: b.Chunks}
			}
		}
		for p, l := range res.Files {
			local[p] = l
		}
	}
	debugT = time.Now()
	if snapDone != nil {
		<-snapDone
	} else {
		remote = r.tree.SnapshotUnder(region, base)
	}
	if os.Getenv("SYNC_DEBUG") != "" {
		slog.Info("sync: drive snapshot", "pair", r.pair.ID, "entries", len(remote), "beside the walk", snapDone != nil, "waited", time.Since(debugT))
	}
	var clashes []string
	if !full { // keep what earlier passes found outside this region
		for _, p := range r.statusCopy().Clashes {
			if !res.Covers(p) {
				clashes = append(clashes, p)
			}
		}
	}
	var skipped []SkippedItem
	if !full {
		for _, it := range r.statusCopy().Skipped {
			if !res.Covers(it.Path) {
				skipped = append(skipped, it)
			}
		}
	}
	var unreadable []string
	for p, why := range res.Skip {
		it, ok := skipItem(p, why)
		if !ok {
			clashes = append(clashes, p)
			continue
		}
		skipped = append(skipped, it)
		if it.retried() {
			unreadable = append(unreadable, p) // a locked file may be free at the next pass
		}
	}
	sort.Strings(clashes)
	sortSkipped(skipped)
	skip := func(p string) bool {
		if _, ok := res.Skip[p]; ok {
			return true
		}
		bad := false
		ancestors(p, func(d string) {
			if _, ok := res.Skip[d]; ok {
				bad = true
			}
		})
		if bad {
			return true
		}
		dir := (local[p] != nil && local[p].Dir) || (remote[p] != nil && remote[p].Dir) || (base[p] != nil && base[p].Dir)
		return ig.Match(p, dir)
	}
	debugT = time.Now()
	plan := reconcile(planInput{Mode: r.pair.Mode, Local: local, Base: base, Remote: remote, Skip: skip,
		Now: r.e.opts.Clock.Now(), LocalUser: r.e.opts.UserName})
	if os.Getenv("SYNC_DEBUG") != "" {
		slog.Info("sync: reconciled", "pair", r.pair.ID, "actions", len(plan.All()), "took", time.Since(debugT))
	}
	big := len(base)+len(res.Files) >= bigPass
	// The scan and the snapshots are garbage once the plan exists: let them
	// go, so a first backup of 100,000 files frees each file's scan record as
	// its upload ends (the executor clears finished actions) instead of
	// holding every one until the pass is over.
	local, remote, base, res, skip = nil, nil, nil, nil, nil

	// Mass-delete safety: hold the deletes until the user confirms.
	// A folder gone from a pass over part of the pair may be the old half of
	// a rename whose new half comes in the next pass (move.go): its drive
	// delete waits for a full pass, as file deletes do.
	dirsDeferred := !full && plan.DeleteFiles == 0 && slices.ContainsFunc(plan.Deletes, func(a action) bool { return a.Kind == actDeleteRemote })
	if dirsDeferred {
		plan.Deletes = nil
	}
	// The confirmations this pass goes by, read once: one given while the
	// pass runs (the user answering the hold an earlier pass showed) is
	// for the next pass, not cleared unused by this one's end, which made
	// the user confirm a held mass delete twice.
	r.mu.Lock()
	okDeletes, okOverwrites := r.confirmed, r.confirmedOverwrite
	r.mu.Unlock()
	held, deferDeletes := r.checkDeletes(plan, baseFiles, full, okDeletes)
	deferDeletes = deferDeletes || dirsDeferred
	// Mass-overwrite safety: hold a folder's worth of new content.
	heldOver := r.checkOverwrites(plan, baseFiles, okOverwrites)
	if r.e.opts.afterHoldCheck != nil {
		r.e.opts.afterHoldCheck()
	}
	r.mu.Lock()
	if full {
		// A confirmation covers what was held when it was given: one full
		// pass, then the next mass delete or overwrite asks again.
		r.confirmed = r.confirmed && !okDeletes
		r.confirmedOverwrite = r.confirmedOverwrite && !okOverwrites
	}
	r.mu.Unlock()
	prev := r.statusCopy()
	if prev.PendingOverwrite > heldOver && !full {
		heldOver = prev.PendingOverwrite // held outside this region too: still waiting
	}
	prevHeld := prev.PendingDelete
	if held == 0 && prevHeld > 0 && !full {
		// Deletes were held elsewhere: keep showing them, and look at the
		// whole folder again (they may have been restored meanwhile).
		held = prevHeld
		r.markDirty("")
	}

	if os.Getenv("SYNC_DEBUG") != "" {
		for _, a := range plan.All() {
			slog.Info("plan", "pair", r.pair.ID, "action", a.String())
		}
	}
	if !plan.Empty() {
		r.changedDrive.Store(true)
	}
	prog := &progress{}
	x := newExecutor(r, prog)
	debugT = time.Now()
	err = x.run(pctx, plan)
	if os.Getenv("SYNC_DEBUG") != "" {
		slog.Info("sync: executed", "pair", r.pair.ID, "took", time.Since(debugT))
	}
	if big && !r.e.opts.NoWatch {
		// A pass over a big folder leaves a lot of garbage (scan results,
		// snapshots, the plan); hand it back to the OS now rather than
		// idling with it. An engine that does not watch does not idle
		// (tack sync --once exits next): the forced collection would only
		// add to its time.
		defer debug.FreeOSMemory()
	}
	again := append([]string(nil), x.retry...)
	again = append(again, x.created...)
	again = append(again, unreadable...)
	if deferDeletes {
		// The full pass that decides on the deletes runs next, at once: by
		// the backoff it could wait up to a minute, showing "synced" while
		// a mass delete was about to be held.
		r.markDirty("")
	}
	var errText string
	if len(x.errs) > 0 {
		errText = errors.Join(x.errs...).Error()
	}
	r.update(func(s *PairStatus) {
		s.State = StateSynced
		if deferDeletes {
			s.State = StateSyncing
		}
		s.Pending = len(again)
		s.PendingDelete = held
		s.PendingOverwrite = heldOver
		s.Clashes = clashes
		s.Skipped = skipped
		s.Error = errText
		if err == nil && len(x.errs) == 0 {
			s.LastSync = r.e.opts.Clock.Now()
		}
		// The rescan after an overflow repairs the state, but the notice stays
		// up for a while so the user sees that events were lost.
		if full && r.watcher != nil && len(r.watcher.Unwatched()) == 0 && s.Degraded != "" && r.e.opts.Clock.Now().After(r.degradedUntil) {
			s.Degraded = ""
		}
	})
	if err != nil && !errors.Is(err, context.Canceled) {
		return again, err
	}
	if errors.Is(err, context.Canceled) && ctx.Err() == nil {
		return again, nil // paused: the pass was cancelled on purpose
	}
	return again, err
}
