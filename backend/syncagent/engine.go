package syncagent

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"
	gosync "sync"
	"sync/atomic"
	"time"

	"golang.org/x/text/unicode/norm"

	"tack/backend/clock"
	"tack/backend/store"
)

// Options configure an Engine. Zero values take the defaults.
type Options struct {
	DataDir  string // the client's data dir; the index lives in DataDir/sync
	Client   *Client
	Clock    clock.Clock
	UserName string // this user's display name (conflict copies of local edits)
	Workers  int    // parallel transfers (default 4)
	// CaseSensitive: the server keeps names differing only by case apart.
	// When false (the default) such local names are reported, not synced.
	CaseSensitive bool
	// Mass-delete safety: a pass deleting more than DeleteLimit files, or more
	// than DeleteRatio of a pair's files (and at least DeleteRatioMin), waits
	// for ConfirmDeletes.
	DeleteLimit    int
	DeleteRatio    float64
	DeleteRatioMin int
	// Mass-overwrite safety (ransomware): new content for more than
	// OverwriteLimit files (default 100), or more than OverwriteRatio
	// (default 0.5) of a pair's files and at least OverwriteRatioMin
	// (default 20), within a minute, waits for ConfirmOverwrites.
	OverwriteLimit    int
	OverwriteRatio    float64
	OverwriteRatioMin int
	RescanInterval    time.Duration // full metadata rescan (default 15 min)
	PollInterval      time.Duration // rescan of unwatched subtrees (default 1 min)
	FeedWait          int           // change feed long-poll seconds (default 25)
	SmallFile         int64         // files up to this size go up in one request, many together (default 256 KiB)
	ChunkBatch        int           // a big file's missing chunks go up in requests of about this many bytes (default 8 MiB)
	BandwidthLimit    int64         // bytes/s for transfers, 0 = unlimited
	NoWatch           bool          // no fsnotify (SyncOnce, tests)
	// OnPairStopped is called (on the pair's goroutine) when a pair stops
	// for good while serving: the desktop notifies the user, `tack sync`
	// exits non-zero, the heartbeat tells the server.
	OnPairStopped func(PairStatus)
	// OnSignedOut is called once (on its own goroutine) when the server
	// first answers 401: every pair then shows "sign in again".
	OnSignedOut func()
	// The heartbeat to the server: DeviceName (default the host name),
	// ClientName ("desktop", "cli"), sent HeartbeatDelay after the start
	// (default 30 s), then every HeartbeatInterval (default 10 min) and when
	// a pair stops. NoHeartbeat turns it off.
	DeviceName        string
	ClientName        string
	HeartbeatDelay    time.Duration
	HeartbeatInterval time.Duration
	NoHeartbeat       bool

	openFile       func(name string) (io.ReadCloser, error) // tests: the scanner's reads (nil = os.Open)
	noStream       bool                                     // tests and benchmarks: read new big files in the scan, upload them announced in full
	streamHook     func(batch int)                          // tests: called after each batch of a streamed upload is sent
	afterHoldCheck func()                                   // tests: runs in a pass after the mass-delete and -overwrite checks
	lstat          func(name string) (fs.FileInfo, error)   // tests: a case-insensitive file system's lookups (nil = os.Lstat)
}

func (o *Options) defaults() {
	if o.Clock == nil {
		o.Clock = clock.Real{}
	}
	if o.Workers <= 0 {
		o.Workers = 4
	}
	if o.DeleteLimit <= 0 {
		o.DeleteLimit = 100
	}
	if o.DeleteRatio <= 0 {
		o.DeleteRatio = 0.10
	}
	if o.DeleteRatioMin <= 0 {
		o.DeleteRatioMin = 10
	}
	if o.OverwriteLimit <= 0 {
		o.OverwriteLimit = 100
	}
	if o.OverwriteRatio <= 0 {
		o.OverwriteRatio = 0.5
	}
	if o.OverwriteRatioMin <= 0 {
		o.OverwriteRatioMin = 20
	}
	if o.RescanInterval <= 0 {
		o.RescanInterval = 15 * time.Minute
	}
	if o.PollInterval <= 0 {
		o.PollInterval = time.Minute
	}
	if o.FeedWait <= 0 {
		o.FeedWait = 25
	}
	if o.HeartbeatDelay <= 0 {
		o.HeartbeatDelay = 30 * time.Second
	}
	if o.HeartbeatInterval <= 0 {
		o.HeartbeatInterval = 10 * time.Minute
	}
	if o.DeviceName == "" {
		o.DeviceName, _ = os.Hostname()
		if o.DeviceName == "" {
			o.DeviceName = "computer"
		}
	}
	if o.ChunkBatch <= 0 {
		o.ChunkBatch = chunkBatchBytes
	}
	if o.SmallFile == 0 {
		o.SmallFile = 256 << 10
	}
}

