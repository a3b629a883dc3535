package report

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"tack/backend/org"
	"tack/backend/workcal"
)

// The cycles of a template.
const (
	CycleDaily   = "daily"
	CycleWeekly  = "weekly"
	CycleMonthly = "monthly"
	CycleNone    = "none"
)

// EditWindow is how long after submitting a writer may still change a
// report; every change keeps the previous text as a revision.
const EditWindow = 30 * time.Minute

// Period is one cycle period: Key names it ("2026-01-05", "2026-W02",
// "2026-01"), First and Last are its first and last dates (midnight in the
// calendar's zone).
type Period struct {
	Key   string    `json:"key"`
	First time.Time `json:"first"`
	Last  time.Time `json:"last"`
}

// PeriodOf returns the period of cycle that holds t (in loc). A template
// without a cycle has no period (zero value).
func PeriodOf(cycle string, t time.Time, loc *time.Location) Period {
	l := t.In(loc)
	day := time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, loc)
	switch cycle {
	case CycleDaily:
		return Period{Key: day.Format(time.DateOnly), First: day, Last: day}
	case CycleWeekly:
		wd := int(day.Weekday()+6) % 7 // Monday = 0
		mon := day.AddDate(0, 0, -wd)
		y, w := mon.ISOWeek()
		return Period{Key: fmt.Sprintf("%04d-W%02d", y, w), First: mon, Last: mon.AddDate(0, 0, 6)}
	case CycleMonthly:
		first := time.Date(day.Year(), day.Month(), 1, 0, 0, 0, 0, loc)
		return Period{Key: first.Format("2006-01"), First: first, Last: first.AddDate(0, 1, -1)}
	}
	return Period{}
}

// ParsePeriod reads a period key of cycle back ("" or a bad key: false).
func ParsePeriod(cycle, key string, loc *time.Location) (Period, bool) {
	switch cycle {
	case CycleDaily:
		d, err := time.ParseInLocation(time.DateOnly, key, loc)
		if err != nil {
			return Period{}, false
		}
		return PeriodOf(cycle, d, loc), true
	case CycleWeekly:
		y, w, ok := strings.Cut(key, "-W")
		yy, e1 := strconv.Atoi(y)
		ww, e2 := strconv.Atoi(w)
		if !ok || e1 != nil || e2 != nil || ww < 1 || ww > 53 || yy < 2000 || yy > 2200 {
			return Period{}, false
		}
		// ISO week 1 holds 4 January.
		jan4 := time.Date(yy, 1, 4, 0, 0, 0, 0, loc)
		p := PeriodOf(cycle, jan4.AddDate(0, 0, 7*(ww-1)), loc)
		return p, p.Key == key
	case CycleMonthly:
		d, err := time.ParseInLocation("2006-01", key, loc)
		if err != nil {
			return Period{}, false
		}
		return PeriodOf(cycle, d, loc), true
	}
	return Period{}, false
}

// DueAt is when a report of period is due: the daily on its day, the
// weekly and the monthly on the last working day of the week or month, at
// the template's due time (hh:mm) in the calendar's zone. ok is false when
// nothing is due: a daily on a rest day, a week or month without a working
// day, a template without a cycle.
func DueAt(cal workcal.Calendar, cycle string, p Period, dueTime string) (time.Time, bool) {
	if cycle == CycleNone || p.Key == "" {
		return time.Time{}, false
	}
	hm, ok := clockOf(dueTime)
	if !ok {
		return time.Time{}, false
	}
	for d := p.Last; !d.Before(p.First); d = d.AddDate(0, 0, -1) {
		if cal.IsWorkingDay(d.Add(12 * time.Hour)) {
			return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, d.Location()).Add(hm), true
		}
	}
	return time.Time{}, false
}

// clockOf parses "hh:mm" as an offset from midnight.
func clockOf(s string) (time.Duration, bool) {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0, false
	}
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute, true
}

// LeaderOf is the writer's leader: the head of the writer's department, or,
// for its head, the head of the nearest department above with another head;
// a head who has left (active false or unknown) is skipped up the chain.
// chain is the writer's department and its ancestors, nearest first. ""
// when nobody above leads.
func LeaderOf(writerID string, chain []org.Department, active map[string]bool) string {
	for _, d := range chain {
		if d.HeadID == nil || *d.HeadID == writerID || !active[*d.HeadID] {
			continue
		}
		return *d.HeadID
	}
	return ""
}
