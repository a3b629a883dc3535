package meeting

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"tack/backend/apperr"
	"tack/backend/event"
	"tack/backend/identity"
	"tack/backend/notify"
	"tack/backend/store"
)

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// parseTime reads RFC 3339, or a local wall time ("2006-01-02T15:04[:05]") in loc.
func parseTime(s string, loc *time.Location) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC().Truncate(time.Second), true
	}
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t.UTC().Truncate(time.Second), true
		}
	}
	return time.Time{}, false
}

// validated is a MeetingInput checked and parsed.
type validated struct {
	in         MeetingInput
	start, end time.Time
	attendees  []string
	reminder   int
}

// validate checks the whole input before any write.
func (s *Service) validate(ctx context.Context, organizerID string, in MeetingInput) (*validated, error) {
	in.Title = strings.TrimSpace(in.Title)
	in.Place = strings.TrimSpace(in.Place)
	in.OnlineURL = strings.TrimSpace(in.OnlineURL)
	in.RRule = strings.TrimPrefix(strings.TrimSpace(in.RRule), "RRULE:")
	if in.TimeZone == "" {
		in.TimeZone = DefaultTimeZone
	}
	var v apperr.Validator
	v.Check(in.Title != "", "title", "required")
	v.Check(len([]rune(in.Title)) <= 200, "title", "too_long")
	v.Check(len([]rune(in.Place)) <= 200, "place", "too_long")
	v.Check(apperr.SingleLine(in.Title), "title", apperr.ControlCharacter)
	v.Check(apperr.SingleLine(in.Place), "place", apperr.ControlCharacter)
	v.Check(len(in.Agenda) <= 20000, "agenda", "too_long")
	loc, err := time.LoadLocation(in.TimeZone)
	v.Check(err == nil && in.TimeZone != "Local", "time_zone", "invalid")
	if loc == nil {
		loc = time.UTC
	}
	out := &validated{reminder: DefaultReminderMinutes}
	var okS, okE bool
	out.start, okS = parseTime(in.Start, loc)
	out.end, okE = parseTime(in.End, loc)
	v.Check(in.Start != "", "start", "required")
	v.Check(okS, "start", "invalid")
	v.Check(in.End != "", "end", "required")
	v.Check(okE, "end", "invalid")
	if okS && okE {
		v.Check(out.end.After(out.start), "end", "bad_range")
		v.Check(out.end.Sub(out.start) <= maxDuration, "end", "too_large")
	}
	if in.RRule != "" && okS {
		r, err := parseRule(in.RRule, out.start.In(loc))
		v.Check(err == nil, "rrule", "invalid")
		if err == nil {
			in.RRule = r.OrigOptions.RRuleString() // canonical form; UNTIL in UTC as RFC 5545 asks
			if p := ruleProblem(r, out.start.In(loc)); p != "" {
				v.Check(false, "rrule", p)
			}
		}
		v.Check(len(in.RRule) <= 500, "rrule", "too_long")
	}
	if in.OnlineURL != "" {
		u, err := url.Parse(in.OnlineURL)
		v.Check(err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "", "online_url", "invalid")
	}
	if in.ReminderMinutes != nil {
		out.reminder = *in.ReminderMinutes
		v.Check(out.reminder >= 0, "reminder_minutes", "too_small")
		v.Check(out.reminder <= 7*24*60, "reminder_minutes", "too_large")
	}
	v.Check(len(in.Attachments) <= 20, "attachments", "too_large")
	atts := []string{}
	for _, a := range in.Attachments {
		if a = strings.TrimSpace(a); a != "" && !slices.Contains(atts, a) {
			v.Check(validAttachment(a), "attachments", "invalid")
			atts = append(atts, a)
		}
	}
	in.Attachments = atts
	seen := map[string]bool{organizerID: true}
	for _, id := range in.AttendeeIDs {
		if id != "" && !seen[id] {
			seen[id] = true
			out.attendees = append(out.attendees, id)
		}
	}
	v.Check(len(out.attendees) <= 500, "attendee_ids", "too_large")
	users, err := s.org.UsersByID(ctx, append(slices.Clone(out.attendees), organizerID))
	if err != nil {
		return nil, err
	}
	for _, id := range out.attendees {
		u, ok := users[id]
		v.Check(ok && u.Active, "attendee_ids", "not_found")
	}
	if in.MinuteTakerID != "" {
		v.Check(seen[in.MinuteTakerID], "minute_taker_id", "invalid")
	}
	if in.RoomID != "" {
		var n int64
		if err := s.db.WithContext(ctx).Model(&Room{}).Where("id = ? AND active = ?", in.RoomID, true).Count(&n).Error; err != nil {
			return nil, fmt.Errorf("meeting: check room: %w", err)
		}
		v.Check(n == 1, "room_id", "not_found")
	}
	if err := v.Err("meeting.invalid", "the meeting is not valid"); err != nil {
		return nil, err
	}
	out.in = in
	return out, nil
}

