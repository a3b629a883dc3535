package meeting_test

import (
	"testing"

	"tack/backend/meeting"
	"tack/backend/server/servertest"
)

func TestOffboardingHandsOverMeetings(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		w := newWorld(t, e)
		s, _ := w.book(t, w.ta, map[string]any{"title": "weekly", "start": "2026-01-07T10:00", "end": "2026-01-07T11:00",
			"rrule": "FREQ=WEEKLY", "attendee_ids": []string{w.b.ID}, "place": "x"})
		e.Must(200, "POST", "/api/v1/users/"+w.a.ID+"/deactivate", w.admin, nil)
		var m meeting.Meeting
		if err := e.Server.DB.First(&m, "id = ?", s.Meeting.ID).Error; err != nil {
			t.Fatal(err)
		}
		if m.OrganizerID == w.a.ID || m.OrganizerID == "" {
			t.Fatalf("organizer not handed over: %s", m.OrganizerID)
		}
		if evs := events(t, e, "meeting.changed", m.ID); len(evs) != 1 || evs[0].Recipients[0] != m.OrganizerID {
			t.Fatalf("handover events %+v", evs)
		}
	})
}
