package store

import (
	"context"
	"slices"
	"sync"
)

// GroupCommit lets concurrent writers share one transaction (group commit).
// The commit is what costs (an fsync on PostgreSQL, the one writer's turn
// on SQLite), so each caller joins a queue; whoever finds no batch in
// flight leads: it takes what is queued (up to Max), writes it with one
// call of its write function, and hands the lead to the first one queued
// meanwhile. A quiet server writes each job alone; a busy one in batches.
//
// Order: one batch at a time, in queue order, so what a batch numbers
// (a chain, a sequence) is taken and committed in arrival order.
//
// The write function sets each job's own result (jobs are pointers); a
// caller reads it after Do returns. Exactly-once is the write function's
// business: attendance and chat write a failed batch again job by job.
// The zero value is ready to use with Max 64.
type GroupCommit[J any] struct {
	Max int // jobs per batch; 0 means 64

	mu      sync.Mutex
	waiting []*queued[J]
	busy    bool // a leader is writing a batch
}

type queued[J any] struct {
	job  J
	done chan struct{} // closed once the job's batch is written
	lead chan struct{} // this job's goroutine writes the next batch
}

// Do queues job and returns once a batch holding it has been written by
// some caller's write. The batch is everyone's: write gets a context that
// the leader's request ending does not cancel.
func (g *GroupCommit[J]) Do(ctx context.Context, job J, write func(ctx context.Context, batch []J)) {
	me := &queued[J]{job: job, done: make(chan struct{}), lead: make(chan struct{}, 1)}
	g.mu.Lock()
	g.waiting = append(g.waiting, me)
	leads := !g.busy
	g.busy = true
	g.mu.Unlock()
	if !leads {
		select {
		case <-me.done:
			return
		case <-me.lead:
		}
	}
	// me leads and is first in the queue (a leader hands over only to the
	// queue's head, and the queue is empty when no one leads).
	limit := g.Max
	if limit <= 0 {
		limit = 64
	}
	g.mu.Lock()
	n := min(len(g.waiting), limit)
	batch := slices.Clone(g.waiting[:n])
	g.waiting = slices.Delete(g.waiting, 0, n)
	g.mu.Unlock()
	jobs := make([]J, n)
	for i, q := range batch {
		jobs[i] = q.job
	}
	write(context.WithoutCancel(ctx), jobs)
	for _, q := range batch[1:] {
		close(q.done)
	}
	g.mu.Lock()
	if len(g.waiting) > 0 {
		g.waiting[0].lead <- struct{}{}
	} else {
		g.busy = false
	}
	g.mu.Unlock()
}

// Hold makes jobs queue as if a batch were being written, for tests that
// need several jobs in one batch: queued reports how many wait, release
// lets them through as the next batch (or ends the hold if none waits).
func (g *GroupCommit[J]) Hold() (queued func() int, release func()) {
	g.mu.Lock()
	g.busy = true
	g.mu.Unlock()
	queued = func() int {
		g.mu.Lock()
		defer g.mu.Unlock()
		return len(g.waiting)
	}
	release = func() {
		g.mu.Lock()
		defer g.mu.Unlock()
		if len(g.waiting) > 0 {
			g.waiting[0].lead <- struct{}{}
		} else {
			g.busy = false
		}
	}
	return queued, release
}