// validAttachment accepts what the UI can open: a drive file by its app
// route (/drive/...) or a web address. Anything else (javascript:, file:)
// would be a link nobody should click.
func validAttachment(a string) bool {
	if len(a) > 500 {
		return false
	}
	if strings.HasPrefix(a, "/drive/") {
		return !strings.Contains(a, "//") && !strings.Contains(a, "..")
	}
	u, err := url.Parse(a)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}

func (m *Meeting) apply(val *validated) {
	in := val.in
	m.Title, m.RoomID, m.Place, m.OnlineURL, m.Agenda = in.Title, in.RoomID, in.Place, in.OnlineURL, in.Agenda
	m.Attachments, m.TimeZone, m.RRule = in.Attachments, in.TimeZone, in.RRule
	m.StartAt, m.EndAt, m.ReminderMinutes, m.MinuteTakerID = val.start, val.end, val.reminder, in.MinuteTakerID
}

// eventData is what a meeting event carries for the notification text:
// title, link, times and where (the room's name and location, or the place).
func (s *Service) eventData(db *gorm.DB, m *Meeting, p event.Meeting) map[string]any {
	p.Title, p.Start, p.End = m.Title, m.StartAt.Format(time.RFC3339), m.EndAt.Format(time.RFC3339)
	p.RoomID, p.TimeZone, p.RRule, p.Where, p.OnlineURL = m.RoomID, m.TimeZone, m.RRule, s.where(db, m), m.OnlineURL
	if p.Link == "" {
		p.Link = "/meetings/" + m.ID
	}
	return event.Data(p)
}

// occurrenceLink opens one sitting of a series (its minutes, its moved
// time); a single meeting has just its page.
func occurrenceLink(m *Meeting, orig time.Time) string {
	if m.RRule == "" {
		return "/meetings/" + m.ID
	}
	return "/meetings/" + m.ID + "?occurrence=" + url.QueryEscape(orig.UTC().Format(time.RFC3339))
}

// where names the meeting's location: its room (name and location) or place.
func (s *Service) where(db *gorm.DB, m *Meeting) string {
	if m.RoomID != "" {
		var r Room
		if db.Select("name", "location").First(&r, "id = ?", m.RoomID).Error == nil {
			return roomLabel(r)
		}
	}
	return m.Place
}

// roomLabel is a room as people find it: "松 · 大会议室 3F 东".
func roomLabel(r Room) string { return strings.TrimSpace(r.Name + " " + r.Location) }

// changes lists what of a meeting an update changed, as the notification
// says it: "time" (start, end, repeat or zone), "place" (room, place or
// online link) and "details" (title, agenda, attachments, minute-taker,
// reminder). Attendees joining or leaving are told by their own events.
func changes(old, m *Meeting) []string {
	out := []string{}
	if !old.StartAt.Equal(m.StartAt) || !old.EndAt.Equal(m.EndAt) || old.RRule != m.RRule || old.TimeZone != m.TimeZone {
		out = append(out, "time")
	}
	if old.RoomID != m.RoomID || old.Place != m.Place || old.OnlineURL != m.OnlineURL {
		out = append(out, "place")
	}
	if old.Title != m.Title || old.Agenda != m.Agenda || !slices.Equal(old.Attachments, m.Attachments) ||
		old.MinuteTakerID != m.MinuteTakerID || old.ReminderMinutes != m.ReminderMinutes {
		out = append(out, "details")
	}
	return out
}

