package backup

import (
	"context"
	"errors"
	"fmt"
	"time"

	"tack/backend/drive"
	"tack/backend/drive/blobstore"
)

// MigrateOptions configure MigrateBlobs.
type MigrateOptions struct {
	// Deep re-reads every referenced chunk from the target and checks its
	// SHA-256 after the copy (otherwise its size is checked).
	Deep     bool
	Progress func(Progress) // optional
	// HoldTTL is how long the drive GC hold lasts without renewal (default
	// 10 minutes); it is renewed every HoldTTL/4 while copying.
	HoldTTL time.Duration
}

// MigrateReport is the outcome of MigrateBlobs.
type MigrateReport struct {
	Referenced  int   // chunks file versions refer to, all now in the target
	Uploads     int   // chunks of unfinished uploads copied too
	Copied      int   // chunks copied this run (the rest were there already)
	CopiedBytes int64 // their bytes
}

// MigrateBlobs copies every chunk src's database refers to (file versions,
// and the chunks unfinished uploads already sent) from src.Blobs to to, and
// then checks that the target holds each of them. Each chunk is read whole
// and checked against its name and size before it is written, and written
// through the target's own hash check. A chunk the target already holds
// with the right size is skipped, so a run that was interrupted resumes
// where it stopped, and a second run after the servers switched to the
// target copies what was written to the old store meanwhile. The drive's
// garbage collection is paused (a GC hold in the database, so on every
// replica) while it runs. src.Blobs is left as it was.
func MigrateBlobs(ctx context.Context, src Source, to blobstore.Store, opt MigrateOptions) (*MigrateReport, error) {
	if opt.HoldTTL <= 0 {
		opt.HoldTTL = 10 * time.Minute
	}
	hold, err := drive.AcquireGCHold(ctx, src.DB, "blobs migrate to "+to.String(), time.Now(), opt.HoldTTL)
	if err != nil {
		return nil, fmt.Errorf("backup: migrate: pause the drive's garbage collection: %w", err)
	}
	defer func() { _ = drive.ReleaseGCHold(context.Background(), src.DB, hold.ID) }()
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	go func() { // renew the hold; if it lapses, stop: chunks may go from then on
		t := time.NewTicker(opt.HoldTTL / 4)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if err := drive.RenewGCHold(ctx, src.DB, hold.ID, time.Now(), opt.HoldTTL); err != nil {
					cancel(fmt.Errorf("backup: migrate: renew the GC hold: %w", err))
					return
				}
			}
		}
	}()
	fail := func(err error) (*MigrateReport, error) {
		if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, context.Canceled) {
			return nil, cause
		}
		return nil, err
	}

	c := connOf(src.DB.WithContext(ctx))
	refs, err := referencedChunks(ctx, c)
	if err != nil {
		return fail(err)
	}
	rep := &MigrateReport{Referenced: len(refs)}
	st, err := copyChunks(ctx, src.Blobs, to, refs, opt.Progress)
	rep.Copied, rep.CopiedBytes = st.Copied, st.CopiedBytes
	if err != nil {
		return fail(fmt.Errorf("backup: migrate: %w", err))
	}
	// Chunks of unfinished uploads: only those the source holds (a planned
	// chunk not sent yet is not there, and that is fine).
	ups, err := uploadChunks(ctx, c)
	if err != nil {
		return fail(err)
	}
	var have []chunkRef
	for _, r := range ups {
		if n, err := src.Blobs.Stat(r.Hash); err == nil && n == r.Size {
			have = append(have, r)
		}
	}
	st, err = copyChunks(ctx, src.Blobs, to, have, opt.Progress)
	rep.Uploads = len(have)
	rep.Copied += st.Copied
	rep.CopiedBytes += st.CopiedBytes
	if err != nil {
		return fail(fmt.Errorf("backup: migrate: %w", err))
	}

	// Check the target: every referenced chunk is there with its size
	// (deep: its content).
	p := Progress{Phase: PhaseVerify, ChunksTotal: len(refs)}
	for _, r := range refs {
		if err := ctx.Err(); err != nil {
			return fail(err)
		}
		n, err := to.Stat(r.Hash)
		if err == nil && n != r.Size {
			err = fmt.Errorf("%w: %d bytes, the database says %d", blobstore.ErrCorrupt, n, r.Size)
		}
		if err == nil && opt.Deep {
			err = to.Verify(r.Hash)
		}
		if err != nil {
			return fail(fmt.Errorf("backup: migrate: chunk %s in %s after the copy: %w", r.Hash, to, err))
		}
		p.Chunks++
		p.Bytes += r.Size
		report(opt.Progress, p)
	}
	return rep, nil
}

// uploadChunks lists the chunks unfinished uploads name.
func uploadChunks(ctx context.Context, c conn) ([]chunkRef, error) {
	rows, err := c.QueryContext(ctx, `SELECT hash, MAX(size) FROM drive_upload_chunks GROUP BY hash ORDER BY hash`)
	if err != nil {
		return nil, fmt.Errorf("backup: list upload chunks: %w", err)
	}
	defer rows.Close()
	var out []chunkRef
	for rows.Next() {
		var r chunkRef
		if err := rows.Scan(&r.Hash, &r.Size); err != nil {
			return nil, fmt.Errorf("backup: list upload chunks: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
