package attendance_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"tack/backend/attendance"
	"tack/backend/notify"
	"tack/backend/server/servertest"
)

// TestFieldPunchDecisionTold: the head approves one field punch and rejects
// another with a reason; the employee is told each decision (a notification
// in the bell, from the attendance.field_reviewed event the stream and the
// desktop carry) and sees the head's words on the punch; the head is not
// told of their own decision.
func TestFieldPunchDecisionTold(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		c := setup(t, e)
		field := func(day int, note string) attendance.PunchResult {
			setClock(e, "10:15", day)
			body, ct := fieldForm(t, note, jpegBytes(t))
			resp := postForm(t, e, c.empT, body, ct)
			defer resp.Body.Close()
			var res attendance.PunchResult
			if err := json.NewDecoder(resp.Body).Decode(&res); err != nil || resp.StatusCode != http.StatusCreated {
				t.Fatalf("field punch: %d %v", resp.StatusCode, err)
			}
			return res
		}
		told := func(token string) []notify.Notification {
			if _, err := e.Server.Notify.NewDispatcher().RunOnce(context.Background()); err != nil {
				t.Fatal(err)
			}
			var page struct{ Items []notify.Notification }
			e.Must(http.StatusOK, "GET", "/api/v1/notifications", token, nil).JSON(t, &page)
			var out []notify.Notification
			for _, n := range page.Items {
				if n.Type == "attendance.field_reviewed" {
					out = append(out, n)
				}
			}
			return out
		}

		mon := field(5, "客户现场")
		e.Must(http.StatusOK, "POST", "/api/v1/attendance/punches/"+mon.Punch.ID+"/review", c.headT, map[string]any{"approve": true})
		got := told(c.empT)
		if len(got) != 1 || got[0].Title != "2026-01-05 10:15" || got[0].Data["outcome"] != "approved" ||
			got[0].Data["by"] != c.head.Name || got[0].SubjectID != mon.Punch.ID || got[0].Link != "/attendance" ||
			got[0].Body != "Your field punch was approved: 2026-01-05 10:15" {
			t.Fatalf("approval told as %+v", got)
		}

		tue := field(6, "另一个客户")
		e.Must(http.StatusOK, "POST", "/api/v1/attendance/punches/"+tue.Punch.ID+"/review", c.headT,
			map[string]any{"approve": false, "reason": "照片看不清地点"})
		got = told(c.empT)
		if len(got) != 2 || got[0].Data["outcome"] != "rejected" || got[0].Data["reason"] != "照片看不清地点" || got[0].Title != "2026-01-06 10:15" {
			t.Fatalf("rejection told as %+v", got)
		}
		if n := told(c.headT); len(n) != 0 {
			t.Fatalf("the head was told of their own decision: %+v", n)
		}
		// The punch page shows the decision and the head's words.
		var today attendance.Today
		e.Must(http.StatusOK, "GET", "/api/v1/attendance/today", c.empT, nil).JSON(t, &today)
		if len(today.Punches) != 1 || today.Punches[0].Review != attendance.ReviewRejected || today.Punches[0].ReviewReason != "照片看不清地点" {
			t.Fatalf("today %+v", today.Punches)
		}
	})
}
