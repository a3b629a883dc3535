package report_test

import (
	"context"
	"testing"
	"time"

	"tack/backend/approval"
	"tack/backend/report"
	"tack/backend/server/servertest"
)

// TestStats: per period and department, the submission and on-time rates
// and the numeric fields summed, for the writers the caller leads.
func TestStats(t *testing.T) {
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		c := setup(t, e)
		ctx := context.Background()
		// The admin adds a number to the built-in daily in the designer.
		tpl := c.daily
		tpl.Fields = append(tpl.Fields, approval.Field{Key: "calls", Type: approval.FieldNumber, LabelZh: "拜访数", LabelEn: "Calls"})
		e.Must(200, "PUT", "/api/v1/report/templates/"+tpl.ID, c.admin, tpl)
		submit := func(token string, calls float64) {
			t.Helper()
			var d report.Detail
			e.Must(200, "POST", "/api/v1/reports", token, map[string]any{"template_id": c.daily.ID}).JSON(t, &d)
			e.Must(200, "POST", "/api/v1/reports/"+d.ID+"/submit", token, map[string]any{"form": map[string]any{"done": "x", "calls": calls}, "version": d.Version})
		}
		day := func(at time.Time) {
			e.Clock.Set(at)
			if err := e.Server.Report.Materialise(ctx); err != nil {
				t.Fatal(err)
			}
		}
		day(time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)) // Monday 17:00 in Shanghai
		submit(c.amyT, 3)
		day(time.Date(2026, 1, 6, 10, 0, 0, 0, time.UTC)) // Tuesday 18:00
		submit(c.benT, 2)
		e.Clock.Set(time.Date(2026, 1, 6, 13, 0, 0, 0, time.UTC)) // 21:00, after the due time
		submit(c.amyT, 5)

		var v report.StatsView
		e.Must(200, "GET", "/api/v1/report/stats?template_id="+c.daily.ID+"&periods=2", c.leadT, nil).JSON(t, &v)
		if len(v.Fields) != 1 || v.Fields[0].Key != "calls" || len(v.Periods) != 2 || v.Periods[0].Period != "2026-01-06" || v.Periods[1].Period != "2026-01-05" {
			t.Fatalf("stats %+v", v)
		}
		tue, mon := v.Periods[0], v.Periods[1]
		if len(tue.Departments) != 1 || tue.Departments[0].Name != "East" {
			t.Fatalf("departments %+v", tue.Departments)
		}
		if r := tue.Total; r.Expected != 2 || r.Submitted != 2 || r.OnTime != 1 || r.Late != 1 || r.SubmissionRate != 1 || r.OnTimeRate != 0.5 || r.Sums["calls"] != 7 {
			t.Fatalf("tuesday %+v", r)
		}
		if r := mon.Departments[0]; r.Expected != 2 || r.Submitted != 1 || r.SubmissionRate != 0.5 || r.Sums["calls"] != 3 {
			t.Fatalf("monday %+v", r)
		}
		// The vp leads the lead only; dan leads nobody.
		var vp report.StatsView
		e.Must(200, "GET", "/api/v1/report/stats?template_id="+c.daily.ID+"&periods=2", c.vpT, nil).JSON(t, &vp)
		if r := vp.Periods[0].Total; r.Expected != 1 || r.Sums["calls"] != 0 {
			t.Fatalf("vp's stats %+v", vp.Periods[0])
		}
		var dan report.StatsView
		e.Must(200, "GET", "/api/v1/report/stats?template_id="+c.daily.ID, c.danT, nil).JSON(t, &dan)
		if len(dan.Periods) != 0 {
			t.Fatalf("dan's stats %+v", dan)
		}
		e.Must(404, "GET", "/api/v1/report/stats?template_id=nope", c.leadT, nil)
	})
}
