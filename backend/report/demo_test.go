package report_test

import (
	"context"
	"io"
	"testing"

	"tack/backend/org"
	"tack/backend/report"
	"tack/backend/server"
	"tack/backend/server/servertest"
)

// TestDemoReports: the demo company has two weeks of R&D dailies, their
// leads' weeklies, comments, late ones and missing ones; loading twice adds
// nothing.
func TestDemoReports(t *testing.T) {
	e := servertest.New(t)
	ctx := context.Background()
	if err := server.LoadDemo(ctx, e.Server, io.Discard); err != nil {
		t.Fatal(err)
	}
	var reports, late, comments int64
	e.Server.DB.Model(&report.Report{}).Count(&reports)
	e.Server.DB.Model(&report.Report{}).Where("late = ?", true).Count(&late)
	e.Server.DB.Model(&report.Comment{}).Count(&comments)
	if reports < 60 || late < 3 || comments < 5 {
		t.Fatalf("demo: %d reports, %d late, %d comments", reports, late, comments)
	}
	if err := e.Server.Report.LoadDemo(ctx, io.Discard); err != nil {
		t.Fatal(err)
	}
	var again int64
	e.Server.DB.Model(&report.Report{}).Count(&again)
	if again != reports {
		t.Fatalf("second load: %d reports, was %d", again, reports)
	}
	// 吴昊 leads the front end: on one of the demo days 孙浩 wrote nothing.
	token := e.Login("wuhao@demo.tack", org.DemoPassword)
	var ts struct{ Items []report.Template }
	e.Must(200, "GET", "/api/v1/report/templates", token, nil).JSON(t, &ts)
	var inbox struct{ Items []report.Detail }
	e.Must(200, "GET", "/api/v1/reports/received?limit=200", token, nil).JSON(t, &inbox)
	missing := 0
	seen := map[string]bool{}
	for _, r := range inbox.Items {
		seen[r.Period] = true
	}
	for period := range seen {
		var v report.MissingView
		e.Must(200, "GET", "/api/v1/report/missing?template_id="+ts.Items[0].ID+"&period="+period, token, nil).JSON(t, &v)
		missing += v.Counts[report.StateMissing]
	}
	if len(inbox.Items) < 15 || missing < 1 {
		t.Fatalf("吴昊: %d received, %d missing", len(inbox.Items), missing)
	}
}
