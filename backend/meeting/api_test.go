package meeting_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-ical"

	"tack/backend/identity"
	"tack/backend/meeting"
	"tack/backend/notify"
	"tack/backend/org"
	"tack/backend/server/servertest"
)

// world is a company with an admin, three colleagues and one outsider.
type world struct {
	e              *servertest.Env
	admin          string
	a, b, c, x     org.User
	ta, tb, tc, tx string
	room, small    meeting.Room
}

func newWorld(t *testing.T, e *servertest.Env) *world {
	w := &world{e: e}
	w.admin, _ = e.Setup()
	w.a, w.ta = e.NewUser(w.admin, "")
	w.b, w.tb = e.NewUser(w.admin, "")
	w.c, w.tc = e.NewUser(w.admin, "")
	w.x, w.tx = e.NewUser(w.admin, "")
	e.Must(http.StatusCreated, "POST", "/api/v1/rooms", w.admin, map[string]any{
		"name": "松", "capacity": 8, "location": "3F", "equipment": []string{"projector", "whiteboard"}}).JSON(t, &w.room)
	e.Must(http.StatusCreated, "POST", "/api/v1/rooms", w.admin, map[string]any{
		"name": "竹", "capacity": 2, "location": "3F"}).JSON(t, &w.small)
	return w
}

func (w *world) book(t *testing.T, token string, body map[string]any) (meeting.SaveResult, servertest.Response) {
	t.Helper()
	if _, ok := body["time_zone"]; !ok {
		body["time_zone"] = "Asia/Shanghai"
	}
	r := w.e.Do("POST", "/api/v1/meetings", token, body)
	var res meeting.SaveResult
	if r.Status == http.StatusCreated {
		r.JSON(t, &res)
	}
	return res, r
}

func events(t *testing.T, e *servertest.Env, typ, subject string) []notify.Event {
	t.Helper()
	var evs []notify.Event
	if err := e.Server.DB.Where("type = ? AND subject_id = ?", typ, subject).Order("id").Find(&evs).Error; err != nil {
		t.Fatal(err)
	}
	return evs
}

func TestRoomsAdminOnly(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		w := newWorld(t, e)
		r := e.Must(http.StatusForbidden, "POST", "/api/v1/rooms", w.ta, map[string]any{"name": "x", "capacity": 3})
		if _, key, _ := r.ErrorCode(); key != "meeting.admin_only" {
			t.Fatalf("key %s", key)
		}
		r = e.Must(http.StatusBadRequest, "POST", "/api/v1/rooms", w.admin, map[string]any{"name": "", "capacity": 0})
		if _, _, f := r.ErrorCode(); f["name"] != "required" || f["capacity"] != "too_small" {
			t.Fatalf("fields %v", f)
		}
		e.Must(http.StatusConflict, "POST", "/api/v1/rooms", w.admin, map[string]any{"name": "松", "capacity": 3})
		var page struct{ Items []meeting.Room }
		e.Must(http.StatusOK, "GET", "/api/v1/rooms", w.ta, nil).JSON(t, &page)
		if len(page.Items) != 2 {
			t.Fatalf("rooms %v", page.Items)
		}
		var up meeting.Room
		e.Must(http.StatusOK, "PATCH", "/api/v1/rooms/"+w.room.ID, w.admin, map[string]any{"name": "松", "capacity": 10, "version": 1}).JSON(t, &up)
		if up.Capacity != 10 || up.Version != 2 {
			t.Fatalf("update %+v", up)
		}
		e.Must(http.StatusConflict, "PATCH", "/api/v1/rooms/"+w.room.ID, w.admin, map[string]any{"name": "松", "capacity": 11, "version": 1})
		e.Must(http.StatusNoContent, "DELETE", "/api/v1/rooms/"+w.small.ID, w.admin, nil)
		e.Must(http.StatusOK, "GET", "/api/v1/rooms", w.ta, nil).JSON(t, &page)
		if len(page.Items) != 1 {
			t.Fatalf("rooms after delete %v", page.Items)
		}
	})
}

