package meeting

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm/clause"

	"tack/backend/identity"
	"tack/backend/store"
)

// ICS returns one meeting as an iCalendar object (RFC 5545): the series
// VEVENT with RRULE/EXDATE, one VEVENT per moved occurrence (RECURRENCE-ID)
// and a VTIMEZONE for its zone.
func (s *Service) ICS(ctx context.Context, actor identity.Actor, id string) (string, error) {
	m, err := s.Get(ctx, actor, id)
	if err != nil {
		return "", err
	}
	return s.renderICS(ctx, "", []Meeting{m})
}

// CalendarToken makes a new private feed token for the actor, replacing
// (and so revoking) the previous one. Only its hash is stored, so the
// address cannot be shown again later: a user who lost it makes a new one.
func (s *Service) CalendarToken(ctx context.Context, actor identity.Actor) (string, error) {
	var raw [24]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", fmt.Errorf("meeting: calendar token: %w", err)
	}
	token := base64.RawURLEncoding.EncodeToString(raw[:])
	ct := calendarToken{UserID: actor.UserID, TokenHash: hashToken(token), CreatedAt: s.clock.Now()}
	err := s.db.WithContext(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "user_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"token_hash", "created_at", "last_used_at"})}).Create(&ct).Error
	if err != nil {
		return "", fmt.Errorf("meeting: save calendar token: %w", err)
	}
	return token, nil
}

