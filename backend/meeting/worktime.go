package meeting

import "time"

// Working hours for "find a time". The approvals package has no shared
// working calendar yet, so meetings keep this small one: Monday to Friday,
// 09:00–18:00 in the organizer's zone (no public holidays).
const (
	workDayStartHour = 9
	workDayEndHour   = 18
)

func isWorkday(d time.Weekday) bool { return d != time.Saturday && d != time.Sunday }

// workSpans returns the working-hour spans intersecting [from, to), in loc.
func workSpans(from, to time.Time, loc *time.Location) []Interval {
	var out []Interval
	d := from.In(loc)
	day := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc)
	for ; day.Before(to); day = day.AddDate(0, 0, 1) {
		if !isWorkday(day.Weekday()) {
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
