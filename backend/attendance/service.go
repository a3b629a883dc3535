package attendance

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"tack/backend/clock"
	"tack/backend/identity"
	"tack/backend/store"
	"tack/backend/workcal"
)

// Service is the attendance domain.
type Service struct {
	db    *gorm.DB
	clock clock.Clock
	loc   *time.Location
	cal   *workcal.Cache // the company calendar, reloaded only after an edit
	cfg   configCache    // places, groups, shifts, settings, reloaded only after an edit (config.go)

	punchQ store.GroupCommit[*punchJob] // office punches waiting to be written (punch_batch.go)
}

// NewService builds the attendance service; loc is the company zone of
// the working calendar (workcal.Service.Location()).
func NewService(db *gorm.DB, clk clock.Clock, loc *time.Location) *Service {
	return &Service{db: db, clock: clk, loc: loc, cal: workcal.NewCache(loc), punchQ: store.GroupCommit[*punchJob]{Max: maxPunchBatch}}
}

// IsManager reports whether the actor manages attendance (admins and the
// attendance-admin role).
func IsManager(a identity.Actor) bool { return a.IsAdmin() || a.HasRole(RoleAttendanceAdmin) }

func (s *Service) write(ctx context.Context, fn func(tx *gorm.DB) error) error {
	return store.WriteTx(ctx, s.db, fn)
}

type deptRow struct {
	ID       string
	ParentID *string
	HeadID   *string
}

func departments(tx *gorm.DB) ([]deptRow, error) {
	var ds []deptRow
	if err := tx.Table("departments").Select("id, parent_id, head_id").Find(&ds).Error; err != nil {
		return nil, fmt.Errorf("attendance: departments: %w", err)
	}
	return ds, nil
}

// headedDepartments returns the departments the user heads and every one below them.
func headedDepartments(tx *gorm.DB, userID string) ([]string, error) {
	ds, err := departments(tx)
	if err != nil {
		return nil, err
	}
	children := map[string][]string{}
	var out []string
	for _, d := range ds {
		if d.ParentID != nil {
			children[*d.ParentID] = append(children[*d.ParentID], d.ID)
		}
		if d.HeadID != nil && *d.HeadID == userID {
			out = append(out, d.ID)
		}
	}
	for i := 0; i < len(out); i++ {
		for _, c := range children[out[i]] {
			if !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
	}
	return out, nil
}

type userRow struct {
	ID           string
	Name         string
	DepartmentID string
	Active       bool
}

func loadUser(tx *gorm.DB, id string) (userRow, error) {
	var u userRow
	err := tx.Table("users").Select("id, name, department_id, active").Where("id = ?", id).Take(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return u, ErrNotFound
	}
	if err != nil {
		return u, fmt.Errorf("attendance: user: %w", err)
	}
	return u, nil
}

// canSee reports whether the actor may read userID's attendance: their own,
// a head's people, everyone for managers. A user they may not see is
// not found.
func (s *Service) canSee(tx *gorm.DB, a identity.Actor, userID string) error {
	if a.UserID == userID || IsManager(a) {
		if _, err := loadUser(tx, userID); err != nil {
			return err
		}
		return nil
	}
	u, err := loadUser(tx, userID)
	if err != nil {
		return err
	}
	heads, err := headedDepartments(tx, a.UserID)
	if err != nil {
		return err
	}
	if slices.Contains(heads, u.DepartmentID) {
		return nil
	}
	return ErrNotFound
}

// groupOf resolves the user's group: a group naming them wins, then the
// group of their nearest department up the tree (so moving a person or a
// department moves their attendance with it), then the default group. A
// group that excludes them is skipped.
func (s *Service) groupOf(tx *gorm.DB, userID string) (*Group, error) {
	if m, ok := tx.Get(groupMemoKey); ok { // one request's days (balances.go)
		memo := m.(map[string]*Group)
		if g, ok := memo[userID]; ok {
			return g, nil
		}
		g, err := s.resolveGroup(tx, userID)
		if err == nil {
			memo[userID] = g
		}
		return g, err
	}
	return s.resolveGroup(tx, userID)
}

func (s *Service) resolveGroup(tx *gorm.DB, userID string) (*Group, error) {
	u, err := loadUser(tx, userID)
	if err != nil {
		return nil, err
	}
	r, err := s.loadGroupResolver(tx, []string{userID})
	if err != nil {
		return nil, err
	}
	return r.of(u), nil
}

// plan is what a person's date asks of them.
type plan struct {
	date  time.Time // midnight in the company zone
	typ   string
	group *Group
	shift *Shift
	// unscheduled: a rota day without a cell (rota.go)
	unscheduled bool
}

// planFor works out one date's type and shift (planWith, days_batch.go).
func (s *Service) planFor(tx *gorm.DB, userID string, date time.Time) (plan, error) {
	key := date.Format(time.DateOnly)
	in, err := s.loadPlanInputs(tx, userID, key, key)
	if err != nil {
		return plan{date: date, typ: DayRest}, err
	}
	return planWith(in, date), nil
}

// midnight is the start of the company date of t.
func (s *Service) midnight(t time.Time) time.Time {
	l := t.In(s.loc)
	return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, s.loc)
}

func (s *Service) parseDate(d string) (time.Time, bool) {
	t, err := time.ParseInLocation(time.DateOnly, d, s.loc)
	return t, err == nil
}

// workDateOf is the work date a punch at t belongs to: yesterday when
// yesterday's shift crosses midnight and t is inside its window, else today.
func (s *Service) workDateOf(tx *gorm.DB, userID string, t time.Time) (string, error) {
	today := s.midnight(t)
	// Most companies have no night shift: then no punch belongs to yesterday,
	// and planning yesterday (~8 reads inside the punch's serialised write) is skipped.
	cfg, err := s.config(tx)
	if err != nil {
		return "", err
	}
	if !cfg.night {
		return today.Format(time.DateOnly), nil
	}
	y := today.AddDate(0, 0, -1)
	p, err := s.planFor(tx, userID, y)
	if err != nil {
		return "", err
	}
	if p.shift != nil && p.shift.EndMin > 24*60 {
		if _, to := p.shift.Rule().Window(y); !t.After(to) {
			return y.Format(time.DateOnly), nil
		}
	}
	return today.Format(time.DateOnly), nil
}
