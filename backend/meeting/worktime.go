package meeting

import (
	"context"
	"time"

	"tack/backend/workcal"
)

// WorkCalendar is the company working calendar "find a time" keeps to: its
// working weekdays and hours, holidays off and make-up working days 调休 on
// (workcal.Service), so meetings, approval SLAs and escalation agree on when
// the company works.
type WorkCalendar interface {
	Calendar(ctx context.Context) (workcal.Calendar, error)
}

// workCalendar is the working calendar read in loc, the zone of the search:
// the company's working hours are clock times, applied where the organizer
// is looking.
func (s *Service) workCalendar(ctx context.Context, loc *time.Location) (workcal.Calendar, error) {
	c := workcal.Standard(loc)
	if s.workCal != nil {
		var err error
		if c, err = s.workCal.Calendar(ctx); err != nil {
			return workcal.Calendar{}, err
		}
		c.Loc = loc
	}
	return c, nil
}
