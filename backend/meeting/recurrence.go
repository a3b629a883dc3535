package meeting

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/teambition/rrule-go"
)

// maxExpand bounds how many occurrences one expansion may produce, so a
// pathological rule cannot stall a request.
const maxExpand = 5000

// ConflictHorizon is how far ahead series occurrences are checked for clashes.
const ConflictHorizon = 366 * 24 * time.Hour

// parseRule parses an RRULE value ("FREQ=WEEKLY;BYDAY=MO" with or without
// the "RRULE:" prefix) anchored at dtstart, which must be in the meeting's
// location: occurrences keep dtstart's wall-clock time across DST changes,
// and BYMONTHDAY=31 skips months without a 31st (RFC 5545 3.3.10).
func parseRule(rule string, dtstart time.Time) (*rrule.RRule, error) {
	rule = strings.TrimPrefix(strings.TrimSpace(rule), "RRULE:")
	if strings.Contains(strings.ToUpper(rule), "DTSTART") {
		return nil, fmt.Errorf("DTSTART is not allowed in the rule")
	}
	opt, err := rrule.StrToROptionInLocation(rule, dtstart.Location())
	if err != nil {
		return nil, err
	}
	switch opt.Freq {
	case rrule.DAILY, rrule.WEEKLY, rrule.MONTHLY, rrule.YEARLY:
	default:
		return nil, fmt.Errorf("only DAILY, WEEKLY, MONTHLY and YEARLY are supported")
	}
	if opt.Count > 1000 {
		return nil, fmt.Errorf("COUNT above 1000")
	}
	opt.Dtstart = dtstart
	return rrule.NewRRule(*opt)
}

// location loads the meeting's zone, falling back to UTC for bad data.
func (m *Meeting) location() *time.Location {
	if l, ok := zones.Load(m.TimeZone); ok {
		return l.(*time.Location)
	}
	loc, err := time.LoadLocation(m.TimeZone)
	if err != nil {
		return time.UTC
	}
	zones.Store(m.TimeZone, loc)
	return loc
}

// zones caches loaded locations (LoadLocation reads the zone database each time).
var zones sync.Map

// originalStarts returns the series' original occurrence starts (before
// exceptions) that begin in [from, to).
func (m *Meeting) originalStarts(from, to time.Time) []time.Time {
	if m.RRule == "" {
		if !m.StartAt.Before(from) && m.StartAt.Before(to) {
			return []time.Time{m.StartAt}
		}
		return nil
	}
	r, err := parseRule(m.RRule, m.StartAt.In(m.location()))
	if err != nil {
		return nil
	}
	var out []time.Time
	next := r.Iterator()
	for len(out) < maxExpand {
		t, ok := next()
		if !ok || !t.Before(to) {
			break
		}
		if !t.Before(from) {
			out = append(out, t.UTC())
		}
	}
	return out
}

// Occurrences expands the meeting into the occurrences that overlap
// [from, to), applying exceptions (moves and cancellations). Cancelled
// meetings have none.
func (m *Meeting) Occurrences(from, to time.Time) []Occurrence {
	if m.Status == StatusCancelled {
		return nil
	}
	dur := m.EndAt.Sub(m.StartAt)
	exc := make(map[int64]Exception, len(m.Exceptions))
	for _, e := range m.Exceptions {
		exc[e.OriginalStart.Unix()] = e
	}
	var out []Occurrence
	for _, s := range m.originalStarts(from.Add(-dur), to) {
		if _, ok := exc[s.Unix()]; ok {
			continue
		}
		if s.Add(dur).After(from) {
			out = append(out, m.occurrence(s, s, s.Add(dur), false))
		}
	}
	for _, e := range m.Exceptions {
		if e.Cancelled || !e.StartAt.Before(to) || !e.EndAt.After(from) {
			continue
		}
		out = append(out, m.occurrence(e.OriginalStart, e.StartAt, e.EndAt, true))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Start.Before(out[j].Start) })
	return out
}

func (m *Meeting) occurrence(orig, start, end time.Time, moved bool) Occurrence {
	return Occurrence{MeetingID: m.ID, OriginalStart: orig.UTC(), Start: start.UTC(), End: end.UTC(),
		Title: m.Title, RoomID: m.RoomID, Place: m.Place, OnlineURL: m.OnlineURL, OrganizerID: m.OrganizerID,
		Recurring: m.RRule != "", Moved: moved}
}

// isOriginalStart reports whether t is an original occurrence start of the series.
func (m *Meeting) isOriginalStart(t time.Time) bool {
	for _, s := range m.originalStarts(t, t.Add(time.Second)) {
		if s.Equal(t) {
			return true
		}
	}
	return false
}

// computeSpan sets SpanStart/SpanEnd to bound every occurrence; SpanEnd is nil
// when the series has no end (or more than maxExpand occurrences).
func (m *Meeting) computeSpan() {
	m.SpanStart = m.StartAt
	end := m.EndAt
	endless := false
	if m.RRule != "" {
		r, err := parseRule(m.RRule, m.StartAt.In(m.location()))
		if err == nil && (r.OrigOptions.Count > 0 || !r.OrigOptions.Until.IsZero()) {
			next := r.Iterator()
			n := 0
			var last time.Time
			for ; n <= maxExpand; n++ {
				t, ok := next()
				if !ok {
					break
				}
				last = t
			}
			if n > maxExpand {
				endless = true
			} else if !last.IsZero() {
				end = last.Add(m.EndAt.Sub(m.StartAt)).UTC()
			}
		} else {
			endless = true
		}
	}
	for _, e := range m.Exceptions {
		if e.Cancelled {
			continue
		}
		if e.StartAt.Before(m.SpanStart) {
			m.SpanStart = e.StartAt
		}
		if e.EndAt.After(end) {
			end = e.EndAt
		}
	}
	if endless {
		m.SpanEnd = nil
	} else {
		m.SpanEnd = &end
	}
}
