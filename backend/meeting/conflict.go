package meeting

import (
	"fmt"
	"slices"
	"sort"
	"time"

	"gorm.io/gorm"

	"tack/backend/apperr"
	"tack/backend/identity"
	"tack/backend/store"
)

// maxDuration bounds one occurrence; the overlap scan relies on it.
const maxDuration = 24 * time.Hour

// lockRoom serialises bookings of one room. PostgreSQL takes a row lock held
// to the end of the transaction; SQLite transactions begin IMMEDIATE (see
// store), so there is one writer at a time anyway.
func lockRoom(tx *gorm.DB, roomID string) error {
	if roomID == "" {
		return nil
	}
	var r Room
	if err := store.ForUpdate(tx).Model(&Room{}).Select("id, capacity, active").Where("id = ?", roomID).Limit(1).Find(&r).Error; err != nil {
		return fmt.Errorf("meeting: lock room: %w", err)
	}
	if r.ID == "" || !r.Active {
		return apperr.Invalid("meeting.invalid", "the meeting is not valid").WithField("room_id", "not_found")
	}
	return nil
}

// checkWindow is the span of m's occurrences worth checking for clashes:
// from now (or the first occurrence, if later) up to the horizon.
func (s *Service) checkWindow(m *Meeting) (time.Time, time.Time) {
	from := m.SpanStart
	if now := s.clock.Now(); from.Before(now) {
		from = now
	}
	to := from.Add(ConflictHorizon)
	if m.SpanEnd != nil && m.SpanEnd.Before(to) {
		to = *m.SpanEnd
	}
	return from, to
}

// overlapping loads the active meetings (other than exceptID) touching
// [from, to) that use the room or, when users is not empty, involve one of
// the users (as organizer or non-declining attendee).
func (s *Service) overlapping(db *gorm.DB, from, to time.Time, roomIDs, users []string, exceptID string) ([]Meeting, error) {
	q := db.Model(&Meeting{}).Where("status = ? AND id <> ? AND span_start < ? AND (span_end IS NULL OR span_end > ?)",
		StatusActive, exceptID, to, from)
	switch {
	case len(roomIDs) > 0 && len(users) > 0:
		q = q.Where("room_id IN ? OR organizer_id IN ? OR id IN (?)", roomIDs, users,
			db.Model(&Attendee{}).Select("meeting_id").Where("user_id IN ? AND response <> ?", users, ResponseDeclined))
	case len(roomIDs) > 0:
		q = q.Where("room_id IN ?", roomIDs)
	case len(users) > 0:
		q = q.Where("organizer_id IN ? OR id IN (?)", users,
			db.Model(&Attendee{}).Select("meeting_id").Where("user_id IN ? AND response <> ?", users, ResponseDeclined))
	default:
		return nil, nil
	}
	var ms []Meeting
	if err := q.Find(&ms).Error; err != nil {
		return nil, fmt.Errorf("meeting: overlapping meetings: %w", err)
	}
	return ms, s.fill(db, ms)
}

// clashes finds, for each of mine, the other occurrences overlapping it.
// Both inputs are sorted by start; no occurrence is longer than maxDuration.
func clashes(mine, others []Occurrence, limit int) [][2]Occurrence {
	var out [][2]Occurrence
	for _, a := range mine {
		j := sort.Search(len(others), func(i int) bool { return !others[i].Start.Before(a.End) })
		for k := j - 1; k >= 0; k-- {
			b := others[k]
			if b.Start.Before(a.Start.Add(-maxDuration)) {
				break
			}
			if b.End.After(a.Start) {
				out = append(out, [2]Occurrence{a, b})
				if limit > 0 && len(out) >= limit {
					return out
				}
			}
		}
	}
	return out
}

// checkRoom returns meeting.room_conflict naming the first clash of m's
// room with another booking within the conflict horizon. The clashing
// meeting's title and ID go only to a booker who may see that meeting;
// anyone else learns that the room is booked and when, as on the room's
// calendar, so a private meeting's title never leaks through a clash.
func (s *Service) checkRoom(tx *gorm.DB, a identity.Actor, m *Meeting) error {
	if m.RoomID == "" || m.Status != StatusActive {
		return nil
	}
	from, to := s.checkWindow(m)
	if !from.Before(to) {
		return nil
	}
	others, err := s.overlapping(tx, from, to, []string{m.RoomID}, nil, m.ID)
	if err != nil {
		return err
	}
	var occ []Occurrence
	for i := range others {
		occ = append(occ, others[i].Occurrences(from, to)...)
	}
	sort.Slice(occ, func(i, j int) bool { return occ[i].Start.Before(occ[j].Start) })
	found := clashes(m.Occurrences(from, to), occ, 1)
	if len(found) == 0 {
		return nil
	}
	b := found[0][1]
	start, end := b.Start.Format(time.RFC3339), b.End.Format(time.RFC3339)
	i := slices.IndexFunc(others, func(o Meeting) bool { return o.ID == b.MeetingID })
	if i < 0 || !canSee(a, &others[i]) {
		e := apperr.Conflict("meeting.room_conflict", fmt.Sprintf("the room is already booked from %s to %s", start, end))
		e.Fields = map[string]string{"room_id": "conflict", "conflict_start": start, "conflict_end": end}
		return e
	}
	e := apperr.Conflict("meeting.room_conflict", fmt.Sprintf("the room is already booked by %q from %s to %s", b.Title, start, end))
	e.Fields = map[string]string{"room_id": "conflict", "conflict_meeting_id": b.MeetingID, "conflict_title": b.Title,
		"conflict_start": start, "conflict_end": end}
	return e
}

// attendeeWarnings lists people of m who are busy with other meetings at
// the same time (up to 20, within 90 days); they do not block the booking.
func (s *Service) attendeeWarnings(db *gorm.DB, m *Meeting) ([]Warning, error) {
	out := []Warning{}
	if m.Status != StatusActive {
		return out, nil
	}
	from, to := s.checkWindow(m)
	if lim := from.Add(90 * 24 * time.Hour); to.After(lim) {
		to = lim
	}
	if !from.Before(to) {
		return out, nil
	}
	people := m.people()
	others, err := s.overlapping(db, from, to, nil, people, m.ID)
	if err != nil {
		return nil, err
	}
	mine := m.Occurrences(from, to)
	for i := range others {
		o := &others[i]
		busy := map[string]bool{}
		for _, p := range o.people() {
			busy[p] = true
		}
		for _, c := range clashes(mine, o.Occurrences(from, to), 1) {
			for _, p := range people {
				if busy[p] {
					out = append(out, Warning{Code: "attendee_busy", UserID: p, MeetingID: o.ID, Start: c[1].Start, End: c[1].End})
				}
			}
		}
		if len(out) >= 20 {
			return out[:20], nil
		}
	}
	return out, nil
}