// The headless agent's memory budget is 150 MB of RSS. About 25 MiB of that
// is not Go heap (the binary's code, SQLite's page cache, stacks), so the
// Go runtime gets 120 MiB as a soft limit: a backstop, not the working point.
// The working point is set by agentGCPercent: the GC lets the heap grow to
// 1.5× the live data instead of Go's default 2×, so a pass over 100,000
// files (≈ 60 MiB live) peaks near 90 MiB of heap and the limit is rarely
// reached. A limit the working set sits at makes the GC run back to back
// (up to half the CPU); a lower GOGC spends a little more GC during passes
// and none while idle, because an idle agent allocates nothing.
const (
	tackSyncMemoryLimit = 120 << 20
	agentGCPercent      = 50
)

// A one-shot run (tack sync --once) is not an agent left running: it ends
// as soon as the pairs are synced, so it trades a higher short peak for
// time. Under the agent's settings a restart of an unchanged 100,000-file
// pair holds about 90 MB live (index, drive tree, scan, snapshot), right at
// the 120 MiB limit, and the GC ran nearly back to back (every phase about
// twice as long: bench/RESULTS.md). Go's default GOGC 100 lets the heap
// reach 2× the live data (≈ 180 MB for 100,000 files, for a few seconds);
// the limit stays as a backstop far above that working point.
const (
	oneShotMemoryLimit = 512 << 20
	oneShotGCPercent   = 100
)

// SetAgentMemoryLimit applies the agent's GC settings to this process
// (unless GOMEMLIMIT or GOGC say otherwise). For processes that run only the
// agent (tack sync); oneShot for a run that syncs once and exits.
func SetAgentMemoryLimit(oneShot bool) {
	limit, pct := int64(tackSyncMemoryLimit), agentGCPercent
	if oneShot {
		limit, pct = oneShotMemoryLimit, oneShotGCPercent
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(limit)
	}
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(pct)
	}
}

// Engine runs the sync pairs of one client.
type Engine struct {
	opts    Options
	client  *Client
	index   *Index
	limiter *RateLimiter
	events  chan Event

	// noBatch: the server answered that it has no batch uploads.
	noBatch atomic.Bool
	// signedOut: the server answered 401; the token is dead for good.
	signedOut atomic.Bool

	mu      gosync.Mutex
	runners map[string]*pairRunner
	serving context.Context // set while Serve runs: new pairs start at once
	wg      gosync.WaitGroup
}

// New opens the index and loads the configured pairs.
func New(ctx context.Context, opts Options) (*Engine, error) {
	opts.defaults()
	if opts.Client == nil {
		return nil, errors.New("sync: no client")
	}
	ix, err := OpenIndex(ctx, opts.DataDir)
	if err != nil {
		return nil, err
	}
	e := &Engine{opts: opts, client: opts.Client, index: ix, limiter: NewRateLimiter(opts.BandwidthLimit),
		events: make(chan Event, 64), runners: map[string]*pairRunner{}}
	e.client.Limiter = e.limiter
	e.client.OnUnauthorized = e.noteSignedOut
	pairs, err := ix.Pairs(ctx)
	if err != nil {
		_ = ix.Close()
		return nil, err
	}
	for _, p := range pairs {
		e.runners[p.ID] = newPairRunner(e, p)
	}
	return e, nil
}

// noteSignedOut records the first 401: every pair's status changes at once
// and OnSignedOut is told once, not at every retry. It runs apart from the
// caller, which may be a request made under the engine's locks.
func (e *Engine) noteSignedOut() {
	if !e.signedOut.CompareAndSwap(false, true) {
		return
	}
	go func() {
		slog.Warn("sync: the server ended the session; sign in again")
		for _, p := range e.Pairs() {
			if r, err := e.runner(p.ID); err == nil {
				r.publish()
			}
		}
		if e.opts.OnSignedOut != nil {
			e.opts.OnSignedOut()
		}
	}()
}

// SignedOut reports whether the server has answered 401 to this engine.
func (e *Engine) SignedOut() bool { return e.signedOut.Load() }

// Close closes the index. Call after Serve has returned.
func (e *Engine) Close() error { return e.index.Close() }

// Events delivers status changes for the UI and tray. Slow readers miss
// intermediate states, never the engine.
func (e *Engine) Events() <-chan Event { return e.events }

