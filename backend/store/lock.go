package store

import (
	"context"
	"database/sql/driver"
	"fmt"

	"gorm.io/gorm"
)

// PostgreSQL advisory locks belong to the whole database, not to a schema.
// Two Tack deployments sharing one database in separate schemas (and the
// tests, which give every test its own schema) would otherwise hold each
// other's job locks, and unrelated jobs that happened to pick the same
// number would block one another. Every lock is therefore named and keyed
// by (hash of the current schema, hash of the name) in the two-int4 key
// space, which PostgreSQL keeps apart from the single-bigint one.
//
// lockKey is the key of the lock whose name is the query parameter p ("?"
// through gorm, "$1" on a raw connection).
func lockKey(p string) string { return "hashtext(current_schema()), hashtext(" + p + ")" }

// XactLock takes the named exclusive lock until tx ends, waiting for it.
// On SQLite it does nothing: its write transactions are serialised already.
func XactLock(tx *gorm.DB, name string) error { return xactLock(tx, "pg_advisory_xact_lock", name) }

// XactLockShared takes the named lock shared until tx ends: shared holders
// run together and exclude only an exclusive holder.
func XactLockShared(tx *gorm.DB, name string) error {
	return xactLock(tx, "pg_advisory_xact_lock_shared", name)
}

func xactLock(tx *gorm.DB, fn, name string) error {
	if !IsPostgres(tx) {
		return nil
	}
	if err := tx.Exec("SELECT "+fn+"("+lockKey("?")+")", name).Error; err != nil {
		return fmt.Errorf("store: %s %s: %w", fn, name, err)
	}
	return nil
}

// TryXactLock takes the named exclusive lock until tx ends if it is free
// and reports whether it did. On SQLite it always succeeds.
func TryXactLock(tx *gorm.DB, name string) (bool, error) {
	if !IsPostgres(tx) {
		return true, nil
	}
	var ok bool
	if err := tx.Raw("SELECT pg_try_advisory_xact_lock("+lockKey("?")+")", name).Scan(&ok).Error; err != nil {
		return false, fmt.Errorf("store: try lock %s: %w", name, err)
	}
	return ok, nil
}

// WithJobLock runs fn while holding the named session lock, so that of
// several replicas only one runs a periodic job at a time; fn itself may
// use any connection of db. When another holder has the lock it returns
// (false, nil) without running fn. On SQLite fn simply runs.
func WithJobLock(ctx context.Context, db *gorm.DB, name string, fn func(db *gorm.DB) error) (bool, error) {
	db = db.WithContext(ctx)
	if !IsPostgres(db) {
		return true, fn(db)
	}
	pool, err := db.DB()
	if err != nil {
		return false, err
	}
	conn, err := pool.Conn(ctx)
	if err != nil {
		return false, fmt.Errorf("store: job lock %s: %w", name, err)
	}
	defer conn.Close()
	var ok bool
	if err := conn.QueryRowContext(ctx, "SELECT pg_try_advisory_lock("+lockKey("$1")+")", name).Scan(&ok); err != nil {
		return false, fmt.Errorf("store: job lock %s: %w", name, err)
	}
	if !ok {
		return false, nil
	}
	defer func() {
		// The unlock must run even when ctx has ended; should it fail, the
		// connection is thrown away instead of going back to the pool still
		// holding the lock (closing the session releases it).
		if _, err := conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock("+lockKey("$1")+")", name); err != nil {
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}()
	return true, fn(db)
}
