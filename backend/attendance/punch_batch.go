package attendance

import (
	"context"
	"fmt"
	"slices"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Group commit of office punches.
//
// At 08:29 a company punches at once, and every punch appends to the one
// hash chain: on SQLite the writes are serialised by the database, on
// PostgreSQL by the chain head's row lock. A per-person chain would not
// help SQLite (one writer whatever the chain looks like) and would leave
// the daily checkpoint a hot row. So the chain stays one sequence and the
// punches share the serialised part instead: each request does its reads
// (fence, network, group, device, work date) concurrently, outside the
// write, and then joins a queue. Whoever finds no batch in flight leads:
// it takes what is queued (up to maxPunchBatch), writes it in one
// transaction (photos, devices, the rows chained in queue order with one
// head read and update, the days of everyone in it derived in one pass)
// and hands the lead to the first one queued meanwhile. A quiet server
// writes each punch alone, as before; a rush writes them in batches.
//
// Exactly once: a batch commits or rolls back whole. When it fails, each of
// its punches is written again on its own, so one bad punch (a user
// deleted meanwhile) fails alone and no punch is written twice or lost;
// every request gets its own result.

// maxPunchBatch bounds one transaction (and the wait of its last punch);
// the queue is a store.GroupCommit.
const maxPunchBatch = 128

// punchJob is one prepared office punch waiting in the queue.
type punchJob struct {
	p      Punch
	user   userRow
	photo  []byte // stripped; kept with the punch (it looked off)
	device string // a browser to remember

	res PunchResult
	err error
}

// commitPunch queues j and returns its result once its batch committed
// (or failed).
func (s *Service) commitPunch(ctx context.Context, j *punchJob) (PunchResult, error) {
	s.punchQ.Do(ctx, j, s.writePunches)
	return j.res, j.err
}

// writePunches writes a batch in one transaction, or, if that fails, each
// punch in its own.
func (s *Service) writePunches(ctx context.Context, batch []*punchJob) {
	err := s.write(ctx, func(tx *gorm.DB) error { return s.landBatch(tx, batch) })
	if err == nil || len(batch) == 1 {
		for _, j := range batch {
			j.err = err
		}
		return
	}
	for _, j := range batch {
		j.err = s.write(ctx, func(tx *gorm.DB) error { return s.landBatch(tx, []*punchJob{j}) })
	}
}

// landBatch stores the jobs' photos and new devices, chains their punches
// in order and derives the days they land on, each date's people in one
// pass (boardDays). It sets every job's result; run again on a retry, it
// sets them afresh.
func (s *Service) landBatch(tx *gorm.DB, jobs []*punchJob) error {
	now := s.clock.Now()
	ps := make([]*Punch, len(jobs))
	var devices []deviceRow
	for i, j := range jobs {
		j.p.PhotoID = ""
		if j.photo != nil {
			id, err := insertPhoto(tx, j.p.UserID, j.photo, now)
			if err != nil {
				return err
			}
			j.p.PhotoID = id
		}
		if j.device != "" {
			devices = append(devices, deviceRow{UserID: j.p.UserID, DeviceHash: deviceHash(j.p.UserID, j.device), CreatedAt: now})
		}
		ps[i] = &j.p
	}
	if err := s.appendPunches(tx, ps); err != nil {
		return err
	}
	// After the head's lock, as every chain writer takes it first.
	if len(devices) > 0 {
		if err := tx.Clauses(clause.OnConflict{DoNothing: true}).CreateInBatches(devices, 100).Error; err != nil {
			return fmt.Errorf("attendance: device: %w", err)
		}
	}
	// The people of each work date (usually one), each once.
	people := map[string][]userRow{}
	for _, j := range jobs {
		us := people[j.p.WorkDate]
		if !slices.ContainsFunc(us, func(u userRow) bool { return u.ID == j.user.ID }) {
			people[j.p.WorkDate] = append(us, j.user)
		}
	}
	days := map[[2]string]Day{}
	for date, us := range people {
		d, ok := s.parseDate(date)
		if !ok {
			continue
		}
		ids := make([]string, len(us))
		for i, u := range us {
			ids[i] = u.ID
		}
		ds, _, err := s.boardDays(tx, us, who{ids: ids}, d)
		if err != nil {
			return err
		}
		for _, day := range ds {
			days[[2]string{day.UserID, date}] = day
		}
	}
	for _, j := range jobs {
		j.res = PunchResult{Punch: j.p, Day: days[[2]string{j.p.UserID, j.p.WorkDate}]}
	}
	return nil
}
