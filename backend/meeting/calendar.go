package meeting

import (
	"context"
	"slices"
	"sort"
	"time"

	"tack/backend/apperr"
	"tack/backend/identity"
)

// MaxWindow bounds calendar, free/busy and find-a-time queries.
const MaxWindow = 93 * 24 * time.Hour

func checkWindow(from, to time.Time) error {
	var v apperr.Validator
	v.Check(!from.IsZero(), "from", "required")
	v.Check(!to.IsZero(), "to", "required")
	v.Check(to.After(from), "to", "bad_range")
	v.Check(to.Sub(from) <= MaxWindow, "to", "too_large")
	return v.Err("meeting.invalid_window", "the time window is not valid")
}

// ListFilter selects a calendar: one room's bookings, or one person's
// meetings (the actor's when both are empty).
type ListFilter struct {
	From, To time.Time
	RoomID   string
	UserID   string
}

// List expands the meetings in the window into occurrences. Meetings the
// actor is not part of appear as busy blocks without details.
func (s *Service) List(ctx context.Context, actor identity.Actor, f ListFilter) ([]Occurrence, error) {
	if err := checkWindow(f.From, f.To); err != nil {
		return nil, err
	}
	if f.RoomID == "" && f.UserID == "" {
		f.UserID = actor.UserID
	}
	var rooms, users []string
	if f.RoomID != "" {
		rooms = []string{f.RoomID}
	}
	if f.UserID != "" {
		users = []string{f.UserID}
	}
	db := s.db.WithContext(ctx)
	ms, err := s.overlapping(db, f.From.UTC(), f.To.UTC(), rooms, users, "")
	if err != nil {
		return nil, err
	}
	out := []Occurrence{}
	for i := range ms {
		m := &ms[i]
		if f.RoomID != "" && m.RoomID != f.RoomID {
			continue
		}
		see := canSee(actor, m)
		resp := ""
		if j := slices.IndexFunc(m.Attendees, func(a Attendee) bool { return a.UserID == actor.UserID }); j >= 0 {
			resp = m.Attendees[j].Response
		} else if m.OrganizerID == actor.UserID {
			resp = ResponseAccepted
		}
		for _, o := range m.Occurrences(f.From, f.To) {
			if !see {
				o = Occurrence{MeetingID: o.MeetingID, OriginalStart: o.OriginalStart, Start: o.Start, End: o.End,
					RoomID: o.RoomID, Recurring: o.Recurring, BusyOnly: true}
			}
			o.Response = resp
			out = append(out, o)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Start.Equal(out[j].Start) {
			return out[i].Start.Before(out[j].Start)
		}
		return out[i].MeetingID < out[j].MeetingID
	})
	return out, nil
}

// FreeBusy is the busy time of people and rooms in a window.
type FreeBusy struct {
	From  time.Time             `json:"from"`
	To    time.Time             `json:"to"`
	Users map[string][]Interval `json:"users"`
	Rooms map[string][]Interval `json:"rooms"`
}

// FreeBusy returns merged busy intervals (no details) for each user and room.
// A meeting someone declined does not make them busy.
func (s *Service) FreeBusy(ctx context.Context, actor identity.Actor, users, rooms []string, from, to time.Time) (FreeBusy, error) {
	if err := checkWindow(from, to); err != nil {
		return FreeBusy{}, err
	}
	if len(users)+len(rooms) > 200 {
		return FreeBusy{}, apperr.Invalid("meeting.invalid_window", "too many people and rooms").WithField("users", "too_large")
	}
	from, to = from.UTC(), to.UTC()
	fb := FreeBusy{From: from, To: to, Users: map[string][]Interval{}, Rooms: map[string][]Interval{}}
	ub, rb, err := s.busy(ctx, users, rooms, from, to)
	if err != nil {
		return FreeBusy{}, err
	}
	for _, u := range users {
		fb.Users[u] = nonNil(ub[u])
	}
	for _, r := range rooms {
		fb.Rooms[r] = nonNil(rb[r])
	}
	return fb, nil
}

func nonNil(iv []Interval) []Interval {
	if iv == nil {
		return []Interval{}
	}
	return iv
}

// busy computes merged busy intervals per user and per room, clipped to the window.
func (s *Service) busy(ctx context.Context, users, rooms []string, from, to time.Time) (map[string][]Interval, map[string][]Interval, error) {
	ms, err := s.overlapping(s.db.WithContext(ctx), from, to, rooms, users, "")
	if err != nil {
		return nil, nil, err
	}
	wantU := map[string]bool{}
	for _, u := range users {
		wantU[u] = true
	}
	wantR := map[string]bool{}
	for _, r := range rooms {
		wantR[r] = true
	}
	ub, rb := map[string][]Interval{}, map[string][]Interval{}
	for i := range ms {
		m := &ms[i]
		occ := m.Occurrences(from, to)
		if len(occ) == 0 {
			continue
		}
		var who []string
		for _, p := range m.people() {
			if wantU[p] {
				who = append(who, p)
			}
		}
		for _, o := range occ {
			iv := Interval{Start: maxTime(o.Start, from), End: minTime(o.End, to)}
			for _, p := range who {
				ub[p] = append(ub[p], iv)
			}
			if wantR[m.RoomID] {
				rb[m.RoomID] = append(rb[m.RoomID], iv)
			}
		}
	}
	for k, v := range ub {
		ub[k] = merge(v)
	}
	for k, v := range rb {
		rb[k] = merge(v)
	}
	return ub, rb, nil
}

// merge sorts intervals and joins the overlapping or touching ones.
func merge(iv []Interval) []Interval {
	if len(iv) == 0 {
		return iv
	}
	sort.Slice(iv, func(i, j int) bool { return iv[i].Start.Before(iv[j].Start) })
	out := []Interval{iv[0]}
	for _, x := range iv[1:] {
		last := &out[len(out)-1]
		if !x.Start.After(last.End) {
			if x.End.After(last.End) {
				last.End = x.End
			}
			continue
		}
		out = append(out, x)
	}
	return out
}

// free reports whether [start, end) misses every interval of a merged, sorted list.
func free(busy []Interval, start, end time.Time) bool {
	i := sort.Search(len(busy), func(i int) bool { return busy[i].End.After(start) })
	return i == len(busy) || !busy[i].Start.Before(end)
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
