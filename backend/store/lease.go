package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"sync"
	"time"

	"gorm.io/gorm"
)

// Lease is a named PostgreSQL session lock that one process keeps across
// many calls, so that of several replicas one does a continuous piece of
// work (the notify dispatcher's writes) while the others stand by. It is
// held on a connection of its own: when the holder stops, or dies and its
// connection closes, PostgreSQL frees the lock and the next replica to ask
// takes it. Unlike WithJobLock (one run of a periodic job), a holder keeps
// the lease until Release. On SQLite (one process) it is always held.
//
// The zero value is ready to use with Name set. Its methods are safe for
// concurrent use.
type Lease struct {
	Name string
	// Retry is how long a replica that did not get the lease waits before
	// asking again, and how often the holder checks that its connection
	// (and so the lock) is still alive. Default 1 s: the takeover delay.
	Retry time.Duration

	mu   sync.Mutex
	conn *sql.Conn
	gen  uint64    // counts acquisitions: a new holding starts afresh
	next time.Time // no new attempt (or liveness check) before this
}

// Hold reports whether this process holds the lease now, taking it if it is
// free (at most once per Retry while another replica has it). gen changes
// each time the lease is newly taken, so the holder can reload any shared
// state another holder may have moved on meanwhile.
func (l *Lease) Hold(ctx context.Context, db *gorm.DB) (gen uint64, held bool, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !IsPostgres(db) {
		if l.gen == 0 {
			l.gen = 1
		}
		return l.gen, true, nil
	}
	retry := l.Retry
	if retry <= 0 {
		retry = time.Second
	}
	now := time.Now() // wall time: this is about connections, not the business clock
	if l.conn != nil {
		if now.Before(l.next) {
			return l.gen, true, nil
		}
		// The lock lives as long as the session: a session that answers
		// still holds it. One that does not (the database restarted, the
		// connection broke) has lost it, and another replica may have it.
		if _, err := l.conn.ExecContext(ctx, "SELECT 1"); err == nil {
			l.next = now.Add(retry)
			return l.gen, true, nil
		}
		if ctx.Err() != nil {
			return l.gen, true, ctx.Err()
		}
		_ = l.conn.Close()
		l.conn = nil
	}
	if now.Before(l.next) {
		return l.gen, false, nil
	}
	l.next = now.Add(retry)
	pool, err := db.DB()
	if err != nil {
		return l.gen, false, err
	}
	conn, err := pool.Conn(ctx)
	if err != nil {
		return l.gen, false, fmt.Errorf("store: lease %s: %w", l.Name, err)
	}
	var ok bool
	if err := conn.QueryRowContext(ctx, "SELECT pg_try_advisory_lock("+lockKey("$1")+")", l.Name).Scan(&ok); err != nil {
		_ = conn.Close()
		return l.gen, false, fmt.Errorf("store: lease %s: %w", l.Name, err)
	}
	if !ok {
		_ = conn.Close()
		return l.gen, false, nil
	}
	l.conn = conn
	l.gen++
	return l.gen, true, nil
}

// Release gives the lease up (another replica takes it at its next try)
// and hands its connection back; the next Hold may take it again.
func (l *Lease) Release() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.conn == nil {
		return
	}
	// Closing the session frees the lock even if the unlock fails; the
	// connection must not go back to the pool holding it, so it is
	// closed rather than returned.
	if _, err := l.conn.ExecContext(context.Background(), "SELECT pg_advisory_unlock("+lockKey("$1")+")", l.Name); err != nil {
		_ = l.conn.Raw(func(any) error { return driver.ErrBadConn })
	}
	_ = l.conn.Close()
	l.conn = nil
	l.next = time.Time{}
}
