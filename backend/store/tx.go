package store

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"
)

// writeTxAttempts bounds how often WriteTx runs a transaction that keeps
// losing to concurrent writers before it gives the last error back.
const writeTxAttempts = 8

// WriteTx runs fn in one read-write transaction and commits it when fn
// returns nil. Every service write goes through it.
//
// On SQLite the transaction begins IMMEDIATE (Open sets _txlock=immediate):
// it holds the write lock from BEGIN, so a transaction that reads before it
// writes waits on busy_timeout for another writer instead of failing with
// SQLITE_BUSY_SNAPSHOT when that writer commits in between. No statement in
// fn has to take the lock first (TestWriteTxReadThenWrite).
//
// On PostgreSQL a transaction that lost a serialization check (SQLSTATE
// 40001) or was chosen as a deadlock victim (40P01) has been rolled back
// whole, so WriteTx runs fn again on a fresh transaction, after a short
// jittered pause, up to writeTxAttempts times. SQLite's SQLITE_BUSY (the wait
// on busy_timeout ran out) is retried the same way. fn must therefore only
// change the database and variables it sets afresh on each run (no appending
// to a slice declared outside it).
func WriteTx(ctx context.Context, db *gorm.DB, fn func(tx *gorm.DB) error) error {
	if _, inTx := db.Statement.ConnPool.(gorm.TxCommitter); inTx {
		// Nested (a savepoint): a retryable failure has aborted the outer
		// transaction too, so only its own WriteTx may run it again.
		return db.WithContext(ctx).Transaction(fn)
	}
	ctx, release := holdGate(ctx, db)
	defer release()
	var err error
	for attempt := 0; attempt < writeTxAttempts; attempt++ {
		err = db.WithContext(ctx).Transaction(fn)
		if !IsRetryable(err) {
			return err
		}
		pause := time.Duration(attempt+1) * time.Duration(2+rand.IntN(8)) * time.Millisecond
		select {
		case <-ctx.Done():
			return err
		case <-time.After(pause):
		}
	}
	return err
}

// IsRetryable reports whether err means the transaction was rolled back
// because of concurrent transactions and running it again may succeed:
// PostgreSQL's serialization_failure (40001) and deadlock_detected (40P01),
// SQLite's SQLITE_BUSY (including its extended codes). It reads the error
// codes, never the message text, which depends on the server's lc_messages.
func IsRetryable(err error) bool {
	if err == nil {
		return false
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code == "40001" || pg.Code == "40P01"
	}
	// glebarez/go-sqlite's *Error; its primary result code is the low byte.
	var lite interface{ Code() int }
	if errors.As(err, &lite) {
		const sqliteBusy = 5
		return lite.Code()&0xff == sqliteBusy
	}
	return false
}