func TestBookingConflictsAndPermissions(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		w := newWorld(t, e)
		// Wed 2026-01-07 10:00–11:00 Shanghai.
		m1, r := w.book(t, w.ta, map[string]any{"title": "周会", "start": "2026-01-07T10:00", "end": "2026-01-07T11:00",
			"room_id": w.room.ID, "attendee_ids": []string{w.b.ID, w.c.ID}, "minute_taker_id": w.b.ID, "agenda": "1. 进度"})
		if r.Status != http.StatusCreated {
			t.Fatalf("book: %d %s", r.Status, r.Body)
		}
		if got := m1.Meeting.StartAt.Format(time.RFC3339); got != "2026-01-07T02:00:00Z" {
			t.Fatalf("start %s", got)
		}
		inv := events(t, e, "meeting.invited", m1.Meeting.ID)
		if len(inv) != 1 || len(inv[0].Recipients) != 2 || inv[0].Data["link"] != "/meetings/"+m1.Meeting.ID {
			t.Fatalf("invited events %+v", inv)
		}
		// Overlap in the same room is refused, naming the clash to someone
		// who may see the meeting in the way (b attends it) ...
		_, r = w.book(t, w.tb, map[string]any{"title": "clash", "start": "2026-01-07T10:30:00+08:00", "end": "2026-01-07T11:30:00+08:00", "room_id": w.room.ID})
		code, key, f := r.ErrorCode()
		if r.Status != http.StatusConflict || code != "conflict" || key != "meeting.room_conflict" || f["conflict_meeting_id"] != m1.Meeting.ID || !strings.Contains(string(r.Body), "周会") {
			t.Fatalf("clash: %d %s", r.Status, r.Body)
		}
		// ... and only "booked, from–to" to someone who may not (x is not invited).
		_, r = w.book(t, w.tx, map[string]any{"title": "clash", "start": "2026-01-07T10:30:00+08:00", "end": "2026-01-07T11:30:00+08:00", "room_id": w.room.ID})
		_, key, f = r.ErrorCode()
		if r.Status != http.StatusConflict || key != "meeting.room_conflict" || f["conflict_start"] != "2026-01-07T02:00:00Z" ||
			strings.Contains(string(r.Body), "周会") || strings.Contains(string(r.Body), m1.Meeting.ID) {
			t.Fatalf("clash seen by a non-attendee leaks the meeting: %d %s", r.Status, r.Body)
		}
		// Back-to-back is fine; another room at the same time is fine but warns about busy attendees.
		if _, r = w.book(t, w.tx, map[string]any{"title": "next", "start": "2026-01-07T11:00", "end": "2026-01-07T12:00", "room_id": w.room.ID}); r.Status != http.StatusCreated {
			t.Fatalf("adjacent: %s", r.Body)
		}
		res, r := w.book(t, w.tx, map[string]any{"title": "parallel", "start": "2026-01-07T10:30", "end": "2026-01-07T11:30", "place": "cafe", "attendee_ids": []string{w.b.ID}})
		// b is in 周会; x (the organizer) is in "next" from 11:00.
		warned := map[string]string{}
		for _, wa := range res.Warnings {
			warned[wa.UserID] = wa.MeetingID
		}
		if r.Status != http.StatusCreated || len(res.Warnings) != 2 || warned[w.b.ID] != m1.Meeting.ID || warned[w.x.ID] == "" {
			t.Fatalf("warnings: %s", r.Body)
		}
		// Validation.
		r = e.Must(http.StatusBadRequest, "POST", "/api/v1/meetings", w.ta, map[string]any{"title": "", "start": "2026-01-07T10:00", "end": "2026-01-07T09:00",
			"time_zone": "Mars/Base", "attendee_ids": []string{"nobody"}, "rrule": "FREQ=HOURLY"})
		if _, _, f := r.ErrorCode(); f["title"] != "required" || f["time_zone"] != "invalid" || f["attendee_ids"] != "not_found" {
			t.Fatalf("validation fields %v", f)
		}
		// Visibility: the outsider sees busy blocks only and no details.
		e.Must(http.StatusNotFound, "GET", "/api/v1/meetings/"+m1.Meeting.ID, w.tx, nil)
		var page struct{ Items []meeting.Occurrence }
		e.Must(http.StatusOK, "GET", "/api/v1/meetings?from=2026-01-07T00:00:00Z&to=2026-01-08T00:00:00Z&room_id="+w.room.ID, w.tx, nil).JSON(t, &page)
		if len(page.Items) != 2 || !page.Items[0].BusyOnly || page.Items[0].Title != "" || page.Items[1].Title != "next" {
			t.Fatalf("room calendar for outsider %+v", page.Items)
		}
		e.Must(http.StatusOK, "GET", "/api/v1/meetings?from=2026-01-07T00:00:00Z&to=2026-01-08T00:00:00Z", w.tb, nil).JSON(t, &page)
		if len(page.Items) != 2 || page.Items[0].Title != "周会" || page.Items[0].Response != "pending" {
			t.Fatalf("my calendar %+v", page.Items)
		}
		// RSVP.
		var got meeting.Meeting
		e.Must(http.StatusOK, "POST", "/api/v1/meetings/"+m1.Meeting.ID+"/rsvp", w.tb, map[string]any{"response": "accepted"}).JSON(t, &got)
		e.Must(http.StatusBadRequest, "POST", "/api/v1/meetings/"+m1.Meeting.ID+"/rsvp", w.tc, map[string]any{"response": "maybe"})
		e.Must(http.StatusNotFound, "POST", "/api/v1/meetings/"+m1.Meeting.ID+"/rsvp", w.tx, map[string]any{"response": "accepted"})
		e.Must(http.StatusOK, "GET", "/api/v1/meetings/"+m1.Meeting.ID, w.tc, nil).JSON(t, &got)
		if got.Attendees[0].UserID != w.b.ID && got.Attendees[1].UserID != w.b.ID {
			t.Fatal("attendees")
		}
		for _, at := range got.Attendees {
			if at.UserID == w.b.ID && at.Response != "accepted" {
				t.Fatalf("rsvp not stored: %+v", got.Attendees)
			}
		}
		// Only the organizer (or admin) edits; stale versions are refused.
		upd := map[string]any{"title": "周会（改）", "start": "2026-01-07T10:00", "end": "2026-01-07T11:00", "time_zone": "Asia/Shanghai",
			"room_id": w.room.ID, "attendee_ids": []string{w.b.ID, w.x.ID}, "version": 1}
		e.Must(http.StatusForbidden, "PATCH", "/api/v1/meetings/"+m1.Meeting.ID, w.tb, upd)
		e.Must(http.StatusOK, "PATCH", "/api/v1/meetings/"+m1.Meeting.ID, w.ta, upd)
		e.Must(http.StatusConflict, "PATCH", "/api/v1/meetings/"+m1.Meeting.ID, w.ta, upd)
		if n := len(events(t, e, "meeting.changed", m1.Meeting.ID)); n != 1 {
			t.Fatalf("changed events %d", n)
		}
		if evs := events(t, e, "meeting.invited", m1.Meeting.ID); len(evs) != 2 || evs[1].Recipients[0] != w.x.ID {
			t.Fatalf("invited after change %+v", evs)
		}
		if evs := events(t, e, "meeting.cancelled", m1.Meeting.ID); len(evs) != 1 || evs[0].Recipients[0] != w.c.ID {
			t.Fatalf("removed attendee not told %+v", evs)
		}
		// Moving into the taken slot clashes.
		upd["start"], upd["end"], upd["version"] = "2026-01-07T11:30", "2026-01-07T12:30", 2
		r = e.Must(http.StatusConflict, "PATCH", "/api/v1/meetings/"+m1.Meeting.ID, w.ta, upd)
		// Cancel frees the room and tells everyone.
		e.Must(http.StatusOK, "DELETE", "/api/v1/meetings/"+m1.Meeting.ID, w.ta, nil)
		if evs := events(t, e, "meeting.cancelled", m1.Meeting.ID); len(evs) != 2 || len(evs[1].Recipients) != 2 {
			t.Fatalf("cancel events %+v", evs)
		}
		if _, r = w.book(t, w.tx, map[string]any{"title": "now free", "start": "2026-01-07T10:00", "end": "2026-01-07T11:00", "room_id": w.room.ID}); r.Status != http.StatusCreated {
			t.Fatalf("after cancel: %s", r.Body)
		}
	})
}

