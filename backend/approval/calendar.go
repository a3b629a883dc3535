package approval

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"

	"tack/backend/apperr"
	"tack/backend/audit"
	"tack/backend/org"
)

// Working day hours of the default calendar (company zone).
const (
	workStartHour = 9
	workEndHour   = 18
)

// Calendar is the working calendar: Monday–Friday 09:00–18:00 in Loc, with
// per-date overrides (holidays, make-up working days 调休).
type Calendar struct {
	Loc       *time.Location
	Overrides map[string]bool // "2026-10-01" → working?
}

// IsWorkingDay reports whether the date of t (in Loc) is a working day.
func (c Calendar) IsWorkingDay(t time.Time) bool {
	d := t.In(c.Loc)
	if w, ok := c.Overrides[d.Format(time.DateOnly)]; ok {
		return w
	}
	return d.Weekday() != time.Saturday && d.Weekday() != time.Sunday
}

// AddWorkingHours returns the instant h working hours after from (pure).
func (c Calendar) AddWorkingHours(from time.Time, h float64) time.Time {
	left := time.Duration(h * float64(time.Hour))
	t := from.In(c.Loc)
	for i := 0; i < 3660 && left > 0; i++ { // at most ten years of days
		day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, c.Loc)
		start := day.Add(workStartHour * time.Hour)
		end := day.Add(workEndHour * time.Hour)
		if c.IsWorkingDay(day) && t.Before(end) {
			if t.Before(start) {
				t = start
			}
			if avail := end.Sub(t); avail >= left {
				return t.Add(left).UTC()
			} else {
				left -= avail
			}
		}
		t = day.AddDate(0, 0, 1)
	}
	return t.UTC()
}

// WorkingDays counts the working days from start to end inclusive (dates
// "YYYY-MM-DD"); with halves, starting in the afternoon or ending in the
// morning of a working day takes off half a day (pure). Bad dates count 0.
func (c Calendar) WorkingDays(start, end, startHalf, endHalf string, halfDay bool) float64 {
	s, err1 := time.ParseInLocation(time.DateOnly, start, c.Loc)
	e, err2 := time.ParseInLocation(time.DateOnly, end, c.Loc)
	if err1 != nil || err2 != nil || e.Before(s) {
		return 0
	}
	var days float64
	for d, i := s, 0; !d.After(e) && i < 3660; d, i = d.AddDate(0, 0, 1), i+1 {
		if c.IsWorkingDay(d) {
			days++
		}
	}
	if halfDay {
		if startHalf == "pm" && c.IsWorkingDay(s) {
			days -= 0.5
		}
		if endHalf == "am" && c.IsWorkingDay(e) {
			days -= 0.5
		}
	}
	return max(days, 0)
}

// WorkingHoursBetween counts working time between a and b (pure).
func (c Calendar) WorkingHoursBetween(a, b time.Time) time.Duration {
	var total time.Duration
	t := a.In(c.Loc)
	for i := 0; i < 3660 && t.Before(b); i++ {
		day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, c.Loc)
		start, end := day.Add(workStartHour*time.Hour), day.Add(workEndHour*time.Hour)
		if c.IsWorkingDay(day) {
			s, e := maxT(start, t), minT(end, b)
			if s.Before(e) {
				total += e.Sub(s)
			}
		}
		t = day.AddDate(0, 0, 1)
	}
	return total
}

func maxT(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minT(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func (s *Service) calendar(db *gorm.DB) (Calendar, error) {
	var days []CalendarDay
	if err := db.Find(&days).Error; err != nil {
		return Calendar{}, fmt.Errorf("approval: calendar: %w", err)
	}
	c := Calendar{Loc: s.loc, Overrides: map[string]bool{}}
	for _, d := range days {
		c.Overrides[d.Date] = d.Working
	}
	return c, nil
}

// CalendarView is the working calendar as the API shows it.
type CalendarView struct {
	TimeZone  string        `json:"time_zone"`
	WorkStart string        `json:"work_start"`
	WorkEnd   string        `json:"work_end"`
	Days      []CalendarDay `json:"days"`
}

// GetCalendar returns the calendar (anyone signed in may read it).
func (s *Service) GetCalendar(ctx context.Context, actor org.Actor) (CalendarView, error) {
	var days []CalendarDay
	if err := s.db.WithContext(ctx).Order("date").Find(&days).Error; err != nil {
		return CalendarView{}, fmt.Errorf("approval: calendar: %w", err)
	}
	return CalendarView{TimeZone: s.loc.String(), WorkStart: "09:00", WorkEnd: "18:00", Days: days}, nil
}

// SetCalendarDay marks a date as holiday or make-up working day (admin).
func (s *Service) SetCalendarDay(ctx context.Context, actor org.Actor, d CalendarDay) (CalendarDay, error) {
	if !actor.IsAdmin() {
		return CalendarDay{}, errForbidden
	}
	var v apperr.Validator
	_, err := time.Parse(time.DateOnly, d.Date)
	v.Check(err == nil, "date", "invalid")
	v.Check(len([]rune(d.Note)) <= 100, "note", "too_long")
	if err := v.Err("approval.invalid_calendar_day", "check the date"); err != nil {
		return CalendarDay{}, err
	}
	d.UpdatedAt = s.clock.Now()
	err = s.writeTx(ctx, func(tx *gorm.DB) error {
		if err := tx.Save(&d).Error; err != nil {
			return fmt.Errorf("approval: save calendar day: %w", err)
		}
		b, _ := json.Marshal(d)
		return audit.Record(tx, audit.Entry{ActorID: actor.UserID, Action: "approval.calendar_set", TargetType: "calendar_day", TargetID: d.Date, Detail: map[string]any{"day": string(b)}})
	})
	return d, err
}

// DeleteCalendarDay returns a date to the default week (admin).
func (s *Service) DeleteCalendarDay(ctx context.Context, actor org.Actor, date string) error {
	if !actor.IsAdmin() {
		return errForbidden
	}
	return s.writeTx(ctx, func(tx *gorm.DB) error {
		if err := tx.Delete(&CalendarDay{}, "date = ?", date).Error; err != nil {
			return fmt.Errorf("approval: delete calendar day: %w", err)
		}
		return audit.Record(tx, audit.Entry{ActorID: actor.UserID, Action: "approval.calendar_delete", TargetType: "calendar_day", TargetID: date})
	})
}