func without(ids []string, drop string) []string {
	return slices.DeleteFunc(slices.Clone(ids), func(s string) bool { return s == drop })
}

// Create books a meeting. The room must be free (meeting.room_conflict
// otherwise); attendees who are busy are returned as warnings.
func (s *Service) Create(ctx context.Context, actor identity.Actor, in MeetingInput) (SaveResult, error) {
	val, err := s.validate(ctx, actor.UserID, in)
	if err != nil {
		return SaveResult{}, err
	}
	now := s.clock.Now()
	if val.in.RRule == "" && val.end.Before(now) {
		return SaveResult{}, apperr.Invalid("meeting.invalid", "the meeting is not valid").WithField("end", "in_past")
	}
	m := &Meeting{ID: newID(), OrganizerID: actor.UserID, Status: StatusActive, Version: 1, CreatedAt: now, UpdatedAt: now,
		Attendees: []Attendee{}} // [] not null in the reply, as Get answers
	m.apply(val)
	for _, id := range val.attendees {
		m.Attendees = append(m.Attendees, Attendee{MeetingID: m.ID, UserID: id, Response: ResponsePending})
	}
	m.Exceptions = []Exception{}
	m.computeSpan()
	var res SaveResult
	err = store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
		if err := lockRoom(tx, m.RoomID); err != nil {
			return err
		}
		if err := s.checkRoom(tx, actor, m); err != nil {
			return err
		}
		if err := tx.Omit("Attendees", "Exceptions").Create(m).Error; err != nil {
			return fmt.Errorf("meeting: create: %w", err)
		}
		if len(m.Attendees) > 0 {
			if err := tx.Create(&m.Attendees).Error; err != nil {
				return fmt.Errorf("meeting: add attendees: %w", err)
			}
		}
		if rcpt := without(m.attendeeIDs(), actor.UserID); len(rcpt) > 0 {
			if err := notify.Emit(tx, &notify.Event{Type: event.MeetingInvited, SubjectType: "meeting", SubjectID: m.ID,
				ActorID: actor.UserID, Recipients: rcpt, Data: s.eventData(tx, m, event.Meeting{Organizer: actor.Name})}); err != nil {
				return err
			}
		}
		w, err := s.attendeeWarnings(tx, m)
		res = SaveResult{Meeting: *m, Warnings: w}
		return err
	})
	if err == nil {
		res.Warnings = append(res.Warnings, s.shareAttachments(ctx, actor, &res.Meeting)...)
	}
	return res, err
}

// Get returns a meeting with attendees and exceptions to the people in it
// (and admins); others get meeting.not_found.
func (s *Service) Get(ctx context.Context, actor identity.Actor, id string) (Meeting, error) {
	m, err := s.load(s.db.WithContext(ctx), id)
	if err != nil {
		return Meeting{}, err
	}
	if !canSee(actor, m) {
		return Meeting{}, ErrMeetingNotFound
	}
	return *m, nil
}

