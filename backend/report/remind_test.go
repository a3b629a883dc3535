package report_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"tack/backend/event"
	"tack/backend/notify"
	"tack/backend/server/servertest"
)

// TestRemindAndSummary: with a fake clock, the daily due at 20:00 (after
// working hours) reminds those who have not written at 17:00, once; at
// night nothing goes to the leader; the next working morning the leader
// gets one summary naming who is still missing, once.
func TestRemindAndSummary(t *testing.T) {
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		c := setup(t, e)
		ctx := context.Background()
		events := func(typ string) []notify.Event {
			var evs []notify.Event
			e.Server.DB.Where("type = ?", typ).Order("id").Find(&evs)
			return evs
		}
		to := func(evs []notify.Event, user string) []notify.Event {
			var out []notify.Event
			for _, ev := range evs {
				if strings.Join(ev.Recipients, ",") == user {
					out = append(out, ev)
				}
			}
			return out
		}
		run := func(at time.Time) {
			t.Helper()
			e.Clock.Set(at)
			if err := e.Server.Report.Remind(ctx); err != nil {
				t.Fatal(err)
			}
		}
		// 16:00 in Shanghai: nothing yet.
		e.Clock.Set(time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC))
		if err := e.Server.Report.Materialise(ctx); err != nil {
			t.Fatal(err)
		}
		run(time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC))
		if n := len(events(event.ReportReminder)); n != 0 {
			t.Fatalf("%d reminders at 16:00", n)
		}
		write(t, e, c.amyT, c.daily.ID, "done")
		// 17:00: ben (and everyone else who owes it) is reminded, amy is not; once.
		run(time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC))
		run(time.Date(2026, 1, 5, 9, 5, 0, 0, time.UTC))
		rem := events(event.ReportReminder)
		if len(to(rem, c.ben.ID)) != 1 || len(to(rem, c.amy.ID)) != 0 || len(to(rem, c.lead.ID)) != 1 {
			t.Fatalf("reminders %+v", rem)
		}
		if d := to(rem, c.ben.ID)[0].Data; d["link"] != "/reports/write/"+c.daily.ID+"?period=2026-01-05" || d["title"] == "" {
			t.Fatalf("reminder data %v", d)
		}
		// 20:30, after the due time: night, the leader is not woken.
		run(time.Date(2026, 1, 5, 12, 30, 0, 0, time.UTC))
		if n := len(events(event.ReportMissing)); n != 0 {
			t.Fatalf("%d summaries at night", n)
		}
		// 09:00 the next (working) morning: one summary to the lead, naming ben only.
		run(time.Date(2026, 1, 6, 1, 0, 0, 0, time.UTC))
		run(time.Date(2026, 1, 6, 1, 5, 0, 0, time.UTC))
		sum := to(events(event.ReportMissing), c.lead.ID)
		if len(sum) != 1 {
			t.Fatalf("lead's summaries %+v", events(event.ReportMissing))
		}
		title, _ := sum[0].Data["title"].(string)
		if sum[0].Data["missing"] != float64(1) || !strings.Contains(title, c.ben.Name) || strings.Contains(title, c.amy.Name) {
			t.Fatalf("summary %v", sum[0].Data)
		}
		if len(to(events(event.ReportReminder), c.ben.ID)) != 1 {
			t.Fatalf("ben reminded again")
		}
	})
}