func TestRecurringConflicts(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		w := newWorld(t, e)
		// Weekly on Wednesdays 14:00–15:00 from 2026-01-07, endless.
		s, r := w.book(t, w.ta, map[string]any{"title": "series", "start": "2026-01-07T14:00", "end": "2026-01-07T15:00",
			"room_id": w.room.ID, "rrule": "FREQ=WEEKLY;BYDAY=WE", "attendee_ids": []string{w.b.ID}})
		if r.Status != http.StatusCreated {
			t.Fatalf("series: %s", r.Body)
		}
		// A single meeting into a later occurrence (half a year on) clashes.
		_, r = w.book(t, w.tb, map[string]any{"title": "x", "start": "2026-07-15T14:30", "end": "2026-07-15T15:30", "room_id": w.room.ID})
		if _, key, f := r.ErrorCode(); r.Status != 409 || key != "meeting.room_conflict" || f["conflict_meeting_id"] != s.Meeting.ID {
			t.Fatalf("single vs series: %d %s", r.Status, r.Body)
		}
		// A second series on Mondays+Wednesdays clashes too; on Mondays only it does not.
		_, r = w.book(t, w.tb, map[string]any{"title": "y", "start": "2026-02-02T14:00", "end": "2026-02-02T14:30", "room_id": w.room.ID, "rrule": "FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10"})
		if r.Status != 409 {
			t.Fatalf("series vs series: %d", r.Status)
		}
		_, r = w.book(t, w.tb, map[string]any{"title": "y", "start": "2026-02-02T14:00", "end": "2026-02-02T14:30", "room_id": w.room.ID, "rrule": "FREQ=WEEKLY;BYDAY=MO;COUNT=10"})
		if r.Status != 201 {
			t.Fatalf("monday series: %s", r.Body)
		}
		single, r := w.book(t, w.tb, map[string]any{"title": "z", "start": "2026-01-21T16:00", "end": "2026-01-21T17:00", "room_id": w.room.ID})
		if r.Status != 201 {
			t.Fatal(string(r.Body))
		}
		// Moving the 2026-01-28 occurrence onto the single meeting clashes; to 17:00 is fine.
		orig := "2026-01-28T06:00:00Z"
		r = e.Must(409, "POST", "/api/v1/meetings/"+s.Meeting.ID+"/occurrences", w.ta, map[string]any{"original_start": orig, "start": "2026-01-21T16:30", "end": "2026-01-21T17:30"})
		// ta does not attend b's single meeting: the clash gives its time only.
		if _, _, f := r.ErrorCode(); f["conflict_start"] != "2026-01-21T08:00:00Z" || f["conflict_meeting_id"] != "" || strings.Contains(string(r.Body), single.Meeting.ID) {
			t.Fatalf("move clash %s", r.Body)
		}
		e.Must(400, "POST", "/api/v1/meetings/"+s.Meeting.ID+"/occurrences", w.ta, map[string]any{"original_start": "2026-01-28T07:00:00Z", "start": "2026-01-21T17:00", "end": "2026-01-21T18:00"})
		e.Must(403, "POST", "/api/v1/meetings/"+s.Meeting.ID+"/occurrences", w.tb, map[string]any{"original_start": orig, "cancelled": true})
		e.Must(200, "POST", "/api/v1/meetings/"+s.Meeting.ID+"/occurrences", w.ta, map[string]any{"original_start": orig, "start": "2026-01-21T17:00", "end": "2026-01-21T18:00"})
		// The vacated 2026-01-28 14:00 slot is bookable, the new 01-21 17:00 one is not.
		if _, r = w.book(t, w.tb, map[string]any{"title": "vacated", "start": "2026-01-28T14:00", "end": "2026-01-28T15:00", "room_id": w.room.ID}); r.Status != 201 {
			t.Fatalf("vacated: %s", r.Body)
		}
		if _, r = w.book(t, w.tb, map[string]any{"title": "moved-into", "start": "2026-01-21T17:30", "end": "2026-01-21T18:00", "room_id": w.room.ID}); r.Status != 409 {
			t.Fatalf("moved occurrence not guarded: %d", r.Status)
		}
		// Cancel the 02-04 occurrence; that slot is free then.
		e.Must(200, "POST", "/api/v1/meetings/"+s.Meeting.ID+"/occurrences", w.ta, map[string]any{"original_start": "2026-02-04T06:00:00Z", "cancelled": true})
		if _, r = w.book(t, w.tb, map[string]any{"title": "on cancelled", "start": "2026-02-04T14:00", "end": "2026-02-04T15:00", "room_id": w.room.ID}); r.Status != 201 {
			t.Fatalf("cancelled occurrence still blocks: %s", r.Body)
		}
		var page struct{ Items []meeting.Occurrence }
		e.Must(200, "GET", "/api/v1/meetings?from=2026-01-19T00:00:00Z&to=2026-02-09T00:00:00Z&user_id="+w.b.ID, w.tb, nil).JSON(t, &page)
		var series []meeting.Occurrence
		for _, o := range page.Items {
			if o.MeetingID == s.Meeting.ID {
				series = append(series, o)
			}
		}
		// 01-21 14:00, 01-21 17:00 (moved from 01-28), 02-04 cancelled
		if len(series) != 2 || !series[1].Moved || series[1].Start.Format(time.RFC3339) != "2026-01-21T09:00:00Z" {
			t.Fatalf("expanded series %+v", series)
		}
		if n := len(events(t, e, "meeting.changed", s.Meeting.ID)); n != 1 {
			t.Fatalf("changed events %d", n)
		}
	})
}

