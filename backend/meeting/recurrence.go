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

// A repeat rule must produce a meeting within firstOccurrenceYears of its
// start, and its UNTIL may be at most maxUntilYears after it.
const (
	firstOccurrenceYears = 10
	maxUntilYears        = 20
)

// rruleMaxYear is where rrule-go stops looking for an occurrence (its MAXYEAR).
const rruleMaxYear = 9999

// ruleProblem is the field error of a rule anchored at dtstart that no one
// can meet by (too far an UNTIL, no meeting within firstOccurrenceYears), or "".
func ruleProblem(r *rrule.RRule, dtstart time.Time) string {
	opt := r.OrigOptions
	if !opt.Until.IsZero() && opt.Until.After(dtstart.AddDate(maxUntilYears, 0, 0)) {
		return "until_too_far"
	}
	if !hasOccurrenceWithin(opt, dtstart, firstOccurrenceYears) {
		return "no_occurrence"
	}
	return ""
}

// hasOccurrenceWithin reports whether the rule produces an occurrence within
// years of dtstart (and by its UNTIL). Its cost is bounded whatever the rule.
//
// rrule-go finds the next occurrence period by period and, for a rule that
// never matches (FREQ=DAILY;BYMONTH=2;BYMONTHDAY=31), stops only at the year
// 9999: about three million days, a second of CPU. The Gregorian calendar
// repeats every 400 years (146097 days, whole weeks: weekdays, leap years
// and week numbers all repeat), so the rule anchored whole cycles later
// yields the same dates shifted by those cycles; anchored as late as the
// window allows, the search ends at 9999 after at most years+400 years.
func hasOccurrenceWithin(opt rrule.ROption, dtstart time.Time, years int) bool {
	first, ok := firstOccurrence(opt, dtstart, years)
	return ok && first.Before(dtstart.AddDate(years, 0, 0)) && (opt.Until.IsZero() || !first.After(opt.Until))
}

// firstOccurrence is the rule's first occurrence, found by the shifted
// search (see hasOccurrenceWithin): false when there is none within at
// least years of dtstart.
func firstOccurrence(opt rrule.ROption, dtstart time.Time, years int) (time.Time, bool) {
	shift := max(0, (rruleMaxYear-years-1-dtstart.Year())/400) * 400
	opt.Dtstart = dtstart.AddDate(shift, 0, 0)
	opt.Count, opt.Until = 0, time.Time{}
	r, err := rrule.NewRRule(opt)
	if err != nil {
		return time.Time{}, false
	}
	t, ok := r.Iterator()()
	if !ok {
		return time.Time{}, false
	}
	return t.AddDate(-shift, 0, 0), true
}

// ruleVerdicts caches never's answer per rule, zone and start: rules saved
// before they were checked may have no occurrence, and every calendar and
// free/busy read of every attendee expands them.
var ruleVerdicts sync.Map

// never reports whether m's rule r produces no meeting within
// firstOccurrenceYears: such a series has no occurrences at all.
func (m *Meeting) never(r *rrule.RRule) bool {
	key := m.RRule + "|" + m.TimeZone + "|" + m.StartAt.UTC().Format(time.RFC3339)
	if v, ok := ruleVerdicts.Load(key); ok {
		return v.(bool)
	}
	never := !hasOccurrenceWithin(r.OrigOptions, m.StartAt.In(m.location()), firstOccurrenceYears)
	ruleVerdicts.Store(key, never)
	return never
}

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
	if err != nil || m.never(r) {
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
		if err == nil && m.never(r) {
			endless = false // no occurrences: the span is the first meeting's
		} else if err == nil && (r.OrigOptions.Count > 0 || !r.OrigOptions.Until.IsZero()) {
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