// Update replaces a meeting's fields (organizer or admin; version must match).
// Changing the start time or the rule drops single-occurrence exceptions.
func (s *Service) Update(ctx context.Context, actor identity.Actor, id string, in MeetingInput) (SaveResult, error) {
	var res SaveResult
	err := store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
		m, err := s.load(tx, id)
		if err != nil {
			return err
		}
		if !canSee(actor, m) {
			return ErrMeetingNotFound
		}
		if !canEdit(actor, m) {
			return ErrNotOrganizer
		}
		if m.Status != StatusActive {
			return ErrCancelled
		}
		val, err := s.validate(ctx, m.OrganizerID, in)
		if err != nil {
			return err
		}
		if val.in.Version != m.Version {
			return ErrStale
		}
		if err := lockRoom(tx, val.in.RoomID); err != nil {
			return err
		}
		old := *m
		oldAttendees := map[string]Attendee{}
		for _, a := range m.Attendees {
			oldAttendees[a.UserID] = a
		}
		m.apply(val)
		if !m.StartAt.Equal(old.StartAt) || m.RRule != old.RRule || m.TimeZone != old.TimeZone {
			m.Exceptions = []Exception{}
			if err := tx.Where("meeting_id = ?", m.ID).Delete(&Exception{}).Error; err != nil {
				return fmt.Errorf("meeting: drop exceptions: %w", err)
			}
		} else {
			// Moved occurrences keep their new times but follow a new duration.
			for i := range m.Exceptions {
				if dur := m.EndAt.Sub(m.StartAt); dur != old.EndAt.Sub(old.StartAt) && !m.Exceptions[i].Cancelled {
					m.Exceptions[i].EndAt = m.Exceptions[i].StartAt.Add(dur)
					if err := tx.Save(&m.Exceptions[i]).Error; err != nil {
						return fmt.Errorf("meeting: update exception: %w", err)
					}
				}
			}
		}
		changed := changes(&old, m)
		// A new time asks everyone again: an answer for Monday 10:00 says
		// nothing about Tuesday 15:00.
		retime := slices.Contains(changed, "time")
		m.Attendees = nil
		var added, kept, removed []string
		for _, uid := range val.attendees {
			if a, ok := oldAttendees[uid]; ok {
				if retime {
					a.Response, a.RespondedAt = ResponsePending, nil
				}
				m.Attendees = append(m.Attendees, a)
				kept = append(kept, uid)
				delete(oldAttendees, uid)
			} else {
				m.Attendees = append(m.Attendees, Attendee{MeetingID: m.ID, UserID: uid, Response: ResponsePending})
				added = append(added, uid)
			}
		}
		for uid := range oldAttendees {
			removed = append(removed, uid)
		}
		slices.Sort(removed)
		m.computeSpan()
		m.Version++
		m.UpdatedAt = s.clock.Now()
		if err := s.checkRoom(tx, actor, m); err != nil {
			return err
		}
		if err := s.saveMeeting(tx, m, old.Version); err != nil {
			return err
		}
		if len(removed) > 0 {
			if err := tx.Where("meeting_id = ? AND user_id IN ?", m.ID, removed).Delete(&Attendee{}).Error; err != nil {
				return fmt.Errorf("meeting: remove attendees: %w", err)
			}
		}
		if retime && len(kept) > 0 {
			if err := tx.Model(&Attendee{}).Where("meeting_id = ? AND user_id IN ?", m.ID, kept).
				Updates(map[string]any{"response": ResponsePending, "responded_at": nil}).Error; err != nil {
				return fmt.Errorf("meeting: ask attendees again: %w", err)
			}
		}
		for _, a := range m.Attendees {
			if slices.Contains(added, a.UserID) {
				if err := tx.Create(&a).Error; err != nil {
					return fmt.Errorf("meeting: add attendee: %w", err)
				}
			}
		}
		var toldOfChange []string
		if len(changed) > 0 {
			toldOfChange = without(append(kept, m.OrganizerID), actor.UserID)
		}
		emits := []struct {
			typ  string
			rcpt []string
		}{{event.MeetingChanged, toldOfChange},
			{event.MeetingInvited, without(added, actor.UserID)},
			{event.MeetingCancelled, without(removed, actor.UserID)}}
		for _, e := range emits {
			if len(e.rcpt) == 0 {
				continue
			}
			if err := notify.Emit(tx, &notify.Event{Type: e.typ, SubjectType: "meeting", SubjectID: m.ID, ActorID: actor.UserID,
				Recipients: e.rcpt, Data: s.eventData(tx, m, event.Meeting{Organizer: actor.Name, Changes: changed})}); err != nil {
				return err
			}
		}
		w, err := s.attendeeWarnings(tx, m)
		res = SaveResult{Meeting: *m, Warnings: w}
		return err
	})
	if err == nil {
		res.Warnings = append(res.Warnings, s.shareAttachments(ctx, actor, &res.Meeting)...)
	}
	return res, err
}

// driveEntryPrefix starts the app route of a drive file or folder.
const driveEntryPrefix = "/drive/entries/"

// driveAttachmentIDs are the drive entries attached to m.
func driveAttachmentIDs(m *Meeting) []string {
	var out []string
	for _, a := range m.Attachments {
		if id, ok := strings.CutPrefix(a, driveEntryPrefix); ok && id != "" && !strings.Contains(id, "/") {
			out = append(out, id)
		}
	}
	return out
}

