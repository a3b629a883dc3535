package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"strings"
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
// gate (nil: none) is the file's write gate (writegate.go); first puts
// this pool's writers in its priority lane.
func openSQLitePool(dsn string, gate *gate, first bool) *sql.DB {
	sig := &commitSignal{subs: map[chan struct{}]struct{}{}}
	db := sql.OpenDB(signalConnector{dsn: dsn, drv: &gosqlite.Driver{}, sig: sig, gate: gate, first: first})
	commitSignals.Store(db, sig)
	if gate != nil {
		poolGates.Store(db, poolGate{g: gate, first: first})
	}
	return db
}

// forgetPool drops the signal of a closed pool.
func forgetPool(db *sql.DB) {
	commitSignals.Delete(db)
	poolGates.Delete(db)
}

type signalConnector struct {
	dsn   string
	drv   driver.Driver
	sig   *commitSignal
	gate  *gate
	first bool
}

func (c signalConnector) Driver() driver.Driver { return c.drv }

func (c signalConnector) Connect(context.Context) (driver.Conn, error) {
	conn, err := c.drv.Open(c.dsn)
	if err != nil {
		return nil, err
	}
	return &signalConn{fullConn: conn.(fullConn), sig: c.sig, gate: c.gate, first: c.first}, nil
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
	sig   *commitSignal
	gate  *gate
	first bool
	inTx  bool
	gated bool // this connection's transaction holds the write gate
}

func (c *signalConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	// A read-write transaction begins IMMEDIATE (the write lock): queue
	// for it at the gate first, unless WriteTx queued before it took this
	// connection. Read-only ones stay deferred and ungated.
	if !opts.ReadOnly && ctx.Value(gateHeld{}) == nil {
		c.gated = c.gate.enter(ctx, c.first)
	}
	t, err := c.fullConn.BeginTx(ctx, opts)
	if err != nil {
		c.release()
		return nil, err
	}
	c.inTx = true
	return &signalTx{Tx: t, c: c}, nil
}

func (c *signalConn) release() {
	if c.gated {
		c.gated = false
		c.gate.leave()
	}
}

func (c *signalConn) Begin() (driver.Tx, error) {
	return c.BeginTx(context.Background(), driver.TxOptions{})
}

func (c *signalConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	if !c.inTx {
		c.gated = c.gate.enter(ctx, c.first)
		defer c.release()
	}
	r, err := c.fullConn.ExecContext(ctx, query, args)
	if err == nil && !c.inTx {
		c.sig.fire()
	}
	return r, err
}

// QueryContext: gorm sends an INSERT … RETURNING (a lone Create outside a
// transaction) as a query; it writes, so it queues and signals like Exec.
func (c *signalConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	if c.inTx || !writes(query) {
		return c.fullConn.QueryContext(ctx, query, args)
	}
	c.gated = c.gate.enter(ctx, c.first)
	defer c.release()
	r, err := c.fullConn.QueryContext(ctx, query, args)
	if err == nil {
		c.sig.fire()
	}
	return r, err
}

// writes reports whether a statement sent as a query changes the database.
func writes(query string) bool {
	q := strings.TrimLeft(query, " \t\r\n(")
	if len(q) < 6 {
		return false
	}
	switch strings.ToUpper(q[:6]) {
	case "INSERT", "UPDATE", "DELETE", "REPLAC":
		return true
	}
	return false
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
	defer t.c.release()
	err := t.Tx.Commit()
	if err == nil {
		t.c.sig.fire()
	}
	return err
}

func (t *signalTx) Rollback() error {
	t.c.inTx = false
	defer t.c.release()
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
	if !s.c.inTx {
		s.c.gated = s.c.gate.enter(ctx, s.c.first)
		defer s.c.release()
	}
	r, err := s.fullStmt.ExecContext(ctx, args)
	if err == nil && !s.c.inTx {
		s.c.sig.fire()
	}
	return r, err
}
