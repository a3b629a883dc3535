package report_test

import (
	"strings"
	"testing"

	"tack/backend/report"
	"tack/backend/server/servertest"
)

// TestSuggest: a new weekly starts from the writer's own week: the approvals
// they submitted or decided and the meetings they attend; nothing is saved.
func TestSuggest(t *testing.T) {
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		c := setup(t, e)
		leave := e.TemplateID(c.amyT, "leave")
		var inst struct {
			ID      string `json:"id"`
			Version int    `json:"version"`
			Number  string `json:"number"`
		}
		e.Must(201, "POST", "/api/v1/approvals", c.amyT, map[string]any{"template_id": leave,
			"form": map[string]any{"leave_type": "personal", "period": map[string]any{"start": "2026-01-08", "end": "2026-01-08"}, "reason": "家事"}}).JSON(t, &inst)
		e.Must(200, "POST", "/api/v1/approvals/"+inst.ID+"/approve", c.leadT, map[string]any{"version": inst.Version})
		e.Must(201, "POST", "/api/v1/meetings", c.leadT, map[string]any{"title": "东区周会", "start": "2026-01-06T10:00", "end": "2026-01-06T11:00",
			"time_zone": "Asia/Shanghai", "place": "3F", "attendee_ids": []string{c.amy.ID}})

		var s report.Suggestion
		e.Must(200, "GET", "/api/v1/report/suggestion?template_id="+c.weekly.ID, c.amyT, nil).JSON(t, &s)
		if s.Period != "2026-W02" || s.FieldKey != "done" || !strings.Contains(s.Text, "提交审批：") || !strings.Contains(s.Text, inst.Number) ||
			!strings.Contains(s.Text, "参加会议：东区周会") {
			t.Fatalf("amy's suggestion %+v", s)
		}
		var ls report.Suggestion
		e.Must(200, "GET", "/api/v1/report/suggestion?template_id="+c.weekly.ID, c.leadT, nil).JSON(t, &ls)
		if !strings.Contains(ls.Text, "审批同意：") || !strings.Contains(ls.Text, "东区周会") {
			t.Fatalf("lead's suggestion %+v", ls)
		}
		// Last week held nothing; ben did nothing; nothing was saved.
		var last report.Suggestion
		e.Must(200, "GET", "/api/v1/report/suggestion?template_id="+c.weekly.ID+"&period=2026-W01", c.amyT, nil).JSON(t, &last)
		var ben report.Suggestion
		e.Must(200, "GET", "/api/v1/report/suggestion?template_id="+c.weekly.ID, c.benT, nil).JSON(t, &ben)
		if len(last.Lines) != 0 || len(ben.Lines) != 0 {
			t.Fatalf("last week %+v, ben %+v", last, ben)
		}
		var sent struct{ Items []report.Detail }
		e.Must(200, "GET", "/api/v1/reports/sent", c.amyT, nil).JSON(t, &sent)
		if len(sent.Items) != 0 {
			t.Fatalf("a suggestion saved a report: %+v", sent.Items)
		}
		e.Must(400, "GET", "/api/v1/report/suggestion?template_id="+c.weekly.ID+"&period=2026-13", c.amyT, nil)
	})
}
