package report

import (
	"context"
	"strings"
	"time"

	"tack/backend/approval"
	"tack/backend/identity"
)

// Activity lists what a person did in a time range, one line each (approval
// and meeting services, wired by the server): the pre-filled suggestion of a
// new report.
type Activity interface {
	ActivityLines(ctx context.Context, userID string, from, to time.Time) ([]string, error)
}

// Suggestion is a proposed text for the first long-text field of a report:
// the writer's own activity in the period. It is only ever shown to the
// writer, who edits it into the form; nothing is saved or sent by it.
type Suggestion struct {
	Period   string   `json:"period"`
	FieldKey string   `json:"field_key"` // "" when the template has no long-text field
	Lines    []string `json:"lines"`
	Text     string   `json:"text"`
}

// Suggest proposes the text of the actor's report of a template for a period
// (default the current one): the approvals they submitted and decided, the
// meetings they attended and their action items in it.
func (s *Service) Suggest(ctx context.Context, actor identity.Actor, templateID, period string) (Suggestion, error) {
	t, err := s.Template(ctx, actor, templateID)
	if err != nil {
		return Suggestion{}, err
	}
	loc := s.cal.Location()
	p := PeriodOf(t.Cycle, s.now(), loc)
	if t.Cycle == CycleNone {
		// No cycle: the last seven days.
		day := p.First
		if day.IsZero() {
			l := s.now().In(loc)
			day = time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, loc)
		}
		p = Period{First: day.AddDate(0, 0, -6), Last: day}
	} else if period != "" {
		var ok bool
		if p, ok = ParsePeriod(t.Cycle, period, loc); !ok {
			return Suggestion{}, ErrBadPeriod
		}
	}
	out := Suggestion{Period: p.Key, Lines: []string{}}
	for _, f := range t.Fields {
		if f.Type == approval.FieldTextarea || f.Type == approval.FieldText {
			out.FieldKey = f.Key
			break
		}
	}
	from, to := p.First, p.Last.AddDate(0, 0, 1)
	for _, a := range s.activity {
		lines, err := a.ActivityLines(ctx, actor.UserID, from.UTC(), to.UTC())
		if err != nil {
			return Suggestion{}, err
		}
		out.Lines = append(out.Lines, lines...)
	}
	out.Text = strings.Join(out.Lines, "\n")
	return out, nil
}
