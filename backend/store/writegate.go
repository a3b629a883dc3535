package store

import (
	"context"
	"database/sql"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"gorm.io/gorm"
)

// A FIFO gate in front of SQLite's write lock.
//
// SQLite lets one writer in at a time; the others wait on busy_timeout,
// whose handler sleeps 1, 2, 5 … 100 ms between tries. Under load the lock
// sits idle while its waiters sleep, and whoever happens to wake first wins:
// a writer that has waited long (the event dispatcher storing the
// notifications of a burst, a submit) keeps losing to newcomers, so
// latency grows with the queue rather than with the work. Every pool this
// process opens on the same file takes a ticket here before BEGIN IMMEDIATE
// and before a write outside a transaction, so waiters line up in arrival
// order and the next one starts the moment the previous commits; the event
// dispatcher's pool (Config.WritesFirst) goes before them. Another process on
// the file (a CLI command) still meets busy_timeout as before; a ticket not
// had within gateWait also falls back to it, so a caller that already holds
// the gate on another connection fails as it did, after busy_timeout,
// instead of waiting for ever.
// gate hands the write lock from one holder straight to the next waiter:
// first the priority lane (the event dispatcher's pool, so the notifications
// of a burst do not wait behind the requests that caused it), then everyone
// else, each lane first come, first served.
type gate struct {
	mu      sync.Mutex
	held    bool
	lanes   [2][]chan struct{} // [0] priority, [1] the rest
	waiting atomic.Int32       // writers blocked at the gate (tests wait on it)
}

// gateWait is how long a writer queues at the gate before it goes to
// SQLite's own busy wait.
const gateWait = 5 * time.Second

var writeGates sync.Map // database file path → *gate

func gateFor(path string) *gate {
	g, _ := writeGates.LoadOrStore(path, &gate{})
	return g.(*gate)
}

// enter takes the gate and reports whether it did (false: the wait ran out,
// or ctx ended; the caller goes on to SQLite's busy wait or its own error).
func (g *gate) enter(ctx context.Context, priority bool) bool {
	if g == nil {
		return false
	}
	g.mu.Lock()
	if !g.held {
		g.held = true
		g.mu.Unlock()
		return true
	}
	lane := 1
	if priority {
		lane = 0
	}
	ch := make(chan struct{})
	g.lanes[lane] = append(g.lanes[lane], ch)
	g.mu.Unlock()
	g.waiting.Add(1)
	defer g.waiting.Add(-1)
	t := time.NewTimer(gateWait)
	defer t.Stop()
	select {
	case <-ch:
		return true
	case <-ctx.Done():
	case <-t.C:
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if i := slices.Index(g.lanes[lane], ch); i >= 0 {
		g.lanes[lane] = slices.Delete(g.lanes[lane], i, i+1)
		return false
	}
	return true // handed over as the wait ended: it is ours
}

// poolGate is the gate of one pool's file and its lane.
type poolGate struct {
	g     *gate
	first bool
}

var poolGates sync.Map // *sql.DB → poolGate

// gateHeld marks a context whose goroutine holds the gate already
// (WriteTx): its BEGIN does not queue again.
type gateHeld struct{}

// holdGate queues at db's write gate before WriteTx takes a connection
// from the pool, and returns the context that says so and the release.
// Waiting at the gate while holding a connection (as BEGIN does) let a
// queue of writers take every connection of the pool, so the readers —
// including the writers' own reads after their commit — waited for the
// whole queue: eight concurrent chat senders were slower than one.
func holdGate(ctx context.Context, db *gorm.DB) (context.Context, func()) {
	sqlDB, ok := db.Statement.ConnPool.(*sql.DB)
	if !ok {
		return ctx, func() {}
	}
	v, ok := poolGates.Load(sqlDB)
	if !ok {
		return ctx, func() {}
	}
	pg := v.(poolGate)
	if !pg.g.enter(ctx, pg.first) {
		return ctx, func() {} // the wait ran out: BEGIN queues as before
	}
	return context.WithValue(ctx, gateHeld{}, true), pg.g.leave
}

// leave hands the gate to the next waiter, or opens it.
func (g *gate) leave() {
	g.mu.Lock()
	defer g.mu.Unlock()
	for lane := range g.lanes {
		if q := g.lanes[lane]; len(q) > 0 {
			close(q[0])
			g.lanes[lane] = q[1:]
			return
		}
	}
	g.held = false
}
