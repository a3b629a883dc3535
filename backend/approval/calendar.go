package approval

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"tack/backend/apperr"
	"tack/backend/audit"
	"tack/backend/org"
	"tack/backend/store"
)

// Working day hours of the default calendar (company zone).
const (
	workStartHour = 9
	workEndHour   = 18
)

// defaultWorkDays is Monday to Friday (ISO numbers, Monday = 1).
var defaultWorkDays = []int{1, 2, 3, 4, 5}

// Calendar is the working calendar: the working weekdays (default
// Monday–Friday) and hours (default 09:00–18:00) in Loc, with per-date
// overrides (holidays, make-up working days 调休).
type Calendar struct {
	Loc       *time.Location
	Overrides map[string]bool // "2026-10-01" → working?
	WorkDays  []int           // ISO weekdays that work (Monday = 1 … Sunday = 7); nil = Monday–Friday
	Start     time.Duration   // working hours from midnight; Start = End = 0 means 09:00–18:00
	End       time.Duration
}

func (c Calendar) hours() (time.Duration, time.Duration) {
	if c.Start == 0 && c.End == 0 {
		return workStartHour * time.Hour, workEndHour * time.Hour
	}
	return c.Start, c.End
}

// IsWorkingDay reports whether the date of t (in Loc) is a working day.
func (c Calendar) IsWorkingDay(t time.Time) bool {
	d := t.In(c.Loc)
	if w, ok := c.Overrides[d.Format(time.DateOnly)]; ok {
		return w
	}
	days := c.WorkDays
	if days == nil {
		days = defaultWorkDays
	}
	iso := int(d.Weekday())
	if iso == 0 {
		iso = 7
	}
	return slices.Contains(days, iso)
}

// AddWorkingHours returns the instant h working hours after from (pure).
func (c Calendar) AddWorkingHours(from time.Time, h float64) time.Time {
	left := time.Duration(h * float64(time.Hour))
	t := from.In(c.Loc)
	for i := 0; i < 3660 && left > 0; i++ { // at most ten years of days
		day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, c.Loc)
		from, to := c.hours()
		start, end := day.Add(from), day.Add(to)
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
		from, to := c.hours()
		start, end := day.Add(from), day.Add(to)
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

// CalendarSettings is the working week of the company calendar (one row).
type CalendarSettings struct {
	ID        int       `gorm:"primaryKey" json:"-"`
	WorkDays  []int     `gorm:"serializer:json" json:"work_days"`
	WorkStart string    `json:"work_start"` // "09:00"
	WorkEnd   string    `json:"work_end"`   // "18:00"
	UpdatedAt time.Time `json:"updated_at"`
}

// TableName keeps the table name stable.
func (CalendarSettings) TableName() string { return "approval_calendar_settings" }

func clockOf(hhmm string) (time.Duration, bool) {
	t, err := time.Parse("15:04", hhmm)
	if err != nil {
		return 0, false
	}
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute, true
}

// settings reads the working week, defaults when never set.
func settings(db *gorm.DB) (CalendarSettings, error) {
	var rows []CalendarSettings
	if err := db.Where("id = ?", 1).Find(&rows).Error; err != nil {
		return CalendarSettings{}, fmt.Errorf("approval: calendar settings: %w", err)
	}
	if len(rows) == 0 {
		return CalendarSettings{ID: 1, WorkDays: slices.Clone(defaultWorkDays), WorkStart: "09:00", WorkEnd: "18:00"}, nil
	}
	return rows[0], nil
}

func (s *Service) calendar(db *gorm.DB) (Calendar, error) {
	var days []CalendarDay
	if err := db.Find(&days).Error; err != nil {
		return Calendar{}, fmt.Errorf("approval: calendar: %w", err)
	}
	st, err := settings(db)
	if err != nil {
		return Calendar{}, err
	}
	c := Calendar{Loc: s.loc, Overrides: map[string]bool{}, WorkDays: st.WorkDays}
	c.Start, _ = clockOf(st.WorkStart)
	c.End, _ = clockOf(st.WorkEnd)
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
	WorkDays  []int         `json:"work_days"` // ISO weekdays, Monday = 1
	Days      []CalendarDay `json:"days"`
}

// GetCalendar returns the calendar (anyone signed in may read it).
func (s *Service) GetCalendar(ctx context.Context, actor org.Actor) (CalendarView, error) {
	db := s.db.WithContext(ctx)
	var days []CalendarDay
	if err := db.Order("date").Find(&days).Error; err != nil {
		return CalendarView{}, fmt.Errorf("approval: calendar: %w", err)
	}
	st, err := settings(db)
	if err != nil {
		return CalendarView{}, err
	}
	return CalendarView{TimeZone: s.loc.String(), WorkStart: st.WorkStart, WorkEnd: st.WorkEnd, WorkDays: st.WorkDays, Days: days}, nil
}

// SetCalendarSettings changes the working week and hours (admin).
func (s *Service) SetCalendarSettings(ctx context.Context, actor org.Actor, in CalendarSettings) (CalendarSettings, error) {
	if !actor.IsAdmin() {
		return CalendarSettings{}, errForbidden
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
	if err := v.Err("approval.invalid_calendar", "check the working week"); err != nil {
		return CalendarSettings{}, err
	}
	slices.Sort(in.WorkDays)
	in.ID, in.UpdatedAt = 1, s.clock.Now()
	err := store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
		if err := tx.Save(&in).Error; err != nil {
			return fmt.Errorf("approval: save calendar settings: %w", err)
		}
		return audit.Record(tx, audit.Entry{ActorID: actor.UserID, Action: "approval.calendar_settings", TargetType: "calendar", TargetID: "week",
			Detail: map[string]any{"work_days": in.WorkDays, "work_start": in.WorkStart, "work_end": in.WorkEnd}})
	})
	return in, err
}

// CalendarRange marks every date from Start to End (at most 62 days) as a
// holiday or a make-up working day, e.g. the National Day week.
type CalendarRange struct {
	Start   string `json:"start"`
	End     string `json:"end"`
	Working bool   `json:"working"`
	Note    string `json:"note"`
}

// SetCalendarRange marks a range of dates in one step (admin).
func (s *Service) SetCalendarRange(ctx context.Context, actor org.Actor, r CalendarRange) ([]CalendarDay, error) {
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
	if err := v.Err("approval.invalid_calendar_day", "check the dates"); err != nil {
		return nil, err
	}
	now := s.clock.Now()
	var out []CalendarDay
	for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
		out = append(out, CalendarDay{Date: d.Format(time.DateOnly), Working: r.Working, Note: r.Note, UpdatedAt: now})
	}
	err := store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
		for i := range out {
			if err := tx.Save(&out[i]).Error; err != nil {
				return fmt.Errorf("approval: save calendar day: %w", err)
			}
		}
		return audit.Record(tx, audit.Entry{ActorID: actor.UserID, Action: "approval.calendar_set", TargetType: "calendar_day", TargetID: r.Start + ".." + r.End,
			Detail: map[string]any{"working": r.Working, "note": r.Note, "days": len(out)}})
	})
	return out, err
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
	err = store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
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
	return store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
		if err := tx.Delete(&CalendarDay{}, "date = ?", date).Error; err != nil {
			return fmt.Errorf("approval: delete calendar day: %w", err)
		}
		return audit.Record(tx, audit.Entry{ActorID: actor.UserID, Action: "approval.calendar_delete", TargetType: "calendar_day", TargetID: date})
	})
}