// SetBandwidthLimit changes the transfer limit (bytes/s, 0 = unlimited).
func (e *Engine) SetBandwidthLimit(bps int64) { e.limiter.SetRate(bps) }

// BandwidthLimit is the transfer limit in force (bytes/s, 0 = unlimited).
func (e *Engine) BandwidthLimit() int64 { return e.limiter.Rate() }

// Pairs lists the pairs.
func (e *Engine) Pairs() []Pair {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]Pair, 0, len(e.runners))
	for _, r := range e.runners {
		out = append(out, r.pair)
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].CreatedAt.Before(out[j].CreatedAt) || (out[i].CreatedAt.Equal(out[j].CreatedAt) && out[i].ID < out[j].ID)
	})
	return out
}

// AddPair validates and stores a pair; it starts syncing at once when the
// engine is serving.
func (e *Engine) AddPair(ctx context.Context, p Pair) (Pair, error) {
	if p.LocalPath == "" || p.RemoteFolderID == "" || p.SpaceID == "" {
		return Pair{}, errPairIncomplete
	}
	abs, err := filepath.Abs(p.LocalPath)
	if err != nil {
		return Pair{}, errNotAFolder.Wrap(err)
	}
	fi, err := os.Stat(abs)
	if err != nil || !fi.IsDir() {
		return Pair{}, errNotAFolder.Wrap(fmt.Errorf("%s: %v", abs, err))
	}
	p.LocalPath = abs
	if p.Mode, err = ParseMode(string(p.Mode)); err != nil {
		return Pair{}, err
	}
	e.mu.Lock()
	for _, r := range e.runners {
		if r.pair.LocalPath == abs || isUnder(filepath.ToSlash(abs), filepath.ToSlash(r.pair.LocalPath)) || isUnder(filepath.ToSlash(r.pair.LocalPath), filepath.ToSlash(abs)) {
			e.mu.Unlock()
			return Pair{}, errPairOverlap.Wrap(fmt.Errorf("%s overlaps the pair at %s", abs, r.pair.LocalPath))
		}
	}
	e.mu.Unlock()
	if p.ID == "" {
		p.ID = store.NewID()
	}
	p.CreatedAt = e.opts.Clock.Now()
	if err := e.index.SavePair(ctx, p); err != nil {
		return Pair{}, err
	}
	r := newPairRunner(e, p)
	e.mu.Lock()
	e.runners[p.ID] = r
	if e.serving != nil {
		e.start(e.serving, r)
	}
	e.mu.Unlock()
	return p, nil
}

// RemovePair stops a pair and forgets its index; no file is touched.
func (e *Engine) RemovePair(ctx context.Context, id string) error {
	e.mu.Lock()
	r := e.runners[id]
	delete(e.runners, id)
	e.mu.Unlock()
	if r == nil {
		return fmt.Errorf("sync: no pair %s", id)
	}
	r.stop() // waits for a running pass to end before the index is dropped
	removeRemote(e.opts.DataDir, id)
	return e.index.DeletePair(ctx, id)
}

func (e *Engine) runner(id string) (*pairRunner, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	r := e.runners[id]
	if r == nil {
		return nil, fmt.Errorf("sync: no pair %s", id)
	}
	return r, nil
}

// Pause stops a pair's transfers (an upload in flight resumes later from
// where it stopped).
func (e *Engine) Pause(ctx context.Context, id string) error { return e.setPaused(ctx, id, true) }

// Resume restarts a paused pair.
func (e *Engine) Resume(ctx context.Context, id string) error { return e.setPaused(ctx, id, false) }

func (e *Engine) setPaused(ctx context.Context, id string, paused bool) error {
	r, err := e.runner(id)
	if err != nil {
		return err
	}
	r.mu.Lock()
	r.pair.Paused = paused
	p := r.pair
	if paused && r.cancelPass != nil {
		r.cancelPass()
	}
	r.mu.Unlock()
	if err := e.index.SavePair(ctx, p); err != nil {
		return err
	}
	if !paused {
		e.restartStopped(r)
		r.markDirty("")
	}
	r.publish()
	return nil
}

// ConfirmDeletes lets the held mass delete of a pair go ahead once.
func (e *Engine) ConfirmDeletes(id string) error {
	return e.confirm(id, func(r *pairRunner) { r.confirmed = true })
}

// ConfirmOverwrites lets the held mass overwrite of a pair go up once (each
// file as a new version: the previous ones stay in the drive's history).
func (e *Engine) ConfirmOverwrites(id string) error {
	return e.confirm(id, func(r *pairRunner) { r.confirmedOverwrite = true })
}

