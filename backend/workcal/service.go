package workcal

import (
	"context"
	"fmt"
	"slices"
	"time"
	_ "time/tzdata" // company zone on machines without zoneinfo

	"gorm.io/gorm"

	"tack/backend/apperr"
	"tack/backend/audit"
	"tack/backend/clock"
	"tack/backend/identity"
	"tack/backend/store"
)

var errForbidden = apperr.Forbidden("workcal.forbidden", "only an administrator may change the working calendar")

// Service stores the company working calendar; admins edit it, everyone
// (and every domain) reads it.
type Service struct {
	db    *gorm.DB
	clock clock.Clock
	loc   *time.Location
	cache *Cache
}

// NewService builds the service. tz is the company time zone ("" =
// Asia/Shanghai).
func NewService(db *gorm.DB, clk clock.Clock, tz string) (*Service, error) {
	loc, err := LoadZone(tz)
	if err != nil {
		return nil, err
	}
	return &Service{db: db, clock: clk, loc: loc, cache: NewCache(loc)}, nil
}

// LoadZone loads the company zone ("" = Asia/Shanghai).
func LoadZone(tz string) (*time.Location, error) {
	if tz == "" {
		tz = DefaultTimeZone
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return nil, fmt.Errorf("workcal: time zone %q: %w", tz, err)
	}
	return loc, nil
}

// Location is the company time zone.
func (s *Service) Location() *time.Location { return s.loc }

// Calendar reads the calendar for the maths (cached: one one-row read while
// no replica has edited it).
func (s *Service) Calendar(ctx context.Context) (Calendar, error) {
	return s.cache.Load(s.db.WithContext(ctx))
}

// InWorkingHours reports whether t is inside the company's working hours;
// when the calendar cannot be read it answers by the standard week, so a
// database hiccup never makes a notice wait 12 h by mistake for long.
func (s *Service) InWorkingHours(t time.Time) bool {
	c, err := s.Calendar(context.Background())
	if err != nil {
		c = Standard(s.loc)
	}
	return c.InWorkingHours(t)
}

// Load reads the calendar through db (a caller's transaction, so a domain
// computing a deadline sees the calendar its write commits against).
func Load(db *gorm.DB, loc *time.Location) (Calendar, error) {
	var days []Day
	if err := db.Find(&days).Error; err != nil {
		return Calendar{}, fmt.Errorf("workcal: days: %w", err)
	}
	st, err := settings(db)
	if err != nil {
		return Calendar{}, err
	}
	c := Calendar{Loc: loc, Overrides: make(map[string]bool, len(days)), WorkDays: st.WorkDays}
	c.Start, _ = clockOf(st.WorkStart)
	c.End, _ = clockOf(st.WorkEnd)
	for _, d := range days {
		c.Overrides[d.Date] = d.Working
	}
	return c, nil
}

// clockOf parses "HH:MM" into an offset from midnight.
func clockOf(hhmm string) (time.Duration, bool) {
	t, err := time.Parse("15:04", hhmm)
	if err != nil {
		return 0, false
	}
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute, true
}

// settings reads the working week, the defaults when never set.
func settings(db *gorm.DB) (Settings, error) {
	var rows []Settings
	if err := db.Where("id = ?", 1).Find(&rows).Error; err != nil {
		return Settings{}, fmt.Errorf("workcal: settings: %w", err)
	}
	if len(rows) == 0 {
		return Settings{ID: 1, WorkDays: slices.Clone(DefaultWorkDays), WorkStart: "09:00", WorkEnd: "18:00"}, nil
	}
	return rows[0], nil
}

// Get returns the calendar (anyone signed in may read it).
func (s *Service) Get(ctx context.Context) (View, error) {
	db := s.db.WithContext(ctx)
	days := []Day{}
	if err := db.Order("date").Find(&days).Error; err != nil {
		return View{}, fmt.Errorf("workcal: days: %w", err)
	}
	st, err := settings(db)
	if err != nil {
		return View{}, err
	}
	return View{TimeZone: s.loc.String(), WorkStart: st.WorkStart, WorkEnd: st.WorkEnd, WorkDays: st.WorkDays, Days: days}, nil
}

// The audit actions keep the names they had in the approvals domain, so the
// audit log's filter finds old and new edits alike.
const (
	auditSettings = "approval.calendar_settings"
	auditSet      = "approval.calendar_set"
	auditDelete   = "approval.calendar_delete"
)

// write runs fn in one write transaction (store.WriteTx) that also bumps
// the calendar's version, so every replica's Cache reloads.
func (s *Service) write(ctx context.Context, fn func(tx *gorm.DB) error) error {
	return store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
		if err := fn(tx); err != nil {
			return err
		}
		return bumpVersion(tx)
	})
}

