package meeting_test

import (
	"net/http"
	"testing"
	"time"

	"tack/backend/meeting"
	"tack/backend/server/servertest"
)

// A repeat rule without a meeting in its first ten years (or with an UNTIL
// decades away) is refused with a field error, and nothing is booked
// (issue 12, item 8).
func TestRulesWithoutOccurrencesAreRefused(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		w := newWorld(t, e)
		for rule, want := range map[string]string{
			"FREQ=DAILY;BYMONTH=2;BYMONTHDAY=31":  "no_occurrence",
			"FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30": "no_occurrence",
			"FREQ=DAILY;INTERVAL=7;BYDAY=SU":      "no_occurrence", // starts on a Tuesday
			"FREQ=WEEKLY;UNTIL=20251231T000000Z":  "no_occurrence",
			"FREQ=WEEKLY;UNTIL=20600101T000000Z":  "until_too_far",
		} {
			_, r := w.book(t, w.ta, map[string]any{"title": "坏规则", "start": "2026-01-06T09:00", "end": "2026-01-06T10:00", "place": "x", "rrule": rule})
			_, key, fields := r.ErrorCode()
			if r.Status != http.StatusBadRequest || key != "meeting.invalid" || fields["rrule"] != want {
				t.Errorf("%s: %d %s, want rrule: %s", rule, r.Status, r.Body, want)
			}
		}
		var n int64
		e.Server.DB.Model(&meeting.Meeting{}).Count(&n)
		if n != 0 {
			t.Fatalf("%d meetings booked by refused rules", n)
		}
		// Rare but real rules pass: leap days, the last Friday of the month.
		for _, rule := range []string{"FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", "FREQ=MONTHLY;BYDAY=-1FR", "FREQ=WEEKLY;UNTIL=20451231T000000Z"} {
			if _, r := w.book(t, w.ta, map[string]any{"title": "好规则", "start": "2026-01-06T09:00", "end": "2026-01-06T10:00", "place": "x", "rrule": rule}); r.Status != http.StatusCreated {
				t.Errorf("%s: %d %s", rule, r.Status, r.Body)
			}
		}
	})
}

// A never-matching rule saved before rules were checked costs nothing on
// reads: calendar and free/busy reads of its attendees answer at once, with
// no occurrences of it.
func TestStoredRuleWithoutOccurrencesStaysCheap(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		w := newWorld(t, e)
		res, r := w.book(t, w.ta, map[string]any{"title": "旧数据", "start": "2026-01-06T09:00", "end": "2026-01-06T10:00", "place": "x",
			"rrule": "FREQ=DAILY", "attendee_ids": []string{w.b.ID, w.c.ID}})
		if r.Status != http.StatusCreated {
			t.Fatalf("book: %d %s", r.Status, r.Body)
		}
		if err := e.Server.DB.Model(&meeting.Meeting{}).Where("id = ?", res.Meeting.ID).
			Updates(map[string]any{"rrule": "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=31", "span_end": nil}).Error; err != nil {
			t.Fatal(err)
		}
		t0 := time.Now()
		for range 5 {
			for _, tok := range []string{w.ta, w.tb, w.tc} {
				var page struct{ Items []meeting.Occurrence }
				e.Must(200, "GET", "/api/v1/meetings?from=2026-01-05T00:00:00Z&to=2026-02-09T00:00:00Z", tok, nil).JSON(t, &page)
				if len(page.Items) != 0 {
					t.Fatalf("occurrences of a rule that never matches: %+v", page.Items)
				}
			}
			var fb meeting.FreeBusy
			e.Must(200, "GET", "/api/v1/freebusy?users="+w.a.ID+","+w.b.ID+","+w.c.ID+"&from=2026-01-05T00:00:00Z&to=2026-01-12T00:00:00Z", w.tx, nil).JSON(t, &fb)
			if len(fb.Users[w.b.ID]) != 0 {
				t.Fatalf("busy in a rule that never matches: %+v", fb)
			}
		}
		// Twenty reads; each used to expand the rule to the year 9999 (about
		// a second of CPU per attendee per read).
		if d := time.Since(t0); d > 3*time.Second {
			t.Fatalf("20 reads took %v", d)
		}
	})
}
