package meeting

import (
	"context"
	"time"
)

// Working hours for "find a time": 09:00–18:00 in the organizer's zone on
// working days — Monday to Friday, except the dates the company's working
// calendar overrides (public holidays off, make-up working days 调休 on).
const (
	workDayStartHour = 9
	workDayEndHour   = 18
)

// DayOverrides returns the company calendar's exceptions to the Monday–Friday
// week: date ("2006-01-02") → whether it is a working day. The server wires
// it to the approvals working calendar, so meetings and approval SLAs agree
// on which days are worked.
type DayOverrides func(ctx context.Context) (map[string]bool, error)

// overrides reads the calendar exceptions, or none when not wired.
func (s *Service) overrides(ctx context.Context) (map[string]bool, error) {
	if s.dayOverrides == nil {
		return nil, nil
	}
	return s.dayOverrides(ctx)
}

// isWorkday reports whether the date of day (midnight in its zone) is worked.
func isWorkday(day time.Time, overrides map[string]bool) bool {
	if w, ok := overrides[day.Format(time.DateOnly)]; ok {
		return w
	}
	return day.Weekday() != time.Saturday && day.Weekday() != time.Sunday
}

// workSpans returns the working-hour spans intersecting [from, to), in loc.
func workSpans(from, to time.Time, loc *time.Location, overrides map[string]bool) []Interval {
	var out []Interval
	d := from.In(loc)
	day := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc)
	for ; day.Before(to); day = day.AddDate(0, 0, 1) {
		if !isWorkday(day, overrides) {
			continue
		}
		s := time.Date(day.Year(), day.Month(), day.Day(), workDayStartHour, 0, 0, 0, loc).UTC()
		e := time.Date(day.Year(), day.Month(), day.Day(), workDayEndHour, 0, 0, 0, loc).UTC()
		s, e = maxTime(s, from), minTime(e, to)
		if s.Before(e) {
			out = append(out, Interval{Start: s, End: e})
		}
	}
	return out
}
