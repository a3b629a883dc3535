package drive

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"tack/backend/store"
)

// GC holds let another process (the backup) pause chunk garbage collection
// while it copies chunks it read from a database snapshot: a chunk that the
// snapshot still references may lose its last reference (trash purge,
// version pruning) a second later, and without a hold the collector would
// delete the file before the backup copied it.
//
// A hold is a row with an expiry, so a backup that dies without releasing
// it blocks collection only until the row expires; a running backup renews
// it. While any unexpired hold exists, CollectGarbage deletes no chunk.
//
// Ordering: the collector checks for holds inside the transaction that
// deletes. On SQLite that transaction holds the write lock, so a hold
// inserted by AcquireGCHold commits either before it (and the collector
// sees it) or after it (and the snapshot the backup takes next already
// misses the references the collector saw gone). On PostgreSQL (READ
// COMMITTED, statements see different snapshots) the same is achieved by
// an advisory lock: the collector's transaction takes it shared before
// looking for holds, AcquireGCHold takes it exclusive, so it waits for
// every collector transaction in flight to finish.

// gcHoldLockName is the PostgreSQL advisory lock between collectors and
// hold takers.
const gcHoldLockName = "drive.gc-holds"

// GCHold is one pause of chunk garbage collection.
type GCHold struct {
	ID        string    `json:"id"`
	Owner     string    `json:"owner"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
}

// TableName maps GCHold to its table.
func (GCHold) TableName() string { return "drive_gc_holds" }

// gcHoldsMigration creates the holds table (appended to Migrations).
var gcHoldsMigration = store.Migration{ID: "drive-0002-gc-holds", SQL: `
CREATE TABLE drive_gc_holds (
	id TEXT PRIMARY KEY,
	owner TEXT NOT NULL DEFAULT '',
	created_at TIMESTAMPTZ NOT NULL,
	expires_at TIMESTAMPTZ NOT NULL
)`}

// AcquireGCHold pauses chunk garbage collection until ttl after now (or
// ReleaseGCHold). When it returns, no collector transaction that started
// before it is still running, so a database snapshot taken afterwards
// references only chunks that stay on disk while the hold lasts.
func AcquireGCHold(ctx context.Context, db *gorm.DB, owner string, now time.Time, ttl time.Duration) (GCHold, error) {
	h := GCHold{ID: store.NewID(), Owner: owner, CreatedAt: now.UTC(), ExpiresAt: now.Add(ttl).UTC()}
	err := store.WriteTx(ctx, db, func(tx *gorm.DB) error {
		if err := store.XactLock(tx, gcHoldLockName); err != nil {
			return err
		}
		// Expired holds of dead holders are dropped here rather than by
		// the collector, so the collector stays a reader of this table.
		if err := tx.Where("expires_at < ?", now.UTC()).Delete(&GCHold{}).Error; err != nil {
			return err
		}
		return tx.Create(&h).Error
	})
	if err != nil {
		return GCHold{}, fmt.Errorf("drive: acquire gc hold: %w", err)
	}
	return h, nil
}

// RenewGCHold extends a hold to ttl after now. It fails if the hold is gone
// (expired and dropped): the holder must then assume chunks were collected.
func RenewGCHold(ctx context.Context, db *gorm.DB, id string, now time.Time, ttl time.Duration) error {
	res := db.WithContext(ctx).Model(&GCHold{}).Where("id = ? AND expires_at >= ?", id, now.UTC()).
		Update("expires_at", now.Add(ttl).UTC())
	if res.Error != nil {
		return fmt.Errorf("drive: renew gc hold: %w", res.Error)
	}
	if res.RowsAffected != 1 {
		return fmt.Errorf("drive: renew gc hold %s: hold expired", id)
	}
	return nil
}

// ReleaseGCHold ends a hold (a missing hold is not an error).
func ReleaseGCHold(ctx context.Context, db *gorm.DB, id string) error {
	if err := db.WithContext(ctx).Delete(&GCHold{}, "id = ?", id).Error; err != nil {
		return fmt.Errorf("drive: release gc hold: %w", err)
	}
	return nil
}

// gcHeld reports whether an unexpired hold exists. Call it inside the
// transaction that deletes chunks (see the ordering note above).
func (st dbx) gcHeld(now time.Time) (bool, error) {
	if err := store.XactLockShared(st.db, gcHoldLockName); err != nil {
		return false, err
	}
	var n int64
	if err := st.db.Model(&GCHold{}).Where("expires_at >= ?", now.UTC()).Count(&n).Error; err != nil {
		return false, fmt.Errorf("drive: gc holds: %w", err)
	}
	return n > 0, nil
}
