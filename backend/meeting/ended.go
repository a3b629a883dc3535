package meeting

import (
	"context"
	"fmt"
	"time"
)

// Sitting is one occurrence of a meeting and the people in it: the
// organizer and every attendee who did not decline.
type Sitting struct {
	MeetingID     string
	OriginalStart time.Time
	Start, End    time.Time
	People        []string
}

// Ended lists the sittings of active meetings that ended in (from, to]
// (chat summarises what people's groups said while they sat in one).
func (s *Service) Ended(ctx context.Context, from, to time.Time) ([]Sitting, error) {
	db := s.db.WithContext(ctx)
	var ms []Meeting
	if err := db.Where("status = ? AND span_start < ? AND (span_end IS NULL OR span_end > ?)",
		StatusActive, to, from).Find(&ms).Error; err != nil {
		return nil, fmt.Errorf("meeting: ended: %w", err)
	}
	if err := s.fill(db, ms); err != nil {
		return nil, err
	}
	var out []Sitting
	for i := range ms {
		m := &ms[i]
		for _, o := range m.Occurrences(from, to) {
			if o.End.After(from) && !o.End.After(to) {
				out = append(out, Sitting{MeetingID: m.ID, OriginalStart: o.OriginalStart, Start: o.Start, End: o.End, People: m.people()})
			}
		}
	}
	return out, nil
}
