package drive

import (
	"context"
	"time"

	"tack/backend/store"
)

// Job runs the drive's maintenance every Config.JobInterval: purge expired
// trash, prune old versions, drop expired uploads, forget old departures
// (moves.go), collect garbage chunks.
// Running it on several replicas at once is safe (each step re-checks its
// condition in the transaction that deletes), only wasteful.
type Job struct{ S *Service }

// Serve runs the job until ctx ends.
func (j Job) Serve(ctx context.Context) error {
	return store.Every(ctx, j.S.cfg.JobInterval, "drive: maintenance", func(ctx context.Context) error {
		_, err := j.S.Maintain(ctx)
		return err
	})
}

// MaintenanceReport counts what one maintenance run removed.
type MaintenanceReport struct {
	TrashPurged    int
	VersionsPruned int
	UploadsExpired int
	SpacesPruned   int // spaces whose old departures were forgotten
	ChunksRemoved  int
	OrphanFiles    int
	WholeFiles     int // whole-file objects of presigned downloads no version names (presign.go)
}

// Maintain runs every maintenance step once.
func (s *Service) Maintain(ctx context.Context) (MaintenanceReport, error) {
	var r MaintenanceReport
	var err error
	if r.TrashPurged, err = s.PurgeExpiredTrash(ctx); err != nil {
		return r, err
	}
	if r.VersionsPruned, err = s.PruneOldVersions(ctx); err != nil {
		return r, err
	}
	if r.UploadsExpired, err = s.ExpireUploads(ctx); err != nil {
		return r, err
	}
	if r.SpacesPruned, err = s.PruneDepartures(ctx); err != nil {
		return r, err
	}
	if r.ChunksRemoved, r.OrphanFiles, err = s.CollectGarbage(ctx); err != nil {
		return r, err
	}
	r.WholeFiles, err = s.collectWholeFiles(ctx)
	return r, err
}

// ExpireUploads deletes upload sessions past their expiry; their chunks
// become garbage (after the grace period) unless something else uses them.
func (s *Service) ExpireUploads(ctx context.Context) (int, error) {
	n := 0
	for {
		ids, err := s.read(ctx).expiredUploads(s.clock.Now(), 500)
		if err != nil || len(ids) == 0 {
			return n, wrap("expired uploads", err)
		}
		if err := s.write(ctx, func(st dbx) error { return st.deleteUploads(ids) }); err != nil {
			return n, err
		}
		for _, id := range ids {
			s.runs.forget(id)
		}
		n += len(ids)
	}
}

// CollectGarbage removes chunks that no file version and no open upload
// refers to and that nothing has used for the grace period, then chunk
// files that have no database row at all (left by a crash between rename
// and commit) and are older than the grace period.
//
// Safety against concurrent uploads: every path that adds a reference to a
// chunk first upserts or touches its row (last_used_at = now) in the same
// transaction. The delete below re-checks age and references in one
// statement; on PostgreSQL it waits for a concurrent toucher's row lock and
// then sees the fresh last_used_at; on SQLite writers are serialised. The
// file is removed inside the deleting transaction, so a re-upload of the
// same chunk (which upserts the row before renaming its file) runs either
// wholly before, and stops the delete, or wholly after, and puts the file back.
// A chunk batch (PutChunks) renames its files before its transaction; the
// chunks it takes are announced by an open upload, which keeps them from
// this delete, and after writing their rows it checks that every file is
// still there (the orphan sweep below claims a file through its row).
func (s *Service) CollectGarbage(ctx context.Context) (chunks, orphans int, err error) {
	cutoff := s.clock.Now().Add(-s.cfg.GCGrace)
	for {
		hashes, err := s.read(ctx).garbageChunks(cutoff, 200)
		if err != nil {
			return chunks, orphans, wrap("garbage chunks", err)
		}
		if len(hashes) == 0 {
			break
		}
		removed := 0
		err = s.write(ctx, func(st dbx) error {
			removed = 0
			// A backup copying chunks pauses deletion (gcholds.go).
			if held, err := st.gcHeld(s.clock.Now()); err != nil || held {
				return err
			}
			for _, h := range hashes {
				ok, err := st.deleteGarbageChunk(h, cutoff)
				if err != nil {
					return wrap("delete chunk row", err)
				}
				if ok {
					if err := s.blobs.Remove(h); err != nil {
						return err
					}
					removed++
				}
			}
			return nil
		})
		if err != nil {
			return chunks, orphans, err
		}
		chunks += removed
		if removed == 0 {
			break // every candidate was rescued meanwhile
		}
	}
	orphans, err = s.sweepOrphanFiles(ctx, cutoff)
	return chunks, orphans, err
}

// sweepOrphanFiles removes chunk files without a row, older than cutoff
// (file time: wall clock, as the file system keeps it).
func (s *Service) sweepOrphanFiles(ctx context.Context, cutoff time.Time) (int, error) {
	var cands []string
	wallCutoff := time.Now().Add(-s.cfg.GCGrace)
	err := s.blobs.Walk(func(hash string, _ int64, mod time.Time) error {
		if mod.Before(wallCutoff) {
			cands = append(cands, hash)
		}
		return nil
	})
	if err != nil {
		return 0, wrap("walk blobs", err)
	}
	n := 0
	for i := 0; i < len(cands); i += 500 {
		part := cands[i:min(i+500, len(cands))]
		have, err := s.read(ctx).presentChunks(part)
		if err != nil {
			return n, err
		}
		for _, h := range part {
			if have[h] {
				continue
			}
			removed := false
			err := s.write(ctx, func(st dbx) error {
				// The placeholder row holds off a concurrent upload of the
				// same chunk until the file is gone; then it goes too.
				ok, err := st.claimOrphan(h, cutoff)
				if err != nil || !ok {
					return err
				}
				if err := s.blobs.Remove(h); err != nil {
					return err
				}
				removed = true
				return st.deleteChunkRow(h)
			})
			if err != nil {
				return n, err
			}
			if removed {
				n++
			}
		}
	}
	return n, nil
}
