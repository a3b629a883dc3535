package approval

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
	_ "time/tzdata" // company zone on machines without zoneinfo

	"gorm.io/gorm"

	"tack/backend/clock"
	"tack/backend/org"
	"tack/backend/store"
	"tack/backend/workcal"
)

// DefaultTimeZone is the company zone of the working calendar
// (workcal.DefaultTimeZone; the server passes the calendar's zone).
const DefaultTimeZone = workcal.DefaultTimeZone

// DefaultSLAHours is the company policy: a step that has not moved for 4
// working hours gets a reminder.
const DefaultSLAHours = 4

// Service is the approvals domain.
type Service struct {
	db    *gorm.DB
	clock clock.Clock
	org   *org.Service
	loc   *time.Location
	files Files

	// Test hooks (export_test.go): run when a submit or an assigning action
	// has checked its assignees and is about to open its transaction, and
	// inside that transaction once it has locked them.
	testAssigneesRead, testAssigneesLocked func()
}

// NewService builds the approval service. tz is the company time zone of the
// working calendar ("" = Asia/Shanghai).
func NewService(db *gorm.DB, clk clock.Clock, orgSvc *org.Service, tz string) (*Service, error) {
	if tz == "" {
		tz = DefaultTimeZone
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return nil, fmt.Errorf("approval: time zone %q: %w", tz, err)
	}
	return &Service{db: db, clock: clk, org: orgSvc, loc: loc}, nil
}

// Location is the company time zone of the working calendar.
func (s *Service) Location() *time.Location { return s.loc }

// inTx runs fn in one transaction, retrying (a few times) when an optimistic
// guard lost a race; the retry re-reads state, so a loser whose task is gone
// gets a clear conflict.
func (s *Service) inTx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	var err error
	for attempt := 0; attempt < 8; attempt++ {
		err = s.writeTx(ctx, fn)
		if !errors.Is(err, errStale) && !isSerialization(err) {
			return err
		}
		// Back off a little (jittered) so retrying writers do not collide again.
		time.Sleep(time.Duration(attempt+1) * time.Duration(2+rand.IntN(8)) * time.Millisecond)
	}
	return errStaleConflict
}

func isSerialization(err error) bool {
	if err == nil {
		return false
	}
	msg := err.Error()
	return strings.Contains(msg, "could not serialize") || strings.Contains(msg, "deadlock detected") || strings.Contains(msg, "SQLITE_BUSY") || strings.Contains(msg, "database is locked")
}

// writeTx runs fn in one transaction. On SQLite the first statement takes the
// write lock: the driver ignores _txlock=immediate together with
// _time_format, and a deferred transaction that read first would fail with
// SQLITE_BUSY_SNAPSHOT when another writer got in; write-first waits
// (busy_timeout) instead.
func (s *Service) writeTx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if !store.IsPostgres(tx) {
			if err := tx.Exec("UPDATE approval_counters SET value = value WHERE 1 = 0").Error; err != nil {
				return fmt.Errorf("approval: take write lock: %w", err)
			}
		}
		return fn(tx)
	})
}
