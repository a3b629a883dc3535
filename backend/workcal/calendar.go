package workcal

import (
	"slices"
	"time"
)

// DefaultTimeZone is the company zone when none is configured.
const DefaultTimeZone = "Asia/Shanghai"

// The default working week: Monday to Friday, 09:00–18:00.
const (
	defaultStart = 9 * time.Hour
	defaultEnd   = 18 * time.Hour
)

// DefaultWorkDays is Monday to Friday (ISO numbers, Monday = 1).
var DefaultWorkDays = []int{1, 2, 3, 4, 5}

// maxDays bounds every day-by-day walk (ten years), so a calendar with no
// working day at all cannot loop forever.
const maxDays = 3660

// Calendar is the working calendar: the working weekdays (default
// Monday–Friday) and hours (default 09:00–18:00) in Loc, with per-date
// overrides (holidays, make-up working days 调休). The zero value of each
// field means its default; Loc nil means UTC.
type Calendar struct {
	Loc       *time.Location
	Overrides map[string]bool // "2026-10-01" → working?
	WorkDays  []int           // ISO weekdays that work (Monday = 1 … Sunday = 7); nil = Monday–Friday
	Start     time.Duration   // working hours from midnight; Start = End = 0 means 09:00–18:00
	End       time.Duration
}

// Standard is the default calendar (Monday–Friday 09:00–18:00, no
// holidays) in loc: what a company that never edited its calendar has.
func Standard(loc *time.Location) Calendar { return Calendar{Loc: loc} }

func (c Calendar) loc() *time.Location {
	if c.Loc == nil {
		return time.UTC
	}
	return c.Loc
}

// Hours returns the working hours as offsets from midnight.
func (c Calendar) Hours() (start, end time.Duration) {
	if c.Start == 0 && c.End == 0 {
		return defaultStart, defaultEnd
	}
	return c.Start, c.End
}

// DayLength is the length of one working day's hours.
func (c Calendar) DayLength() time.Duration {
	s, e := c.Hours()
	return e - s
}

// midnight is the start of t's date in the calendar's zone.
func (c Calendar) midnight(t time.Time) time.Time {
	l := t.In(c.loc())
	return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, c.loc())
}

// DayStart is the start of t's date in the calendar's zone: the boundary
// at which per-day limits (DINGs a day) reset.
func (c Calendar) DayStart(t time.Time) time.Time { return c.midnight(t) }

// IsWorkingDay reports whether the date of t (in Loc) is a working day.
func (c Calendar) IsWorkingDay(t time.Time) bool {
	d := t.In(c.loc())
	if w, ok := c.Overrides[d.Format(time.DateOnly)]; ok {
		return w
	}
	days := c.WorkDays
	if days == nil {
		days = DefaultWorkDays
	}
	iso := int(d.Weekday())
	if iso == 0 {
		iso = 7
	}
	return slices.Contains(days, iso)
}

// Window returns the working hours of t's date, [start, end), and whether
// that date is a working day at all.
func (c Calendar) Window(t time.Time) (start, end time.Time, ok bool) {
	day := c.midnight(t)
	from, to := c.Hours()
	return day.Add(from), day.Add(to), c.IsWorkingDay(day)
}

// InWorkingHours reports whether t is inside working hours; its negation is
// "night or outside hours", when nobody is woken.
func (c Calendar) InWorkingHours(t time.Time) bool {
	s, e, ok := c.Window(t)
	return ok && !t.Before(s) && t.Before(e)
}

// NextWorkingMoment returns t when it is inside working hours, else the
// start of the next working window (UTC). A calendar without any working
// day within ten years returns t.
func (c Calendar) NextWorkingMoment(t time.Time) time.Time {
	day := c.midnight(t)
	for i := 0; i < maxDays; i, day = i+1, day.AddDate(0, 0, 1) {
		s, e, ok := c.Window(day)
		if !ok || !t.Before(e) {
			continue
		}
		if t.Before(s) {
			return s.UTC()
		}
		return t.UTC()
	}
	return t.UTC()
}

// AddWorkingHours returns the instant h working hours after from (UTC).
func (c Calendar) AddWorkingHours(from time.Time, h float64) time.Time {
	left := time.Duration(h * float64(time.Hour))
	t := from.In(c.loc())
	for i := 0; i < maxDays && left > 0; i++ {
		start, end, ok := c.Window(t)
		if ok && t.Before(end) {
			if t.Before(start) {
				t = start
			}
			if avail := end.Sub(t); avail >= left {
				return t.Add(left).UTC()
			} else {
				left -= avail
			}
		}
		t = c.midnight(t).AddDate(0, 0, 1)
	}
	return t.UTC()
}

// WorkingHoursBetween counts working time between a and b.
func (c Calendar) WorkingHoursBetween(a, b time.Time) time.Duration {
	var total time.Duration
	for _, s := range c.Spans(a, b) {
		total += s.End.Sub(s.Start)
	}
	return total
}

// Span is one stretch of working time, [Start, End) in UTC.
type Span struct {
	Start, End time.Time
}

// Spans returns the working-hour spans intersecting [from, to), in order.
func (c Calendar) Spans(from, to time.Time) []Span {
	var out []Span
	day := c.midnight(from)
	for i := 0; i < maxDays && day.Before(to); i, day = i+1, day.AddDate(0, 0, 1) {
		start, end, ok := c.Window(day)
		if !ok {
			continue
		}
		s, e := later(start, from), earlier(end, to)
		if s.Before(e) {
			out = append(out, Span{Start: s.UTC(), End: e.UTC()})
		}
	}
	return out
}

// WorkingDays counts the working days from start to end inclusive (dates
// "YYYY-MM-DD"); with halves, starting in the afternoon or ending in the
// morning of a working day takes off half a day. Bad dates count 0.
func (c Calendar) WorkingDays(start, end, startHalf, endHalf string, halfDay bool) float64 {
	s, err1 := time.ParseInLocation(time.DateOnly, start, c.loc())
	e, err2 := time.ParseInLocation(time.DateOnly, end, c.loc())
	if err1 != nil || err2 != nil || e.Before(s) {
		return 0
	}
	var days float64
	for d, i := s, 0; !d.After(e) && i < maxDays; d, i = d.AddDate(0, 0, 1), i+1 {
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

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
