package server

import (
	"context"

	"tack/backend/approval"
	"tack/backend/meeting"
	"tack/backend/org"
)

// approvalDayOverrides lets "find a time" use the approvals working
// calendar (public holidays and make-up working days), so a meeting is not
// suggested on a day the company does not work.
func approvalDayOverrides(a *approval.Service) meeting.DayOverrides {
	return func(ctx context.Context) (map[string]bool, error) {
		cv, err := a.GetCalendar(ctx, org.System)
		if err != nil {
			return nil, err
		}
		out := make(map[string]bool, len(cv.Days))
		for _, d := range cv.Days {
			out[d.Date] = d.Working
		}
		return out, nil
	}
}
