package report_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"tack/backend/event"
	"tack/backend/notify"
	"tack/backend/report"
	"tack/backend/server/servertest"
)

// TestCommentMentions: the leader @-mentions ben (same department, not a
// recipient) in a comment on amy's daily: ben is told (report.mentioned, not
// report.commented), becomes a recipient (unread, in his inbox) and reads and
// finds the report; amy is told of the comment and sees ben among the
// recipients. An unknown, departed or 51st person is report.invalid and
// changes nothing; someone who may not read the report mentions nobody.
func TestCommentMentions(t *testing.T) {
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		c := setup(t, e)
		d := write(t, e, c.amyT, c.daily.ID, "客户拜访计划")
		if r := e.Do("GET", "/api/v1/reports/"+d.ID, c.benT, nil); r.Status != http.StatusForbidden {
			t.Fatalf("ben reads amy's daily before the mention: %d", r.Status)
		}
		comments := func() int {
			var cs struct{ Items []report.Comment }
			e.Must(200, "GET", "/api/v1/reports/"+d.ID+"/comments", c.amyT, nil).JSON(t, &cs)
			return len(cs.Items)
		}
		fifty := []string{}
		for i := range 51 {
			fifty = append(fifty, fmt.Sprintf("nobody%02d", i))
		}
		for _, bad := range []struct {
			mentions []string
			code     string
		}{{[]string{"no-such-user"}, "not_found"}, {fifty, "too_long"}} {
			r := e.Do("POST", "/api/v1/reports/"+d.ID+"/comments", c.leadT, map[string]any{"body": "看看", "mentions": bad.mentions})
			if r.Status != http.StatusBadRequest || !strings.Contains(string(r.Body), `"mentions":"`+bad.code+`"`) {
				t.Fatalf("bad mentions %d: %d %s", len(bad.mentions), r.Status, r.Body)
			}
		}
		// dan may not read it, so he cannot bring himself or anyone in.
		if r := e.Do("POST", "/api/v1/reports/"+d.ID+"/comments", c.danT, map[string]any{"body": "@dan", "mentions": []string{c.dan.ID}}); r.Status != http.StatusForbidden {
			t.Fatalf("dan comments: %d", r.Status)
		}
		if n := comments(); n != 0 {
			t.Fatalf("%d comments after refused ones", n)
		}

		e.Must(201, "POST", "/api/v1/reports/"+d.ID+"/comments", c.leadT, map[string]any{"body": "@" + c.ben.Name + " 一起跟进", "mentions": []string{c.ben.ID, c.ben.ID}})
		var got report.Detail
		e.Must(200, "GET", "/api/v1/reports/"+d.ID, c.amyT, nil).JSON(t, &got)
		reasons := map[string]string{}
		for _, rc := range got.Recipients {
			reasons[rc.UserID] = rc.Reason
		}
		if reasons[c.ben.ID] != report.ReasonMentioned || reasons[c.lead.ID] != report.ReasonLeader {
			t.Fatalf("recipients %v", reasons)
		}
		var inbox struct{ Items []report.Detail }
		e.Must(200, "GET", "/api/v1/reports/received?unread=true", c.benT, nil).JSON(t, &inbox)
		if len(inbox.Items) != 1 || inbox.Items[0].ID != d.ID {
			t.Fatalf("ben's unread inbox %+v", inbox.Items)
		}
		if ids := found(t, e, c.benT, q("客户")); !slices.Equal(ids, []string{d.ID}) {
			t.Fatalf("ben's search %v", ids)
		}
		e.Must(200, "GET", "/api/v1/reports/"+d.ID, c.benT, nil)
		// Mentioning a recipient again keeps their reason and read status;
		// mentioning the writer tells her as a mention.
		e.Must(201, "POST", "/api/v1/reports/"+d.ID+"/comments", c.benT, map[string]any{"body": "好的", "mentions": []string{c.lead.ID, c.amy.ID}})
		e.Must(200, "GET", "/api/v1/reports/"+d.ID, c.amyT, nil).JSON(t, &got)
		for _, rc := range got.Recipients {
			if rc.UserID == c.lead.ID && rc.Reason != report.ReasonLeader {
				t.Fatalf("the leader's reason became %q", rc.Reason)
			}
			if rc.UserID == c.ben.ID && rc.ReadAt == nil {
				t.Fatal("ben's read status was lost")
			}
		}
		if len(got.Recipients) != 2 {
			t.Fatalf("recipients %+v", got.Recipients)
		}

		var evs []notify.Event
		e.Server.DB.Where("subject_id = ?", d.ID).Order("id").Find(&evs)
		var seen []string
		for _, ev := range evs {
			seen = append(seen, ev.Type+">"+strings.Join(ev.Recipients, ","))
		}
		want := []string{event.ReportSubmitted + ">" + c.lead.ID,
			event.ReportMentioned + ">" + c.ben.ID, event.ReportCommented + ">" + c.amy.ID,
			event.ReportMentioned + ">" + strings.Join(slices.Sorted(slices.Values([]string{c.amy.ID, c.lead.ID})), ",")}
		if !slices.Equal(seen, want) {
			t.Fatalf("events\n%v\nwant\n%v", seen, want)
		}
		// dan still reads nothing.
		if r := e.Do("GET", "/api/v1/reports/"+d.ID, c.danT, nil); r.Status != http.StatusForbidden {
			t.Fatalf("dan reads: %d", r.Status)
		}
	})
}