// SetSettings changes the working week and hours (admin).
func (s *Service) SetSettings(ctx context.Context, actor identity.Actor, in Settings) (Settings, error) {
	if !actor.IsAdmin() {
		return Settings{}, errForbidden
	}
	var v apperr.Validator
	seen := map[int]bool{}
	for _, d := range in.WorkDays {
		v.Check(d >= 1 && d <= 7 && !seen[d], "work_days", "invalid")
		seen[d] = true
	}
	v.Check(len(in.WorkDays) > 0, "work_days", "required")
	start, ok1 := clockOf(in.WorkStart)
	end, ok2 := clockOf(in.WorkEnd)
	v.Check(ok1, "work_start", "invalid")
	v.Check(ok2, "work_end", "invalid")
	v.Check(!ok1 || !ok2 || end > start, "work_end", "before_start")
	if err := v.Err("workcal.invalid_week", "check the working week"); err != nil {
		return Settings{}, err
	}
	in.WorkDays = slices.Clone(in.WorkDays)
	slices.Sort(in.WorkDays)
	// Normalise "9:00" to "09:00" so every reader parses one form.
	in.WorkStart = fmt.Sprintf("%02d:%02d", int(start.Hours()), int(start.Minutes())%60)
	in.WorkEnd = fmt.Sprintf("%02d:%02d", int(end.Hours()), int(end.Minutes())%60)
	in.ID, in.UpdatedAt = 1, s.clock.Now()
	err := s.write(ctx, func(tx *gorm.DB) error {
		if err := tx.Save(&in).Error; err != nil {
			return fmt.Errorf("workcal: save settings: %w", err)
		}
		return audit.Record(tx, audit.Entry{ActorID: actor.UserID, Action: auditSettings, TargetType: "calendar", TargetID: "week",
			Detail: map[string]any{"work_days": in.WorkDays, "work_start": in.WorkStart, "work_end": in.WorkEnd}})
	})
	return in, err
}

// SetRange marks a range of dates in one step (admin).
func (s *Service) SetRange(ctx context.Context, actor identity.Actor, r Range) ([]Day, error) {
	if !actor.IsAdmin() {
		return nil, errForbidden
	}
	var v apperr.Validator
	from, err1 := time.Parse(time.DateOnly, r.Start)
	to, err2 := time.Parse(time.DateOnly, r.End)
	v.Check(err1 == nil, "start", "invalid")
	v.Check(err2 == nil, "end", "invalid")
	v.Check(err1 != nil || err2 != nil || !to.Before(from), "end", "before_start")
	v.Check(err1 != nil || err2 != nil || to.Sub(from) < 62*24*time.Hour, "end", "too_large")
	v.Check(len([]rune(r.Note)) <= 100, "note", "too_long")
	if err := v.Err("workcal.invalid_day", "check the dates"); err != nil {
		return nil, err
	}
	now := s.clock.Now()
	var out []Day
	for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
		out = append(out, Day{Date: d.Format(time.DateOnly), Working: r.Working, Note: r.Note, UpdatedAt: now})
	}
	err := s.write(ctx, func(tx *gorm.DB) error {
		for i := range out {
			if err := tx.Save(&out[i]).Error; err != nil {
				return fmt.Errorf("workcal: save day: %w", err)
			}
		}
		return audit.Record(tx, audit.Entry{ActorID: actor.UserID, Action: auditSet, TargetType: "calendar_day", TargetID: r.Start + ".." + r.End,
			Detail: map[string]any{"working": r.Working, "note": r.Note, "days": len(out)}})
	})
	return out, err
}

// SetDay marks a date as holiday or make-up working day (admin).
func (s *Service) SetDay(ctx context.Context, actor identity.Actor, d Day) (Day, error) {
	if !actor.IsAdmin() {
		return Day{}, errForbidden
	}
	var v apperr.Validator
	_, err := time.Parse(time.DateOnly, d.Date)
	v.Check(err == nil, "date", "invalid")
	v.Check(len([]rune(d.Note)) <= 100, "note", "too_long")
	if err := v.Err("workcal.invalid_day", "check the date"); err != nil {
		return Day{}, err
	}
	d.UpdatedAt = s.clock.Now()
	err = s.write(ctx, func(tx *gorm.DB) error {
		if err := tx.Save(&d).Error; err != nil {
			return fmt.Errorf("workcal: save day: %w", err)
		}
		return audit.Record(tx, audit.Entry{ActorID: actor.UserID, Action: auditSet, TargetType: "calendar_day", TargetID: d.Date,
			Detail: map[string]any{"working": d.Working, "note": d.Note}})
	})
	return d, err
}

// DeleteDay returns a date to the working week (admin).
func (s *Service) DeleteDay(ctx context.Context, actor identity.Actor, date string) error {
	if !actor.IsAdmin() {
		return errForbidden
	}
	return s.write(ctx, func(tx *gorm.DB) error {
		if err := tx.Delete(&Day{}, "date = ?", date).Error; err != nil {
			return fmt.Errorf("workcal: delete day: %w", err)
		}
		return audit.Record(tx, audit.Entry{ActorID: actor.UserID, Action: auditDelete, TargetType: "calendar_day", TargetID: date})
	})
}