func TestConcurrentBookingsOneWins(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		w := newWorld(t, e)
		var wg sync.WaitGroup
		status := make([]int, 6)
		for i := range status {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := e.Do("POST", "/api/v1/meetings", []string{w.ta, w.tb, w.tc}[i%3], map[string]any{"title": fmt.Sprint("race ", i),
					"start": "2026-01-08T10:00", "end": "2026-01-08T11:00", "time_zone": "Asia/Shanghai", "room_id": w.room.ID})
				status[i] = r.Status
			}()
		}
		wg.Wait()
		ok := 0
		for _, s := range status {
			switch s {
			case 201:
				ok++
			case 409:
			default:
				t.Fatalf("status %d", s)
			}
		}
		if ok != 1 {
			t.Fatalf("%d bookings succeeded: %v", ok, status)
		}
	})
}

// TestAttachmentsAreLinks: attachments are drive routes or web addresses,
// kept trimmed and once each; other schemes are refused before any write.
func TestAttachmentsAreLinks(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		w := newWorld(t, e)
		body := func(atts ...string) map[string]any {
			return map[string]any{"title": "附件", "start": "2026-01-06T10:00", "end": "2026-01-06T11:00", "place": "x", "attachments": atts}
		}
		for _, bad := range []string{"javascript:alert(1)", "file:///etc/passwd", "/drive/../admin", "ftp://x/y", "plain text"} {
			_, r := w.book(t, w.ta, body(bad))
			if r.Status != 400 || !strings.Contains(string(r.Body), `"attachments":"invalid"`) {
				t.Fatalf("%q: %d %s", bad, r.Status, r.Body)
			}
		}
		res, r := w.book(t, w.ta, body(" /drive/entries/abc ", "https://example.com/a.pdf", "/drive/entries/abc", ""))
		if r.Status != 201 || strings.Join(res.Meeting.Attachments, "|") != "/drive/entries/abc|https://example.com/a.pdf" {
			t.Fatalf("attachments %d %+v", r.Status, res.Meeting.Attachments)
		}
		var n int64
		e.Server.DB.Model(&meeting.Meeting{}).Count(&n)
		if n != 1 {
			t.Fatalf("%d meetings stored", n)
		}
	})
}

