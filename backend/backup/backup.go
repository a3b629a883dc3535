package backup

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"gorm.io/gorm"

	"tack/backend/drive"
	"tack/backend/drive/blobstore"
	"tack/backend/store"
)

// Source is a Tack data set: its database and the drive's chunk store
// (<data dir>/drive).
type Source struct {
	DB    *gorm.DB
	Blobs blobstore.Store
}

// Options configure Backup.
type Options struct {
	To          string         // the backup directory
	Keep        int            // complete snapshots to keep (default DefaultKeep)
	TackVersion string         // recorded in the manifest
	Progress    func(Progress) // optional
	// Now is the clock (default time.Now); snapshot names and the GC
	// hold's expiry come from it.
	Now func() time.Time
	// HoldTTL is how long the drive GC hold lasts without renewal (default
	// 10 minutes): how long a killed backup keeps the GC paused.
	HoldTTL time.Duration
	// HoldRenew is how often the hold and the lock are renewed while
	// copying (default 1 minute).
	HoldRenew time.Duration
}

// DefaultKeep is how many snapshots Backup keeps when Options.Keep is 0.
const DefaultKeep = 30

func (o *Options) defaults() {
	if o.Keep <= 0 {
		o.Keep = DefaultKeep
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.HoldTTL <= 0 {
		o.HoldTTL = 10 * time.Minute
	}
	if o.HoldRenew <= 0 {
		o.HoldRenew = time.Minute
	}
}

// Result says what a backup did.
type Result struct {
	Name        string // snapshot name
	Dir         string // snapshot directory
	Tables      int
	Rows        int64
	Chunks      int   // chunks the snapshot needs
	ChunkBytes  int64 // their total size
	Copied      int   // chunks copied by this run (the others were there)
	CopiedBytes int64
	Pruned      PruneReport
}

// Backup takes one snapshot of src into opt.To: the database in one
// snapshot transaction, then the chunks it references that the directory
// lacks, then the manifest; LATEST moves only when all of that is on disk.
// Finally snapshots beyond opt.Keep and chunks no snapshot needs are
// removed. Safe while the server runs (see the package doc).
func Backup(ctx context.Context, src Source, opt Options) (*Result, error) {
	opt.defaults()
	start := opt.Now()
	r, err := openRepo(opt.To, true)
	if err != nil {
		return nil, err
	}
	lock, err := r.lock(start)
	if err != nil {
		return nil, err
	}
	defer lock.release()

	// The hold comes before the snapshot: every chunk the snapshot names
	// then stays on disk until the copy is done (drive/gcholds.go).
	hold, err := drive.AcquireGCHold(ctx, src.DB, "backup to "+opt.To, start, opt.HoldTTL)
	if err != nil {
		return nil, fmt.Errorf("backup: pause the drive's garbage collection (is the database at this Tack version? start the server once): %w", err)
	}
	released := false
	release := func() {
		if !released {
			released = true
			// Not ctx: an interrupted run must still let the GC go on.
			_ = drive.ReleaseGCHold(context.Background(), src.DB, hold.ID)
		}
	}
	defer release()

	// The hold and the lock are renewed in the background for as long as
	// the dump and the copy take; if the hold cannot be renewed, the run
	// stops: chunks may be collected from then on.
	ctx, stopBeat := heartbeat(ctx, opt, src, hold.ID, lock)
	defer stopBeat()

	name := r.newName(start)
	work := r.snapshotDir(name + partialSuffix)
	if err := os.Mkdir(work, 0o700); err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	d, err := dump(ctx, src.DB, work, opt.Progress)
	if err != nil {
		return nil, beatErr(ctx, err)
	}
	cl, err := writeChunkList(work, d.chunks)
	if err != nil {
		return nil, err
	}
	stats, err := copyChunks(ctx, src.Blobs, r.chunks, d.chunks, opt.Progress)
	if err != nil {
		return nil, beatErr(ctx, err)
	}
	if err := stopBeat(); err != nil {
		return nil, err
	}
	release()

	m := Manifest{
		Format: FormatVersion, Name: name, CreatedAt: start.UTC(), TackVersion: opt.TackVersion,
		Source: dialect(src.DB), Migrations: d.migrations, Tables: d.tables, Chunks: cl,
	}
	if err := finishSnapshot(r, work, name, &m); err != nil {
		return nil, err
	}
	res := &Result{Name: name, Dir: r.snapshotDir(name), Tables: len(m.Tables), Chunks: cl.Count,
		ChunkBytes: cl.Bytes, Copied: stats.Copied, CopiedBytes: stats.CopiedBytes}
	for _, t := range m.Tables {
		res.Rows += t.Rows
	}
	report(opt.Progress, Progress{Phase: PhasePrune})
	if res.Pruned, err = r.prune(opt.Keep); err != nil {
		// The snapshot is complete and LATEST points at it; say so.
		return res, fmt.Errorf("backup: snapshot %s is complete, but pruning failed: %w", name, err)
	}
	return res, nil
}

// finishSnapshot writes the manifest, makes everything durable, renames the
// work directory to its final name and only then moves LATEST.
func finishSnapshot(r *repo, work, name string, m *Manifest) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("backup: manifest: %w", err)
	}
	if err := writeFileAtomic(filepath.Join(work, manifestFile), append(b, '\n')); err != nil {
		return fmt.Errorf("backup: write manifest: %w", err)
	}
	for _, d := range []string{filepath.Join(work, "db"), work} {
		if err := syncDir(d); err != nil {
			return fmt.Errorf("backup: sync %s: %w", d, err)
		}
	}
	if err := os.Rename(work, r.snapshotDir(name)); err != nil {
		return fmt.Errorf("backup: complete snapshot: %w", err)
	}
	if err := syncDir(filepath.Join(r.dir, snapshotsDir)); err != nil {
		return fmt.Errorf("backup: sync snapshots: %w", err)
	}
	return r.setLatest(name)
}

func dialect(db *gorm.DB) string {
	if store.IsPostgres(db) {
		return "postgres"
	}
	return "sqlite"
}

// errHoldLost is the cancel cause when the GC hold could not be renewed.
var errHoldLost = errors.New("backup: lost the drive GC hold")

// heartbeat renews the GC hold and touches the lock every opt.HoldRenew
// until stop is called. The returned context is cancelled (cause
// errHoldLost) when a renewal fails; stop reports that failure.
func heartbeat(ctx context.Context, opt Options, src Source, holdID string, lock *repoLock) (context.Context, func() error) {
	ctx, cancel := context.WithCancelCause(ctx)
	done := make(chan struct{})
	var failed error
	var once sync.Once
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(opt.HoldRenew)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
			}
			lock.touch()
			if err := drive.RenewGCHold(ctx, src.DB, holdID, opt.Now(), opt.HoldTTL); err != nil && ctx.Err() == nil {
				failed = fmt.Errorf("%w: %w", errHoldLost, err)
				cancel(failed)
				return
			}
		}
	}()
	stop := func() error {
		once.Do(func() { close(done); wg.Wait(); cancel(nil) })
		return failed
	}
	return ctx, stop
}

// beatErr prefers the heartbeat's failure over the context error it caused.
func beatErr(ctx context.Context, err error) error {
	if cause := context.Cause(ctx); errors.Is(cause, errHoldLost) {
		return cause
	}
	return err
}
