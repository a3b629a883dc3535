package notifyorg

import (
	"context"
	"time"

	"tack/backend/approval"
	"tack/backend/notify"
	"tack/backend/org"
)

// CalendarSource is the approvals engineer's working calendar (holidays and
// make-up working days included).
type CalendarSource interface {
	GetCalendar(ctx context.Context, actor org.Actor) (approval.CalendarView, error)
}

// WorkHours reports working hours from the approval working calendar:
// working days (the working week, with overrides) within the working hours
// (default 09:00–18:00) in the calendar's zone. When the
// calendar cannot be read it falls back to notify.DefaultWorkHours.
func WorkHours(src CalendarSource) func(t time.Time) bool {
	return func(t time.Time) bool {
		cv, err := src.GetCalendar(context.Background(), org.System)
		if err != nil {
			return notify.DefaultWorkHours(t)
		}
		loc, err := time.LoadLocation(cv.TimeZone)
		if err != nil {
			return notify.DefaultWorkHours(t)
		}
		c := approval.Calendar{Loc: loc, Overrides: map[string]bool{}, WorkDays: cv.WorkDays}
		for _, d := range cv.Days {
			c.Overrides[d.Date] = d.Working
		}
		start, end := clockMinutes(cv.WorkStart, 9*60), clockMinutes(cv.WorkEnd, 18*60)
		l := t.In(loc)
		m := l.Hour()*60 + l.Minute()
		return c.IsWorkingDay(t) && m >= start && m < end
	}
}

func clockMinutes(hhmm string, def int) int {
	t, err := time.Parse("15:04", hhmm)
	if err != nil {
		return def
	}
	return t.Hour()*60 + t.Minute()
}