func TestFreeBusyAndFindTime(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		w := newWorld(t, e)
		// Clock: Mon 2026-01-05 17:00 Shanghai. Tue 09:00–10:30: a and b busy; Tue 10:30–11:00 the big room is taken.
		w.book(t, w.ta, map[string]any{"title": "a1", "start": "2026-01-06T09:00", "end": "2026-01-06T10:00", "place": "x"})
		w.book(t, w.tb, map[string]any{"title": "b1", "start": "2026-01-06T09:30", "end": "2026-01-06T10:30", "place": "x", "attendee_ids": []string{w.c.ID}})
		w.book(t, w.tx, map[string]any{"title": "room", "start": "2026-01-06T10:30", "end": "2026-01-06T11:00", "room_id": w.room.ID})
		// c declined a meeting: not busy then.
		d, _ := w.book(t, w.tx, map[string]any{"title": "declined", "start": "2026-01-06T11:00", "end": "2026-01-06T12:00", "place": "x", "attendee_ids": []string{w.c.ID}})
		e.Must(200, "POST", "/api/v1/meetings/"+d.Meeting.ID+"/rsvp", w.tc, map[string]any{"response": "declined"})

		var fb meeting.FreeBusy
		e.Must(200, "GET", "/api/v1/freebusy?users="+w.a.ID+","+w.b.ID+","+w.c.ID+"&rooms="+w.room.ID+"&from=2026-01-06T00:00:00Z&to=2026-01-07T00:00:00Z", w.tx, nil).JSON(t, &fb)
		if len(fb.Users[w.a.ID]) != 1 || len(fb.Users[w.c.ID]) != 1 || fb.Users[w.c.ID][0].End.Format(time.RFC3339) != "2026-01-06T02:30:00Z" || len(fb.Rooms[w.room.ID]) != 1 {
			t.Fatalf("freebusy %+v", fb)
		}
		var sug struct{ Items []meeting.Suggestion }
		e.Must(200, "POST", "/api/v1/meetings/find-time", w.ta, map[string]any{"attendee_ids": []string{w.b.ID, w.c.ID}, "duration_minutes": 60,
			"from": "2026-01-05T00:00:00Z", "to": "2026-01-10T00:00:00Z", "min_capacity": 3, "time_zone": "Asia/Shanghai"}).JSON(t, &sug)
		// Monday 17:00–18:00 is after "now" (17:00) and free: earliest.
		sh, _ := time.LoadLocation("Asia/Shanghai")
		var got []string
		for _, s := range sug.Items {
			got = append(got, s.Start.In(sh).Format("01-02 15:04")+" "+s.RoomName)
		}
		want := []string{"01-05 17:00 松", "01-06 11:00 松", "01-06 11:30 松"}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Fatalf("suggestions %v, want %v", got, want)
		}
		// Small room fits two people: a 2-person search prefers it (smallest that fits).
		e.Must(200, "POST", "/api/v1/meetings/find-time", w.ta, map[string]any{"attendee_ids": []string{w.b.ID}, "duration_minutes": 30,
			"from": "2026-01-06T01:00:00Z", "to": "2026-01-10T00:00:00Z", "time_zone": "Asia/Shanghai", "limit": 1}).JSON(t, &sug)
		if len(sug.Items) != 1 || sug.Items[0].RoomName != "竹" || sug.Items[0].Start.In(sh).Format("01-02 15:04") != "01-06 10:30" {
			t.Fatalf("small room %+v", sug.Items)
		}
		// Weekend window has no slots.
		e.Must(200, "POST", "/api/v1/meetings/find-time", w.ta, map[string]any{"duration_minutes": 30,
			"from": "2026-01-09T16:00:00Z", "to": "2026-01-11T16:00:00Z", "time_zone": "Asia/Shanghai"}).JSON(t, &sug)
		if len(sug.Items) != 0 {
			t.Fatalf("weekend %+v", sug.Items)
		}
		e.Must(400, "POST", "/api/v1/meetings/find-time", w.ta, map[string]any{"duration_minutes": 0, "from": "2026-01-09T16:00:00Z", "to": "2026-01-01T16:00:00Z"})
	})
}

func TestRemindersOncePerOccurrence(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		w := newWorld(t, e)
		// Daily 09:00 Shanghai (01:00 UTC) from Tue 2026-01-06, 3 times; 15-minute reminder.
		s, _ := w.book(t, w.ta, map[string]any{"title": "standup", "start": "2026-01-06T09:00", "end": "2026-01-06T09:15",
			"rrule": "FREQ=DAILY;COUNT=3", "attendee_ids": []string{w.b.ID}, "reminder_minutes": 15, "place": "x"})
		one, _ := w.book(t, w.ta, map[string]any{"title": "one", "start": "2026-01-06T09:05", "end": "2026-01-06T09:30", "place": "y"})
		ctx := context.Background()
		svc := e.Server.Meeting
		e.Clock.Set(time.Date(2026, 1, 6, 0, 40, 0, 0, time.UTC)) // 08:40 local: too early for both
		if st, err := svc.RunJobOnce(ctx); err != nil || st.Reminders != 0 {
			t.Fatalf("early: %+v %v", st, err)
		}
		e.Clock.Set(time.Date(2026, 1, 6, 0, 46, 0, 0, time.UTC)) // 08:46: series (15 min) due, single (10 min) not
		if st, _ := svc.RunJobOnce(ctx); st.Reminders != 1 {
			t.Fatalf("08:46: %+v", st)
		}
		e.Clock.Set(time.Date(2026, 1, 6, 0, 56, 0, 0, time.UTC))
		if st, _ := svc.RunJobOnce(ctx); st.Reminders != 1 {
			t.Fatalf("08:56: %+v", st)
		}
		for i := 0; i < 3; i++ {
			if st, _ := svc.RunJobOnce(ctx); st.Reminders != 0 {
				t.Fatalf("repeat sent again: %+v", st)
			}
		}
		e.Clock.Set(time.Date(2026, 1, 7, 0, 50, 0, 0, time.UTC)) // next day's occurrence
		if st, _ := svc.RunJobOnce(ctx); st.Reminders != 1 {
			t.Fatalf("day 2: %+v", st)
		}
		evs := events(t, e, "meeting.reminder", s.Meeting.ID)
		// A series' reminder opens that sitting.
		if len(evs) != 2 || len(evs[0].Recipients) != 2 || evs[1].Data["occurrence_start"] != "2026-01-07T01:00:00Z" ||
			evs[1].Data["link"] != "/meetings/"+s.Meeting.ID+"?occurrence=2026-01-07T01%3A00%3A00Z" {
			t.Fatalf("reminders %+v", evs)
		}
		if evs := events(t, e, "meeting.reminder", one.Meeting.ID); len(evs) != 1 || evs[0].Data["link"] != "/meetings/"+one.Meeting.ID {
			t.Fatalf("single reminders %+v", evs)
		}
		if n := len(events(t, e, "meeting.reminder", one.Meeting.ID)); n != 1 {
			t.Fatalf("single reminders %d", n)
		}
	})
}