// shareAttachments lets everyone in m read its drive attachments, once the
// meeting is saved (the drive writes in its own transaction). What the
// actor may not share comes back as warnings; the meeting stands.
func (s *Service) shareAttachments(ctx context.Context, actor identity.Actor, m *Meeting) []Warning {
	if s.sharer == nil {
		return nil
	}
	var out []Warning
	people := append([]string{m.OrganizerID}, m.attendeeIDs()...)
	for _, a := range m.Attachments {
		id, ok := strings.CutPrefix(a, driveEntryPrefix)
		if !ok || id == "" || strings.Contains(id, "/") {
			continue
		}
		if err := s.sharer.ShareAttachment(ctx, actor, id, people); err != nil {
			if _, ok := apperr.As(err); !ok {
				slog.Error("meeting: share attachment", "meeting", m.ID, "entry", id, "err", err)
			}
			out = append(out, Warning{Code: "attachment_not_shared", Attachment: a})
		}
	}
	return out
}

// saveMeeting writes every column of m if its version is still oldVersion.
func (s *Service) saveMeeting(tx *gorm.DB, m *Meeting, oldVersion int) error {
	r := tx.Model(&Meeting{}).Where("id = ? AND version = ?", m.ID, oldVersion).Updates(map[string]any{
		"title": m.Title, "minute_taker_id": m.MinuteTakerID, "room_id": m.RoomID, "place": m.Place,
		"online_url": m.OnlineURL, "agenda": m.Agenda, "attachments": mustJSON(m.Attachments), "time_zone": m.TimeZone,
		"start_at": m.StartAt, "end_at": m.EndAt, "rrule": m.RRule, "span_start": m.SpanStart, "span_end": m.SpanEnd,
		"reminder_minutes": m.ReminderMinutes, "status": m.Status, "version": m.Version, "updated_at": m.UpdatedAt})
	if r.Error != nil {
		return fmt.Errorf("meeting: save: %w", r.Error)
	}
	if r.RowsAffected == 0 {
		return ErrStale
	}
	return nil
}

// Cancel cancels a whole meeting or series and tells the attendees.
// version 0 skips the version check.
func (s *Service) Cancel(ctx context.Context, actor identity.Actor, id string, version int) (Meeting, error) {
	var out Meeting
	err := store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
		m, err := s.load(tx, id)
		if err != nil {
			return err
		}
		if !canSee(actor, m) {
			return ErrMeetingNotFound
		}
		if !canEdit(actor, m) {
			return ErrNotOrganizer
		}
		if m.Status == StatusCancelled {
			return ErrCancelled
		}
		if version != 0 && version != m.Version {
			return ErrStale
		}
		old := m.Version
		m.Status, m.Version, m.UpdatedAt = StatusCancelled, m.Version+1, s.clock.Now()
		if err := s.saveMeeting(tx, m, old); err != nil {
			return err
		}
		out = *m
		rcpt := without(append(m.attendeeIDs(), m.OrganizerID), actor.UserID)
		if len(rcpt) == 0 {
			return nil
		}
		return notify.Emit(tx, &notify.Event{Type: event.MeetingCancelled, SubjectType: "meeting", SubjectID: m.ID,
			ActorID: actor.UserID, Recipients: rcpt, Data: s.eventData(tx, m, event.Meeting{Organizer: actor.Name})})
	})
	return out, err
}