// FeedStatus says whether the actor has a private calendar feed, since
// when, and when a calendar client last fetched it.
type FeedStatus struct {
	Active     bool       `json:"active"`
	CreatedAt  *time.Time `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
}

// CalendarFeed returns the actor's feed status (never the address itself).
func (s *Service) CalendarFeed(ctx context.Context, actor identity.Actor) (FeedStatus, error) {
	var ct calendarToken
	err := s.db.WithContext(ctx).First(&ct, "user_id = ?", actor.UserID).Error
	if store.IsNotFound(err) {
		return FeedStatus{}, nil
	}
	if err != nil {
		return FeedStatus{}, fmt.Errorf("meeting: calendar feed: %w", err)
	}
	created := ct.CreatedAt.UTC()
	st := FeedStatus{Active: true, CreatedAt: &created}
	if ct.LastUsedAt != nil {
		used := ct.LastUsedAt.UTC()
		st.LastUsedAt = &used
	}
	return st, nil
}

// RevokeCalendarFeed turns the actor's private feed off: its address stops
// working at once. Revoking when there is none is not an error.
func (s *Service) RevokeCalendarFeed(ctx context.Context, actor identity.Actor) error {
	if err := s.db.WithContext(ctx).Where("user_id = ?", actor.UserID).Delete(&calendarToken{}).Error; err != nil {
		return fmt.Errorf("meeting: revoke calendar feed: %w", err)
	}
	return nil
}

func hashToken(t string) string {
	sum := sha256.Sum256([]byte(t))
	return hex.EncodeToString(sum[:])
}

// Feed returns the private calendar of the token's owner: every active
// meeting they organize or attend that has not ended more than 30 days ago.
func (s *Service) Feed(ctx context.Context, token string) (string, error) {
	db := s.db.WithContext(ctx)
	var ct calendarToken
	if token == "" {
		return "", ErrBadToken
	}
	if err := db.First(&ct, "token_hash = ?", hashToken(token)).Error; err != nil {
		if store.IsNotFound(err) {
			return "", ErrBadToken
		}
		return "", fmt.Errorf("meeting: feed token: %w", err)
	}
	actor, err := s.org.ActorFor(ctx, ct.UserID)
	if err != nil {
		return "", ErrBadToken
	}
	// Calendar clients poll every few minutes at most; one write per fetch is cheap.
	if err := db.Model(&calendarToken{}).Where("user_id = ?", ct.UserID).Update("last_used_at", s.clock.Now()).Error; err != nil {
		return "", fmt.Errorf("meeting: feed used: %w", err)
	}
	since := s.clock.Now().Add(-30 * 24 * time.Hour)
	var ms []Meeting
	err = db.Where("status = ? AND (span_end IS NULL OR span_end > ?) AND (organizer_id = ? OR id IN (?))", StatusActive, since,
		actor.UserID, db.Model(&Attendee{}).Select("meeting_id").Where("user_id = ?", actor.UserID)).
		Order("span_start, id").Limit(2000).Find(&ms).Error
	if err != nil {
		return "", fmt.Errorf("meeting: feed: %w", err)
	}
	if err := s.fill(db, ms); err != nil {
		return "", err
	}
	return s.renderICS(ctx, "Tack – "+actor.Name, ms)
}

var partstat = map[string]string{ResponsePending: "NEEDS-ACTION", ResponseAccepted: "ACCEPTED",
	ResponseDeclined: "DECLINED", ResponseTentative: "TENTATIVE"}

func (s *Service) renderICS(ctx context.Context, calName string, ms []Meeting) (string, error) {
	var ids, roomIDs []string
	for _, m := range ms {
		ids = append(ids, m.OrganizerID)
		ids = append(ids, m.attendeeIDs()...)
		if m.RoomID != "" {
			roomIDs = append(roomIDs, m.RoomID)
		}
	}
	users, err := s.org.UsersByID(ctx, ids)
	if err != nil {
		return "", err
	}
	rooms := map[string]Room{}
	if len(roomIDs) > 0 {
		var rs []Room
		if err := s.db.WithContext(ctx).Where("id IN ?", roomIDs).Find(&rs).Error; err != nil {
			return "", fmt.Errorf("meeting: ics rooms: %w", err)
		}
		for _, r := range rs {
			rooms[r.ID] = r
		}
	}
	w := &icsWriter{}
	w.line("BEGIN:VCALENDAR")
	w.line("VERSION:2.0")
	w.line("PRODID:-//Tack//Meetings//EN")
	w.line("CALSCALE:GREGORIAN")
	w.line("METHOD:PUBLISH")
	if calName != "" {
		w.line("X-WR-CALNAME:" + escapeText(calName))
	}
	// One VTIMEZONE per zone, covering the years the meetings span.
	type span struct{ from, to int }
	zones := map[string]*span{}
	for _, m := range ms {
		if m.TimeZone == "UTC" || m.TimeZone == "" {
			continue
		}
		y0 := m.SpanStart.Year()
		y1 := y0 + 5
		if m.SpanEnd != nil {
			y1 = m.SpanEnd.Year()
		}
		if z, ok := zones[m.TimeZone]; ok {
			z.from, z.to = min(z.from, y0), max(z.to, y1)
		} else {
			zones[m.TimeZone] = &span{y0, y1}
		}
	}
	names := make([]string, 0, len(zones))
	for n := range zones {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		loc, err := time.LoadLocation(n)
		if err != nil {
			continue
		}
		writeVTimezone(w, n, loc, zones[n].from, min(zones[n].to, zones[n].from+10))
	}
	person := func(prop, id string, params ...string) {
		u, ok := users[id]
		if !ok {
			return
		}
		ps := append([]string{"CN=" + paramValue(u.Name)}, params...)
		w.line(prop + ";" + strings.Join(ps, ";") + ":mailto:" + u.Email)
	}
	for i := range ms {
		m := &ms[i]
		loc := m.location()
		body := func(start, end time.Time) {
			w.line("UID:" + m.ID + "@tack")
			w.line("DTSTAMP:" + m.UpdatedAt.UTC().Format("20060102T150405Z"))
			w.line(dtProp("DTSTART", start, m.TimeZone, loc))
			w.line(dtProp("DTEND", end, m.TimeZone, loc))
			w.line("SUMMARY:" + escapeText(m.Title))
			if m.Agenda != "" {
				w.line("DESCRIPTION:" + escapeText(m.Agenda))
			}
			where := m.Place
			if r, ok := rooms[m.RoomID]; ok {
				where = roomLabel(r)
			}
			if where != "" {
				w.line("LOCATION:" + escapeText(where))
			}
			if m.OnlineURL != "" {
				w.line("URL:" + m.OnlineURL)
			}
			w.line(fmt.Sprintf("SEQUENCE:%d", m.Version-1))
			w.line("STATUS:CONFIRMED")
			person("ORGANIZER", m.OrganizerID)
			for _, a := range m.Attendees {
				person("ATTENDEE", a.UserID, "ROLE=REQ-PARTICIPANT", "PARTSTAT="+partstat[a.Response], "RSVP=TRUE")
			}
		}
		// Sub-components come after all properties (RFC 5545 3.6.1).
		alarm := func() {
			if m.ReminderMinutes > 0 {
				w.line("BEGIN:VALARM")
				w.line("ACTION:DISPLAY")
				w.line("DESCRIPTION:" + escapeText(m.Title))
				w.line(fmt.Sprintf("TRIGGER:-PT%dM", m.ReminderMinutes))
				w.line("END:VALARM")
			}
		}
		w.line("BEGIN:VEVENT")
		body(m.StartAt, m.EndAt)
		if m.RRule != "" {
			w.line("RRULE:" + m.RRule)
			for _, e := range m.Exceptions {
				if e.Cancelled {
					w.line(dtProp("EXDATE", e.OriginalStart, m.TimeZone, loc))
				}
			}
		}
		alarm()
		w.line("END:VEVENT")
		for _, e := range m.Exceptions {
			if e.Cancelled {
				continue
			}
			w.line("BEGIN:VEVENT")
			w.line(dtProp("RECURRENCE-ID", e.OriginalStart, m.TimeZone, loc))
			body(e.StartAt, e.EndAt)
			alarm()
			w.line("END:VEVENT")
		}
	}
	w.line("END:VCALENDAR")
	return w.b.String(), nil
}

// dtProp formats a DATE-TIME property in the meeting's zone (TZID) or in UTC.
func dtProp(name string, t time.Time, tz string, loc *time.Location) string {
	if tz == "" || tz == "UTC" {
		return name + ":" + t.UTC().Format("20060102T150405Z")
	}
	return name + ";TZID=" + tz + ":" + t.In(loc).Format("20060102T150405")
}

// writeVTimezone describes loc's offsets from year y0 to y1 with one
// observance per transition (found by scanning the zone database), after an
// initial observance at the start of y0.
func writeVTimezone(w *icsWriter, name string, loc *time.Location, y0, y1 int) {
	w.line("BEGIN:VTIMEZONE")
	w.line("TZID:" + name)
	obs := func(t time.Time, from, to int, abbr string, dst bool) {
		kind := "STANDARD"
		if dst {
			kind = "DAYLIGHT"
		}
		w.line("BEGIN:" + kind)
		w.line("DTSTART:" + t.UTC().Add(time.Duration(from)*time.Second).Format("20060102T150405"))
		w.line("TZOFFSETFROM:" + offset(from))
		w.line("TZOFFSETTO:" + offset(to))
		w.line("TZNAME:" + escapeText(abbr))
		w.line("END:" + kind)
	}
	t := time.Date(y0, 1, 1, 0, 0, 0, 0, time.UTC)
	end := time.Date(y1+1, 1, 1, 0, 0, 0, 0, time.UTC)
	abbr, off := t.In(loc).Zone()
	obs(t, off, off, abbr, t.In(loc).IsDST())
	for t.Before(end) {
		next := t.Add(24 * time.Hour)
		_, o2 := next.In(loc).Zone()
		if o2 != off {
			lo, hi := t, next // bisect to the second of the change
			for hi.Sub(lo) > time.Second {
				mid := lo.Add(hi.Sub(lo) / 2)
				if _, om := mid.In(loc).Zone(); om == off {
					lo = mid
				} else {
					hi = mid
				}
			}
			a, o := hi.In(loc).Zone()
			obs(hi, off, o, a, hi.In(loc).IsDST())
			off = o
		}
		t = next
	}
	w.line("END:VTIMEZONE")
}

func offset(sec int) string {
	sign := "+"
	if sec < 0 {
		sign, sec = "-", -sec
	}
	if s := sec % 60; s != 0 {
		return fmt.Sprintf("%s%02d%02d%02d", sign, sec/3600, sec/60%60, s)
	}
	return fmt.Sprintf("%s%02d%02d", sign, sec/3600, sec/60%60)
}

// escapeText escapes a TEXT value (RFC 5545 3.3.11).
func escapeText(s string) string {
	r := strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`)
	return r.Replace(s)
}

// paramValue quotes a parameter value when it holds ':', ';' or ','; DQUOTE
// cannot appear in one and is dropped.
func paramValue(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '"' || r < 32 {
			return -1
		}
		return r
	}, s)
	if strings.ContainsAny(s, ":;,") {
		return `"` + s + `"`
	}
	return s
}

// icsWriter writes content lines with CRLF, folded at 75 octets without
// splitting a UTF-8 sequence (RFC 5545 3.1).
type icsWriter struct{ b strings.Builder }

func (w *icsWriter) line(s string) {
	n := 0
	for len(s) > 0 {
		limit := 75
		if n > 0 {
			limit = 74 // the leading space counts
			w.b.WriteString(" ")
		}
		if len(s) <= limit {
			w.b.WriteString(s)
			break
		}
		cut := limit
		for cut > 0 && !utf8Start(s[cut]) {
			cut--
		}
		w.b.WriteString(s[:cut])
		w.b.WriteString("\r\n")
		s = s[cut:]
		n++
	}
	w.b.WriteString("\r\n")
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }
