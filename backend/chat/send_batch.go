package chat

import (
	"context"
	"slices"
	"sync"

	"gorm.io/gorm"

	"tack/backend/identity"
	"tack/backend/store"
)

// Group commit of sends.
//
// A send is a handful of short statements and one commit, and the commit
// is what costs: an fsync on PostgreSQL, the one writer's turn on SQLite.
// So concurrent sends share it, as attendance's punches do
// (attendance/punch_batch.go): each send joins a queue; whoever finds no
// batch in flight leads, takes what is queued (up to maxSendBatch) and
// writes it in one transaction, each message by the same send() as alone,
// in queue order, then hands the lead to the first one queued meanwhile.
// A quiet server writes each message alone, as before; a busy one writes
// them in batches.
//
// Order: one queue per service and one batch at a time, so a
// conversation's sequence numbers are taken in queue order and commit in
// that order, the same as when each send had its own transaction.
//
// Exactly once: a batch commits or rolls back whole. When it fails (one
// send refused, a retried client key, a deadlock with another replica),
// each of its sends is written again in its own transaction, the path a
// lone send takes, so a refused send fails alone, a retried key returns
// its first message, and no message is written twice or lost.

// maxSendBatch bounds one transaction (and the wait of its last send).
const maxSendBatch = 64

// sendJob is one validated send waiting in the queue.
type sendJob struct {
	a      identity.Actor
	convID string
	req    SendRequest

	out  MessageView
	err  error
	done chan struct{} // closed when out and err are set
	lead chan struct{} // this job's goroutine writes the next batch
}

type sendQueue struct {
	mu      sync.Mutex
	waiting []*sendJob
	busy    bool // a leader is writing a batch
}

// commitSend queues j and returns once its batch committed (or failed).
func (s *Service) commitSend(ctx context.Context, j *sendJob) (MessageView, error) {
	j.done, j.lead = make(chan struct{}), make(chan struct{}, 1)
	q := &s.sendQ
	q.mu.Lock()
	q.waiting = append(q.waiting, j)
	leads := !q.busy
	q.busy = true
	q.mu.Unlock()
	if !leads {
		select {
		case <-j.done:
			return j.out, j.err
		case <-j.lead:
		}
	}
	// j leads and is first in the queue (a leader hands over only to the
	// queue's head, and the queue is empty when no one leads).
	q.mu.Lock()
	n := min(len(q.waiting), maxSendBatch)
	batch := slices.Clone(q.waiting[:n])
	q.waiting = slices.Delete(q.waiting, 0, n)
	q.mu.Unlock()
	// The batch is everyone's: the leader's request ending must not cancel it.
	s.writeSends(context.WithoutCancel(ctx), batch)
	for _, b := range batch[1:] {
		close(b.done)
	}
	q.mu.Lock()
	if len(q.waiting) > 0 {
		q.waiting[0].lead <- struct{}{}
	} else {
		q.busy = false
	}
	q.mu.Unlock()
	return j.out, j.err
}

// writeSends writes a batch in one transaction, or, if that fails, each
// send in its own.
func (s *Service) writeSends(ctx context.Context, batch []*sendJob) {
	err := store.WriteTx(ctx, s.db, func(tx *gorm.DB) error { return s.landSends(tx, batch) })
	if err == nil || len(batch) == 1 {
		for _, j := range batch {
			j.err = err
		}
		return
	}
	for _, j := range batch {
		j.err = store.WriteTx(ctx, s.db, func(tx *gorm.DB) error { return s.landSends(tx, []*sendJob{j}) })
	}
}

// landSends writes the jobs' messages in queue order and sets each job's
// answer; run again on a retry, it sets them afresh.
func (s *Service) landSends(tx *gorm.DB, jobs []*sendJob) error {
	for _, j := range jobs {
		r, err := s.send(tx, j.a, j.convID, j.req, "")
		if err == nil {
			j.out, err = s.sentView(tx, j.a, r)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
