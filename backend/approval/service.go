package approval

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
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
	cal   *workcal.Cache // the working calendar, reloaded only after an edit

	// Registered after construction (hooks.go): domains that react to requests.
	submitHooks, finishHooks []Hook
	builtinKeys              *sync.Map // template ID → built-in key, for the hooks (a pointer: demo.go copies the service)
	versions                 *sync.Map // versionKey → TemplateVersion (templates.go; rows never change)

	// Test hooks (export_test.go): run when a submit or an assigning action
	// has checked its assignees and is about to open its transaction, and
	// inside that transaction once it has locked them.
	testAssigneesRead, testAssigneesLocked func()
}

// Deps are what the approval service uses from other domains, wired in
// server.New when it is built. Without Files (nil) requests with attachments
// are refused.
type Deps struct {
	Files Files
}

// NewService builds the approval service. tz is the company time zone of the
// working calendar ("" = Asia/Shanghai).
func NewService(db *gorm.DB, clk clock.Clock, orgSvc *org.Service, tz string, deps Deps) (*Service, error) {
	if tz == "" {
		tz = DefaultTimeZone
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return nil, fmt.Errorf("approval: time zone %q: %w", tz, err)
	}
	return &Service{db: db, clock: clk, org: orgSvc, loc: loc, files: deps.Files, cal: workcal.NewCache(loc), builtinKeys: &sync.Map{}, versions: &sync.Map{}}, nil
}

// Location is the company time zone of the working calendar.
func (s *Service) Location() *time.Location { return s.loc }

// inTx runs fn in one write transaction (store.WriteTx, which already runs
// it again after a serialization failure or deadlock), and runs it again a
// few times when an optimistic guard lost a race (errStale); the retry
// re-reads state, so a loser whose task is gone gets a clear conflict.
func (s *Service) inTx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	for attempt := 0; attempt < 8; attempt++ {
		err := store.WriteTx(ctx, s.db, fn)
		if !errors.Is(err, errStale) {
			return err
		}
		// Back off a little (jittered) so retrying writers do not collide again.
		time.Sleep(time.Duration(attempt+1) * time.Duration(2+rand.IntN(8)) * time.Millisecond)
	}
	return errStaleConflict
}