// confirm sets a pair's confirmation under its lock and runs a pass.
func (e *Engine) confirm(id string, set func(*pairRunner)) error {
	r, err := e.runner(id)
	if err != nil {
		return err
	}
	r.mu.Lock()
	set(r)
	r.mu.Unlock()
	r.markDirty("")
	return nil
}

// Status returns every pair's status.
func (e *Engine) Status() []PairStatus {
	pairs := e.Pairs()
	out := make([]PairStatus, 0, len(pairs)) // a list, never null, in JSON: no pair yet is []
	for _, p := range pairs {
		if r, err := e.runner(p.ID); err == nil {
			out = append(out, r.statusCopy())
		}
	}
	return out
}

// Overall is the worst state of all pairs (for the tray).
func (e *Engine) Overall() State {
	rank := map[State]int{StateSynced: 0, StateSyncing: 1, StatePaused: 2, StateDegraded: 3, StateNeedsConfirmation: 4, StateError: 5, StateStopped: 6, StateFolderGone: 6, StateSignedOut: 7}
	worst := StateSynced
	for _, s := range e.Status() {
		if rank[s.State] > rank[worst] {
			worst = s.State
		}
	}
	return worst
}

// Serve runs every pair (watch, feed, passes) until ctx ends.
func (e *Engine) Serve(ctx context.Context) error {
	e.mu.Lock()
	e.serving = ctx
	for _, r := range e.runners {
		e.start(ctx, r)
	}
	e.mu.Unlock()
	if !e.opts.NoHeartbeat {
		e.wg.Add(1)
		go func() { defer e.wg.Done(); e.heartbeatLoop(ctx) }()
	}
	<-ctx.Done()
	e.wg.Wait()
	e.mu.Lock()
	e.serving = nil
	e.mu.Unlock()
	return ctx.Err()
}

func (e *Engine) start(ctx context.Context, r *pairRunner) {
	rctx, cancel := context.WithCancel(ctx)
	r.mu.Lock()
	r.stopFn = cancel
	r.done = make(chan struct{})
	done := r.done
	r.mu.Unlock()
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		defer close(done)
		var err error
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("sync: crashed: %v", p)
				slog.Error("sync: pair crashed", "pair", r.pair.ID, "panic", p, "stack", string(debug.Stack()))
			}
			if err != nil && !errors.Is(err, context.Canceled) && rctx.Err() == nil {
				e.stopped(r, err)
			}
		}()
		err = r.serve(rctx)
	}()
}

// stopped marks a pair whose runner ended for good and tells everyone who
// watches: until then a pair could stop while the process stayed alive and
// nothing outside noticed.
func (e *Engine) stopped(r *pairRunner, err error) {
	slog.Error("sync: pair stopped", "pair", r.pair.ID, "path", r.pair.LocalPath, "err", err)
	r.mu.Lock()
	r.stopped = err.Error()
	r.stoppedAt = e.opts.Clock.Now()
	r.mu.Unlock()
	r.publish()
	if !e.opts.NoHeartbeat {
		// Told before the callback, which may end the process (tack sync).
		e.Report()
	}
	if e.opts.OnPairStopped != nil {
		e.opts.OnPairStopped(r.statusCopy())
	}
}

// restartStopped starts a stopped pair's runner again (Resume is the
// user's "try again": the cause may be gone, say a disk that came back).
func (e *Engine) restartStopped(r *pairRunner) {
	r.mu.Lock()
	stopped := r.stopped != ""
	r.mu.Unlock()
	if !stopped {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.serving == nil {
		return
	}
	r.mu.Lock()
	r.stopped, r.stoppedAt = "", time.Time{}
	r.status.Error = ""
	r.mu.Unlock()
	e.start(e.serving, r)
}

// SyncOnce brings every pair in step once (full listing, full scan, passes
// until nothing is left or maxRounds) and returns. Paused pairs are skipped.
func (e *Engine) SyncOnce(ctx context.Context) error {
	var errs []error
	for _, p := range e.Pairs() {
		r, err := e.runner(p.ID)
		if err != nil || p.Paused {
			continue
		}
		if err := r.syncOnce(ctx); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", p.LocalPath, err))
		}
	}
	if e.signedOut.Load() {
		return ErrSignedOut // one clear reason, not a 401 per pair
	}
	return errors.Join(errs...)
}

// nfc normalises a relative path.
func nfc(p string) string { return norm.NFC.String(strings.Trim(p, "/")) }