// fakeDrive records published documents.
type fakeDrive struct {
	mu   sync.Mutex
	docs []meeting.MinutesDocument
}

func (f *fakeDrive) PublishMinutes(ctx context.Context, actor identity.Actor, doc meeting.MinutesDocument) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.docs = append(f.docs, doc)
	return fmt.Sprint("doc-", len(f.docs)), nil
}

func TestMinutesPublishAndTasks(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		w := newWorld(t, e)
		drive := &fakeDrive{}
		meeting.SetPublisher(e.Server.Meeting, drive)
		m, _ := w.book(t, w.ta, map[string]any{"title": "评审会", "start": "2026-01-06T10:00", "end": "2026-01-06T11:00",
			"room_id": w.room.ID, "attendee_ids": []string{w.b.ID, w.c.ID}, "minute_taker_id": w.b.ID})
		id := m.Meeting.ID
		body := map[string]any{"present": []string{w.a.ID, w.b.ID}, "absent": []string{w.c.ID}, "discussion": "讨论了方案",
			"decisions": []string{"采用方案 A"}, "action_items": []map[string]any{
				{"title": "写设计文档", "owner_id": w.c.ID, "due": "2026-01-08"},
				{"title": "联系供应商", "owner_id": w.b.ID}}, "version": 0}
		e.Must(403, "PUT", "/api/v1/meetings/"+id+"/minutes", w.tc, body)
		e.Must(404, "GET", "/api/v1/meetings/"+id+"/minutes", w.tx, nil)
		var mn meeting.Minutes
		e.Must(200, "PUT", "/api/v1/meetings/"+id+"/minutes", w.tb, body).JSON(t, &mn)
		if mn.Version != 1 || mn.Status != "draft" {
			t.Fatalf("draft %+v", mn)
		}
		var seen meeting.Minutes // an attendee does not read the draft
		e.Must(200, "GET", "/api/v1/meetings/"+id+"/minutes", w.tc, nil).JSON(t, &seen)
		if seen.Version != 0 || seen.Discussion != "" {
			t.Fatalf("attendee read the draft %+v", seen)
		}
		e.Must(409, "PUT", "/api/v1/meetings/"+id+"/minutes", w.ta, body) // stale version 0
		body["version"] = 1
		e.Must(200, "PUT", "/api/v1/meetings/"+id+"/minutes", w.ta, body).JSON(t, &mn)
		e.Must(409, "POST", "/api/v1/meetings/"+id+"/minutes/publish", w.tb, map[string]any{"version": 1})
		e.Must(200, "POST", "/api/v1/meetings/"+id+"/minutes/publish", w.tb, map[string]any{"version": 2}).JSON(t, &mn)
		if mn.Status != "published" || mn.DocumentID != "doc-1" || mn.ActionItems[0].TaskID == "" {
			t.Fatalf("published %+v", mn)
		}
		e.Must(200, "GET", "/api/v1/meetings/"+id+"/minutes", w.tc, nil).JSON(t, &seen)
		if seen.Discussion != "讨论了方案" || seen.DocumentID != "doc-1" {
			t.Fatalf("attendee's view of the published minutes %+v", seen)
		}
		doc := drive.docs[0]
		if doc.Folder != "会议纪要" || doc.Name != "2026-01-06 评审会 纪要.md" || doc.DepartmentID != w.a.DepartmentID || len(doc.Viewers) != 3 ||
			!strings.Contains(string(doc.Content), "采用方案 A") || !strings.Contains(string(doc.Content), "（中国标准时间）") || !strings.Contains(string(doc.Content), "| 写设计文档 | "+w.c.Name+" | 2026-01-08 |") {
			t.Fatalf("document %+v\n%s", doc, doc.Content)
		}
		if evs := events(t, e, "meeting.minutes_published", id); len(evs) != 1 || len(evs[0].Recipients) != 2 {
			t.Fatalf("published events %+v", evs)
		}
		// Tasks: c owns one, due 2026-01-08 (Shanghai).
		var tasks struct{ Items []meeting.Task }
		e.Must(200, "GET", "/api/v1/tasks?mine=1&status=open", w.tc, nil).JSON(t, &tasks)
		if len(tasks.Items) != 1 || tasks.Items[0].Title != "写设计文档" || tasks.Items[0].Overdue {
			t.Fatalf("c's tasks %+v", tasks.Items)
		}
		task := tasks.Items[0]
		if n := len(events(t, e, "task.assigned", task.ID)); n != 1 {
			t.Fatalf("task.assigned %d", n)
		}
		e.Must(200, "GET", "/api/v1/tasks", w.tb, nil).JSON(t, &tasks) // b owns one and created both
		if len(tasks.Items) != 2 {
			t.Fatalf("b's tasks %+v", tasks.Items)
		}
		e.Must(404, "PATCH", "/api/v1/tasks/"+task.ID, w.tx, map[string]any{"status": "done", "version": 1})
		// Overdue after 2026-01-08 ends in Shanghai (2026-01-08T16:00Z): flagged and told once.
		e.Clock.Set(time.Date(2026, 1, 8, 16, 30, 0, 0, time.UTC))
		for i := 0; i < 2; i++ {
			if _, err := e.Server.Meeting.RunJobOnce(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		if evs := events(t, e, "task.overdue", task.ID); len(evs) != 1 {
			t.Fatalf("overdue events %+v", evs)
		}
		e.Must(200, "GET", "/api/v1/tasks?mine=1", w.tc, nil).JSON(t, &tasks)
		if !tasks.Items[0].Overdue {
			t.Fatal("not flagged overdue")
		}
		var done meeting.Task
		e.Must(200, "PATCH", "/api/v1/tasks/"+task.ID, w.tc, map[string]any{"status": "done", "version": 1}).JSON(t, &done)
		if done.Status != "done" || done.Overdue || done.DoneAt == nil {
			t.Fatalf("done %+v", done)
		}
		e.Must(409, "PATCH", "/api/v1/tasks/"+task.ID, w.tc, map[string]any{"status": "open", "version": 1})
		// Republishing after a correction adds only the new item as a task.
		body["version"] = 3
		body["action_items"] = append(body["action_items"].([]map[string]any), map[string]any{"title": "订会议室", "owner_id": w.a.ID})
		e.Must(200, "PUT", "/api/v1/meetings/"+id+"/minutes", w.tb, body)
		e.Must(200, "POST", "/api/v1/meetings/"+id+"/minutes/publish", w.tb, map[string]any{"version": 4}).JSON(t, &mn)
		var n int64
		e.Server.DB.Model(&meeting.Task{}).Where("meeting_id = ?", id).Count(&n)
		if n != 3 || len(drive.docs) != 2 {
			t.Fatalf("tasks after republish %d, docs %d", n, len(drive.docs))
		}
	})
}