// EditOccurrence moves or cancels one occurrence of a series (keyed by its
// original start, like RECURRENCE-ID). A moved occurrence must not clash
// with another booking of the room.
func (s *Service) EditOccurrence(ctx context.Context, actor identity.Actor, id string, in OccurrenceInput) (SaveResult, error) {
	var res SaveResult
	err := store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
		m, err := s.load(tx, id)
		if err != nil {
			return err
		}
		if !canSee(actor, m) {
			return ErrMeetingNotFound
		}
		if !canEdit(actor, m) {
			return ErrNotOrganizer
		}
		if m.Status != StatusActive {
			return ErrCancelled
		}
		orig := in.OriginalStart.UTC().Truncate(time.Second)
		var v apperr.Validator
		v.Check(m.RRule != "", "original_start", "invalid")
		idx := slices.IndexFunc(m.Exceptions, func(e Exception) bool { return e.OriginalStart.Equal(orig) })
		v.Check(idx >= 0 || m.isOriginalStart(orig), "original_start", "not_found")
		v.Check(in.Version == 0 || in.Version == m.Version, "version", "invalid")
		ex := Exception{MeetingID: m.ID, OriginalStart: orig, Cancelled: in.Cancelled,
			StartAt: orig, EndAt: orig.Add(m.EndAt.Sub(m.StartAt))}
		if !in.Cancelled {
			start, okS := parseTime(in.Start, m.location())
			end, okE := parseTime(in.End, m.location())
			v.Check(okS, "start", "invalid")
			v.Check(okE, "end", "invalid")
			if okS && okE {
				v.Check(end.After(start), "end", "bad_range")
				v.Check(end.Sub(start) <= maxDuration, "end", "too_large")
				ex.StartAt, ex.EndAt = start, end
			}
		}
		if err := v.Err("meeting.invalid_occurrence", "the occurrence change is not valid"); err != nil {
			if in.Version != 0 && in.Version != m.Version {
				return ErrStale
			}
			return err
		}
		if err := lockRoom(tx, m.RoomID); err != nil {
			return err
		}
		if idx >= 0 {
			m.Exceptions[idx] = ex
		} else {
			m.Exceptions = append(m.Exceptions, ex)
		}
		old := m.Version
		m.computeSpan()
		m.Version++
		m.UpdatedAt = s.clock.Now()
		if err := s.checkRoom(tx, actor, m); err != nil {
			return err
		}
		if err := tx.Save(&ex).Error; err != nil {
			return fmt.Errorf("meeting: save exception: %w", err)
		}
		if err := s.saveMeeting(tx, m, old); err != nil {
			return err
		}
		typ := event.MeetingChanged
		if in.Cancelled {
			typ = event.MeetingCancelled
		}
		if rcpt := without(append(m.attendeeIDs(), m.OrganizerID), actor.UserID); len(rcpt) > 0 {
			if err := notify.Emit(tx, &notify.Event{Type: typ, SubjectType: "meeting", SubjectID: m.ID, ActorID: actor.UserID,
				Recipients: rcpt, Data: s.eventData(tx, m, event.Meeting{Occurrence: orig.Format(time.RFC3339), Link: occurrenceLink(m, orig),
					OccurrenceStart: ex.StartAt.Format(time.RFC3339), OccurrenceEnd: ex.EndAt.Format(time.RFC3339),
					OccurrenceCancelled: in.Cancelled})}); err != nil {
				return err
			}
		}
		w, err := s.attendeeWarnings(tx, m)
		res = SaveResult{Meeting: *m, Warnings: w}
		return err
	})
	return res, err
}

// RSVP records an attendee's answer for the meeting (the whole series).
func (s *Service) RSVP(ctx context.Context, actor identity.Actor, id, response string) (Meeting, error) {
	switch response {
	case ResponseAccepted, ResponseDeclined, ResponseTentative:
	default:
		return Meeting{}, apperr.Invalid("meeting.invalid_rsvp", "answer accepted, declined or tentative").WithField("response", "invalid")
	}
	var out Meeting
	err := store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
		m, err := s.load(tx, id)
		if err != nil {
			return err
		}
		if !canSee(actor, m) {
			return ErrMeetingNotFound
		}
		if m.Status != StatusActive {
			return ErrCancelled
		}
		i := slices.IndexFunc(m.Attendees, func(a Attendee) bool { return a.UserID == actor.UserID })
		if i < 0 {
			return ErrNotAttendee
		}
		now := s.clock.Now()
		if err := tx.Model(&Attendee{}).Where("meeting_id = ? AND user_id = ?", id, actor.UserID).
			Updates(map[string]any{"response": response, "responded_at": now}).Error; err != nil {
			return fmt.Errorf("meeting: rsvp: %w", err)
		}
		m.Attendees[i].Response, m.Attendees[i].RespondedAt = response, &now
		out = *m
		return nil
	})
	return out, err
}
