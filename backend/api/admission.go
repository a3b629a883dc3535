package api

import (
	"context"
	"net/http"
	"runtime"
	"time"

	"tack/backend/apperr"
)

// Admission control for writes.
//
// Past what the machine can serve, more writes in their handlers at once
// only make each slower: they queue for the database's write lock and for
// the CPU, and under an open stream of requests every answer waits longer
// than the last. So a bounded number of authenticated writes (POST, PUT,
// PATCH, DELETE with a body of at most the JSON limit) run in handlers at
// once; the rest wait their turn in arrival order; a write that finds the
// queue full is answered at once with 503 and Retry-After, which the
// client retries, instead of joining a queue whose wait no one bounds.
// The default queue is long (32 per slot, at least 256): a company's
// 08:29 punch rush or 200 people approving at once must wait their turn,
// not be refused; only a real overload gets 503. Reads, event streams and
// big uploads are not counted.

const (
	// defaultWritesPerCPU is the writes in handlers per CPU (at least 8).
	defaultWritesPerCPU = 4
	// defaultQueuePerSlot is the waiting writes per slot (at least
	// minDefaultQueue) unless the operator says.
	defaultQueuePerSlot = 32
	minDefaultQueue     = 256
	// writeRetryAfter is the wait a 503 names.
	writeRetryAfter = time.Second
)

var errBusy = apperr.Unavailable("busy", "the server is busy; try again in a moment").WithRetryAfter(writeRetryAfter)

// writeGate holds the slots of the writes in handlers and counts those
// waiting for one.
type writeGate struct {
	slots chan struct{} // a token per write in a handler
	queue chan struct{} // a token per write waiting for a slot
}

// newWriteGate lets limit writes run and queue wait; limit 0 picks the
// default (4 per CPU, at least 8) and queue 0 32 per slot, at least 256; a negative
// limit turns the gate off (nil).
func newWriteGate(limit, queue int) *writeGate {
	if limit < 0 {
		return nil
	}
	if limit == 0 {
		limit = max(8, defaultWritesPerCPU*runtime.GOMAXPROCS(0))
	}
	if queue <= 0 {
		queue = max(minDefaultQueue, defaultQueuePerSlot*limit)
	}
	return &writeGate{slots: make(chan struct{}, limit), queue: make(chan struct{}, queue)}
}

// gated reports whether r counts against the gate.
func gated(r *http.Request) bool {
	return !isSafe(r.Method) && r.ContentLength >= 0 && r.ContentLength <= maxJSONBody
}

// enter takes a slot, waiting in the queue when all are taken. It fails at
// once with errBusy when the queue is full too, or with ctx's error when
// the client goes away while it waits.
func (g *writeGate) enter(ctx context.Context) error {
	select {
	case g.slots <- struct{}{}:
		return nil
	default:
	}
	select {
	case g.queue <- struct{}{}:
	default:
		return errBusy
	}
	defer func() { <-g.queue }()
	select {
	case g.slots <- struct{}{}: // blocked senders go in arrival order
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (g *writeGate) leave() { <-g.slots }

// admit runs fn for a write only once the gate lets it in.
func (g *writeGate) admit(w http.ResponseWriter, r *http.Request, fn func()) {
	if g == nil || !gated(r) {
		fn()
		return
	}
	if err := g.enter(r.Context()); err != nil {
		writeError(w, r, err)
		return
	}
	defer g.leave()
	fn()
}