// TestMinutesOfOneOccurrence: the minutes of the second sitting of a weekly
// meeting are kept apart from the first's, and the published notice links
// to that sitting.
func TestMinutesOfOneOccurrence(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		w := newWorld(t, e)
		meeting.SetPublisher(e.Server.Meeting, &fakeDrive{})
		m, r := w.book(t, w.ta, map[string]any{"title": "周会", "start": "2026-01-06T10:00", "end": "2026-01-06T11:00", "place": "x",
			"rrule": "FREQ=WEEKLY;COUNT=3", "attendee_ids": []string{w.b.ID}})
		if r.Status != 201 {
			t.Fatal(string(r.Body))
		}
		id, second := m.Meeting.ID, "2026-01-13T02:00:00Z"
		var mn meeting.Minutes
		e.Must(200, "PUT", "/api/v1/meetings/"+id+"/minutes", w.ta, map[string]any{"occurrence_start": second, "discussion": "第二次", "version": 0}).JSON(t, &mn)
		e.Must(200, "POST", "/api/v1/meetings/"+id+"/minutes/publish", w.ta, map[string]any{"occurrence_start": second, "version": mn.Version})
		var first meeting.Minutes
		e.Must(200, "GET", "/api/v1/meetings/"+id+"/minutes", w.tb, nil).JSON(t, &first)
		if first.Version != 0 {
			t.Fatalf("first sitting got the second's minutes %+v", first)
		}
		e.Must(200, "GET", "/api/v1/meetings/"+id+"/minutes?occurrence="+second, w.tb, nil).JSON(t, &mn)
		if mn.Discussion != "第二次" {
			t.Fatalf("second sitting's minutes %+v", mn)
		}
		evs := events(t, e, "meeting.minutes_published", id)
		if len(evs) != 1 || evs[0].Data["link"] != "/meetings/"+id+"?occurrence=2026-01-13T02%3A00%3A00Z" {
			t.Fatalf("published events %+v", evs)
		}
	})
}

