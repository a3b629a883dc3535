package attendance

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// HoldPunches makes office punches queue as if a batch were being written
// (punch_batch.go): queued reports how many wait, release lets them through
// as the next batch.
func HoldPunches(s *Service) (queued func() int, release func()) {
	return s.punchQ.Hold()
}

// QueuePunchCopy queues a punch of userID on date that reuses the row ID
// id: its insert fails on the primary key, as a bad punch in a batch would.
func QueuePunchCopy(ctx context.Context, s *Service, userID, id, date string, at time.Time) error {
	u, err := loadUser(s.db, userID)
	if err != nil {
		return err
	}
	j := &punchJob{p: Punch{ID: id, UserID: userID, WorkDate: date, At: at, Method: MethodNetwork, ActorID: userID}, user: u}
	_, err = s.commitPunch(ctx, j)
	return err
}

// DeriveOneByOne derives userID's days on dates through the per-person path
// (recomputeDays), the reference the set-based board and month sheet
// (days_set.go) are compared with.
func DeriveOneByOne(ctx context.Context, s *Service, userID string, dates []time.Time) ([]Day, error) {
	var out []Day
	err := s.write(ctx, func(tx *gorm.DB) error {
		var err error
		out, err = s.recomputeDays(tx, userID, dates)
		return err
	})
	return out, err
}
