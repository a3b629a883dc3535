package meeting_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-ical"

	"tack/backend/meeting"
	"tack/backend/server/servertest"
)

// TestCalendarFeedLifecycle: the private feed is made, shown as active (with
// when a calendar client last fetched it), replaced, turned off, and dies
// with its owner's account; nobody but its owner can see or change it.
func TestCalendarFeedLifecycle(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		w := newWorld(t, e)
		w.book(t, w.ta, map[string]any{"title": "周会", "start": "2026-01-06T10:00", "end": "2026-01-06T11:00",
			"attendee_ids": []string{w.b.ID}})
		status := func(token string) meeting.FeedStatus {
			var st meeting.FeedStatus
			e.Must(http.StatusOK, "GET", "/api/v1/calendar/token", token, nil).JSON(t, &st)
			return st
		}
		e.Must(http.StatusUnauthorized, "GET", "/api/v1/calendar/token", "", nil)
		e.Must(http.StatusUnauthorized, "DELETE", "/api/v1/calendar/token", "", nil)
		if st := status(w.tb); st.Active || st.CreatedAt != nil {
			t.Fatalf("feed before any was made: %+v", st)
		}

		var tok struct{ Token, Path string }
		e.Must(http.StatusOK, "POST", "/api/v1/calendar/token", w.tb, nil).JSON(t, &tok)
		if st := status(w.tb); !st.Active || !st.CreatedAt.Equal(e.Clock.Now()) || st.LastUsedAt != nil {
			t.Fatalf("new feed: %+v", st)
		}
		if st := status(w.tc); st.Active {
			t.Fatalf("another user's feed shows as mine: %+v", st)
		}
		// A calendar client fetches it without a session; its owner sees when.
		e.Clock.Advance(time.Hour)
		feed := e.Must(http.StatusOK, "GET", tok.Path, "", nil)
		cal, err := ical.NewDecoder(strings.NewReader(string(feed.Body))).Decode()
		if err != nil || len(cal.Events()) != 1 || cal.Events()[0].Props.Get(ical.PropSummary).Value != "周会" {
			t.Fatalf("feed: %v %s", err, feed.Body)
		}
		if st := status(w.tb); st.LastUsedAt == nil || !st.LastUsedAt.Equal(e.Clock.Now()) {
			t.Fatalf("last use not recorded: %+v", st)
		}

		// A new address replaces the old one.
		var tok2 struct{ Token, Path string }
		e.Must(http.StatusOK, "POST", "/api/v1/calendar/token", w.tb, nil).JSON(t, &tok2)
		e.Must(http.StatusNotFound, "GET", tok.Path, "", nil)
		e.Must(http.StatusOK, "GET", tok2.Path, "", nil)

		// Someone else turning their (absent) feed off leaves mine alone.
		e.Must(http.StatusNoContent, "DELETE", "/api/v1/calendar/token", w.tc, nil)
		e.Must(http.StatusOK, "GET", tok2.Path, "", nil)

		// Turning it off stops the address at once.
		e.Must(http.StatusNoContent, "DELETE", "/api/v1/calendar/token", w.tb, nil)
		e.Must(http.StatusNotFound, "GET", tok2.Path, "", nil)
		if st := status(w.tb); st.Active {
			t.Fatalf("feed still active after turning it off: %+v", st)
		}

		// A deactivated account's feed stops working.
		var tok3 struct{ Token, Path string }
		e.Must(http.StatusOK, "POST", "/api/v1/calendar/token", w.tb, nil).JSON(t, &tok3)
		e.Must(http.StatusOK, "GET", tok3.Path, "", nil)
		e.Must(http.StatusOK, "POST", "/api/v1/users/"+w.b.ID+"/deactivate", w.admin, map[string]any{})
		e.Must(http.StatusNotFound, "GET", tok3.Path, "", nil)
	})
}
