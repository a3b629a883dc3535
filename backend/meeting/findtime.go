package meeting

import (
	"context"
	"fmt"
	"sort"
	"time"

	"tack/backend/apperr"
	"tack/backend/identity"
	"tack/backend/workcal"
)

// FindTimeInput asks for the earliest slots where everyone is free.
type FindTimeInput struct {
	AttendeeIDs     []string  `json:"attendee_ids"`
	DurationMinutes int       `json:"duration_minutes"`
	From            time.Time `json:"from"`
	To              time.Time `json:"to"`
	MinCapacity     int       `json:"min_capacity"` // 0: the number of people
	TimeZone        string    `json:"time_zone"`    // the organizer's zone; default DefaultTimeZone
	NoRoom          bool      `json:"no_room"`      // online meetings need no room
	Limit           int       `json:"limit"`        // default 3, at most 20
}

// Suggestion is one free slot, with the smallest free room that fits.
type Suggestion struct {
	Start    time.Time `json:"start"`
	End      time.Time `json:"end"`
	RoomID   string    `json:"room_id,omitempty"`
	RoomName string    `json:"room_name,omitempty"`
	Capacity int       `json:"capacity,omitempty"`
}

// slotStep is the grid slots start on.
const slotStep = 30 * time.Minute

// FindTime suggests the earliest slots within working hours (09:00–18:00 in
// the organizer's zone on working days of the company calendar) where the actor and all attendees are
// free and, unless NoRoom, a room with enough capacity is free.
func (s *Service) FindTime(ctx context.Context, actor identity.Actor, in FindTimeInput) ([]Suggestion, error) {
	if in.TimeZone == "" {
		in.TimeZone = DefaultTimeZone
	}
	loc, err := time.LoadLocation(in.TimeZone)
	var v apperr.Validator
	v.Check(err == nil && in.TimeZone != "Local", "time_zone", "invalid")
	v.Check(in.DurationMinutes >= 5, "duration_minutes", "too_small")
	// A meeting fits in one working day (a day of the standard week when
	// the zone is bad: that error wins below).
	cal := workcal.Standard(time.UTC)
	if err == nil {
		var cerr error
		if cal, cerr = s.workCalendar(ctx, loc); cerr != nil {
			return nil, cerr
		}
	}
	v.Check(time.Duration(in.DurationMinutes)*time.Minute <= cal.DayLength(), "duration_minutes", "too_large")
	v.Check(len(in.AttendeeIDs) <= 200, "attendee_ids", "too_large")
	v.Check(in.MinCapacity >= 0, "min_capacity", "too_small")
	if err := v.Err("meeting.invalid_find_time", "the search is not valid"); err != nil {
		return nil, err
	}
	if err := checkWindow(in.From, in.To); err != nil {
		return nil, err
	}
	if in.Limit <= 0 {
		in.Limit = 3
	}
	in.Limit = min(in.Limit, 20)
	people := []string{actor.UserID}
	seen := map[string]bool{actor.UserID: true}
	for _, id := range in.AttendeeIDs {
		if id != "" && !seen[id] {
			seen[id] = true
			people = append(people, id)
		}
	}
	if in.MinCapacity == 0 {
		in.MinCapacity = len(people)
	}
	var rooms []Room
	if !in.NoRoom {
		if err := s.db.WithContext(ctx).Where("active = ? AND capacity >= ?", true, in.MinCapacity).
			Order("capacity, name, id").Find(&rooms).Error; err != nil {
			return nil, fmt.Errorf("meeting: find-time rooms: %w", err)
		}
		if len(rooms) == 0 {
			return []Suggestion{}, nil
		}
	}
	from := maxTime(in.From.UTC(), s.clock.Now())
	to := in.To.UTC()
	if !from.Before(to) {
		return []Suggestion{}, nil
	}
	roomIDs := make([]string, len(rooms))
	for i, r := range rooms {
		roomIDs[i] = r.ID
	}
	ub, rb, err := s.busy(ctx, people, roomIDs, from, to)
	if err != nil {
		return nil, err
	}
	var all []Interval
	for _, iv := range ub {
		all = append(all, iv...)
	}
	union := merge(all)
	dur := time.Duration(in.DurationMinutes) * time.Minute
	out := []Suggestion{}
	for _, span := range cal.Spans(from, to) {
		start := alignUp(span.Start, loc)
		for ; !start.Add(dur).After(span.End); start = start.Add(slotStep) {
			end := start.Add(dur)
			if !free(union, start, end) {
				// jump past the busy block that starts before end
				i := sort.Search(len(union), func(i int) bool { return union[i].End.After(start) })
				if i < len(union) && union[i].End.After(start) {
					start = alignUp(union[i].End, loc).Add(-slotStep)
				}
				continue
			}
			sug := Suggestion{Start: start, End: end}
			if !in.NoRoom {
				found := false
				for _, r := range rooms {
					if free(rb[r.ID], start, end) {
						sug.RoomID, sug.RoomName, sug.Capacity, found = r.ID, r.Name, r.Capacity, true
						break
					}
				}
				if !found {
					continue
				}
			}
			out = append(out, sug)
			if len(out) >= in.Limit {
				return out, nil
			}
		}
	}
	return out, nil
}

// alignUp rounds t up to the slot grid in loc's wall clock.
func alignUp(t time.Time, loc *time.Location) time.Time {
	l := t.In(loc)
	mid := time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, loc)
	off := l.Sub(mid)
	if r := off % slotStep; r != 0 {
		off += slotStep - r
	}
	return mid.Add(off).UTC()
}
