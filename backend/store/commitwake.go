package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"sync"

	gosqlite "github.com/glebarez/go-sqlite"
	"gorm.io/gorm"
)

// Commit wake-ups for SQLite.
//
// The event dispatcher must see a new outbox row as soon as its transaction
// commits. PostgreSQL tells every replica through NOTIFY (a trigger on
// events); SQLite has one process, so the pool's connections tell it
// directly: every successful COMMIT, and every write outside a transaction,
// pokes the channels handed out by CommitWake. A poke is a non-blocking send
// to a channel of capacity 1, so a burst of commits costs the dispatcher one
// wake-up, and a commit never waits for it.

type commitSignal struct {
	mu   sync.Mutex
	subs map[chan struct{}]struct{}
}

func (c *commitSignal) fire() {
	c.mu.Lock()
	for ch := range c.subs {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
	c.mu.Unlock()
}

var commitSignals sync.Map // *sql.DB → *commitSignal

// CommitWake returns a channel that receives (coalesced) after commits on
// db, and a function that stops it. It returns a nil channel (never ready)
// for PostgreSQL or a database not opened by Open: there, callers rely on
// LISTEN/NOTIFY or polling.
func CommitWake(db *gorm.DB) (<-chan struct{}, func()) {
	sqlDB, err := db.DB()
	if err != nil {
		return nil, func() {}
	}
	v, ok := commitSignals.Load(sqlDB)
	if !ok {
		return nil, func() {}
	}
	sig := v.(*commitSignal)
	ch := make(chan struct{}, 1)
	sig.mu.Lock()
	sig.subs[ch] = struct{}{}
	sig.mu.Unlock()
	return ch, func() {
		sig.mu.Lock()
		delete(sig.subs, ch)
		sig.mu.Unlock()
	}
}

// openSQLitePool opens a pool whose connections report their commits.
func openSQLitePool(dsn string) *sql.DB {
	sig := &commitSignal{subs: map[chan struct{}]struct{}{}}
	db := sql.OpenDB(signalConnector{dsn: dsn, drv: &gosqlite.Driver{}, sig: sig})
	commitSignals.Store(db, sig)
	return db
}

// forgetPool drops the signal of a closed pool.
func forgetPool(db *sql.DB) { commitSignals.Delete(db) }

type signalConnector struct {
	dsn string
	drv driver.Driver
	sig *commitSignal
}

func (c signalConnector) Driver() driver.Driver { return c.drv }

func (c signalConnector) Connect(context.Context) (driver.Conn, error) {
	conn, err := c.drv.Open(c.dsn)
	if err != nil {
		return nil, err
	}
	return &signalConn{fullConn: conn.(fullConn), sig: c.sig}, nil
}

// fullConn is what the SQLite driver's connections implement; the wrapper
// must forward all of it, or database/sql falls back to slower paths.
type fullConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
}

type signalConn struct {
	fullConn
	sig  *commitSignal
	inTx bool
}

func (c *signalConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	t, err := c.fullConn.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	c.inTx = true
	return &signalTx{Tx: t, c: c}, nil
}

func (c *signalConn) Begin() (driver.Tx, error) {
	return c.BeginTx(context.Background(), driver.TxOptions{})
}

func (c *signalConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	r, err := c.fullConn.ExecContext(ctx, query, args)
	if err == nil && !c.inTx {
		c.sig.fire()
	}
	return r, err
}

func (c *signalConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	s, err := c.fullConn.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	return &signalStmt{fullStmt: s.(fullStmt), c: c}, nil
}

func (c *signalConn) Prepare(query string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), query)
}

type signalTx struct {
	driver.Tx
	c *signalConn
}

func (t *signalTx) Commit() error {
	t.c.inTx = false
	err := t.Tx.Commit()
	if err == nil {
		t.c.sig.fire()
	}
	return err
}

func (t *signalTx) Rollback() error {
	t.c.inTx = false
	return t.Tx.Rollback()
}

type fullStmt interface {
	driver.Stmt
	driver.StmtExecContext
	driver.StmtQueryContext
}

type signalStmt struct {
	fullStmt
	c *signalConn
}

func (s *signalStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	r, err := s.fullStmt.ExecContext(ctx, args)
	if err == nil && !s.c.inTx {
		s.c.sig.fire()
	}
	return r, err
}
