package meeting_test

import (
	"fmt"
	"net/http"
	"testing"

	"tack/backend/meeting"
	"tack/backend/server/servertest"
)

// TestChangeSaysWhatAndAsksAgain: a change tells the attendees what changed
// (time, place, details) and where the meeting is; a new time resets their
// answers, since an answer for one time says nothing about another; a save
// that changes nothing tells nobody.
func TestChangeSaysWhatAndAsksAgain(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		w := newWorld(t, e)
		body := map[string]any{"title": "评审", "start": "2026-01-07T10:00", "end": "2026-01-07T11:00", "room_id": w.room.ID,
			"attendee_ids": []string{w.b.ID, w.c.ID}, "agenda": "1. 范围"}
		res, _ := w.book(t, w.ta, body)
		id := res.Meeting.ID
		if inv := events(t, e, "meeting.invited", id); len(inv) != 1 || inv[0].Data["where"] != "松 3F" {
			t.Fatalf("invitation does not say where: %+v", inv)
		}
		e.Must(http.StatusOK, "POST", "/api/v1/meetings/"+id+"/rsvp", w.tb, map[string]any{"response": "accepted"})
		e.Must(http.StatusOK, "POST", "/api/v1/meetings/"+id+"/rsvp", w.tc, map[string]any{"response": "tentative"})
		version := 1
		update := func(change map[string]any) meeting.Meeting {
			t.Helper()
			for k, v := range change {
				body[k] = v
			}
			body["version"] = version
			var r meeting.SaveResult
			e.Must(http.StatusOK, "PATCH", "/api/v1/meetings/"+id, w.ta, body).JSON(t, &r)
			version = r.Meeting.Version
			return r.Meeting
		}
		answers := func(m meeting.Meeting) string {
			out := ""
			for _, a := range m.Attendees {
				out += fmt.Sprintf("%s=%s ", map[string]string{w.b.ID: "b", w.c.ID: "c"}[a.UserID], a.Response)
			}
			return out
		}
		lastChange := func(n, told int) []any {
			t.Helper()
			evs := events(t, e, "meeting.changed", id)
			if len(evs) != n {
				t.Fatalf("%d change events, want %d", len(evs), n)
			}
			if n == 0 {
				return nil
			}
			ev := evs[n-1]
			if len(ev.Recipients) != told {
				t.Fatalf("change told %v", ev.Recipients)
			}
			return ev.Data["changes"].([]any)
		}

		// Nothing changed: nobody is told.
		update(nil)
		lastChange(0, 0)
		// The agenda: details changed, the answers stand.
		m := update(map[string]any{"agenda": "1. 范围\n2. 排期"})
		if got := lastChange(1, 2); len(got) != 1 || got[0] != "details" || answers(m) != "b=accepted c=tentative " {
			t.Fatalf("agenda change %v, answers %s", got, answers(m))
		}
		// The room: the place changed, the answers stand.
		m = update(map[string]any{"room_id": w.small.ID, "attendee_ids": []string{w.b.ID}})
		// c, dropped at the same time, hears of it as a cancellation instead.
		if got := lastChange(2, 1); len(got) != 1 || got[0] != "place" || answers(m) != "b=accepted " {
			t.Fatalf("room change %v, answers %s", got, answers(m))
		}
		body["room_id"], body["attendee_ids"] = w.room.ID, []string{w.b.ID, w.c.ID}
		m = update(nil)
		e.Must(http.StatusOK, "POST", "/api/v1/meetings/"+id+"/rsvp", w.tc, map[string]any{"response": "accepted"})
		// A new time: everyone is asked again, in the meeting and in the database.
		m = update(map[string]any{"start": "2026-01-08T15:00", "end": "2026-01-08T16:00"})
		evs := events(t, e, "meeting.changed", id)
		got := evs[len(evs)-1].Data["changes"].([]any)
		if len(got) != 1 || got[0] != "time" || answers(m) != "b=pending c=pending " || evs[len(evs)-1].Data["where"] != "松 3F" {
			t.Fatalf("time change %v, answers %s", got, answers(m))
		}
		var stored meeting.Meeting
		e.Must(http.StatusOK, "GET", "/api/v1/meetings/"+id, w.tb, nil).JSON(t, &stored)
		if answers(stored) != "b=pending c=pending " || stored.Attendees[0].RespondedAt != nil {
			t.Fatalf("stored answers after a new time: %+v", stored.Attendees)
		}
	})
}