func TestICSParsesBack(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		w := newWorld(t, e)
		title := "Planning; Q1, 计划\\review — a long title that will certainly need folding across lines 很长很长很长"
		s, r := w.book(t, w.ta, map[string]any{"title": title, "start": "2026-03-02T09:00", "end": "2026-03-02T10:00", "time_zone": "America/New_York",
			"rrule": "FREQ=WEEKLY;BYDAY=MO;COUNT=4", "room_id": w.room.ID, "attendee_ids": []string{w.b.ID, w.c.ID}, "agenda": "line 1\nline 2"})
		if r.Status != 201 {
			t.Fatal(string(r.Body))
		}
		id := s.Meeting.ID
		e.Must(200, "POST", "/api/v1/meetings/"+id+"/rsvp", w.tb, map[string]any{"response": "tentative"})
		// 2026-03-09 (after DST) moved to 11:00; 2026-03-16 cancelled.
		e.Must(200, "POST", "/api/v1/meetings/"+id+"/occurrences", w.ta, map[string]any{"original_start": "2026-03-09T13:00:00Z", "start": "2026-03-09T11:00", "end": "2026-03-09T12:00"})
		e.Must(200, "POST", "/api/v1/meetings/"+id+"/occurrences", w.ta, map[string]any{"original_start": "2026-03-16T13:00:00Z", "cancelled": true})
		e.Must(404, "GET", "/api/v1/meetings/"+id+".ics", w.tx, nil)
		resp := e.Must(200, "GET", "/api/v1/meetings/"+id+".ics", w.tc, nil)
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/calendar") {
			t.Fatalf("content type %s", ct)
		}
		for _, line := range strings.Split(string(resp.Body), "\r\n") {
			if len(line) > 75 {
				t.Fatalf("unfolded line %q", line)
			}
		}
		cal, err := ical.NewDecoder(strings.NewReader(string(resp.Body))).Decode()
		if err != nil {
			t.Fatalf("decode: %v\n%s", err, resp.Body)
		}
		evs := cal.Events()
		if len(evs) != 2 {
			t.Fatalf("%d events", len(evs))
		}
		master, moved := evs[0], evs[1]
		if got, _ := master.Props.Text("SUMMARY"); got != title {
			t.Fatalf("summary %q", got)
		}
		if got, _ := master.Props.Text("DESCRIPTION"); got != "line 1\nline 2" {
			t.Fatalf("description %q", got)
		}
		ny, _ := time.LoadLocation("America/New_York")
		start, err := master.DateTimeStart(nil)
		if err != nil || !start.Equal(time.Date(2026, 3, 2, 9, 0, 0, 0, ny)) || master.Props.Get("DTSTART").Params.Get("TZID") != "America/New_York" {
			t.Fatalf("dtstart %v %v", start, err)
		}
		set, err := master.RecurrenceSet(nil)
		if err != nil || set == nil {
			t.Fatalf("recurrence: %v", err)
		}
		var occ []string
		for _, o := range set.All() {
			occ = append(occ, o.In(ny).Format("01-02 15:04"))
		}
		if strings.Join(occ, ",") != "03-02 09:00,03-09 09:00,03-23 09:00" {
			t.Fatalf("occurrences from ICS %v", occ)
		}
		rid, err := moved.Props.DateTime("RECURRENCE-ID", nil)
		ms, _ := moved.DateTimeStart(nil)
		if err != nil || !rid.Equal(time.Date(2026, 3, 9, 9, 0, 0, 0, ny)) || ms.In(ny).Hour() != 11 || moved.Props.Get("UID").Value != master.Props.Get("UID").Value {
			t.Fatalf("override %v %v %v", rid, ms, err)
		}
		var partstat = map[string]string{}
		for _, p := range master.Props.Values("ATTENDEE") {
			partstat[p.Value] = p.Params.Get("PARTSTAT")
		}
		if partstat["mailto:"+w.b.Email] != "TENTATIVE" || partstat["mailto:"+w.c.Email] != "NEEDS-ACTION" {
			t.Fatalf("partstat %v", partstat)
		}
		if org := master.Props.Get("ORGANIZER"); org == nil || org.Value != "mailto:"+w.a.Email || org.Params.Get("CN") != w.a.Name {
			t.Fatalf("organizer %+v", org)
		}
		if len(master.Children) != 1 || master.Children[0].Name != "VALARM" || master.Children[0].Props.Get("TRIGGER").Value != "-PT10M" {
			t.Fatalf("alarm %+v", master.Children)
		}
		var tz *ical.Component
		for _, c := range cal.Children {
			if c.Name == "VTIMEZONE" {
				tz = c
			}
		}
		if tz == nil || len(tz.Children) < 3 {
			t.Fatal("no VTIMEZONE with transitions")
		}

		// Private feed: token, no session; regenerating revokes the old URL.
		var tok struct{ Token, Path string }
		e.Must(200, "POST", "/api/v1/calendar/token", w.tb, nil).JSON(t, &tok)
		feed := e.Must(200, "GET", tok.Path, "", nil)
		fcal, err := ical.NewDecoder(strings.NewReader(string(feed.Body))).Decode()
		if err != nil || len(fcal.Events()) != 2 {
			t.Fatalf("feed: %v %d", err, len(fcal.Events()))
		}
		e.Must(200, "POST", "/api/v1/calendar/token", w.tb, nil)
		e.Must(404, "GET", tok.Path, "", nil)
		e.Must(404, "GET", "/api/v1/calendar/nope.ics", "", nil)
	})
}
