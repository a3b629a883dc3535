package api_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"tack/backend/report"
)

// authzReports are alice's work reports in the sweep's world: a daily sent
// to her head (commented on by the head), a weekly draft, and an earlier
// monthly she sent to bob too, which makes bob a former recipient: that
// one he may read, the others not.
type authzReports struct {
	daily, draft, monthly report.Detail
	dailyTpl              string
	comment               string
	// customTpl is department A's template, made by its head in the form
	// designer; a file alice attached to her daily is shared with her head.
	customTpl, file string
	// otherAdmin is an administrator who heads nothing: unlike the first
	// admin, who heads the root department (the general manager, reading
	// everyone's reports), no role lets them read alice's.
	otherAdmin string
}

func (w *authzWorld) reportObjects(t *testing.T) {
	e := w.e
	var ts struct{ Items []report.Template }
	e.Must(http.StatusOK, "GET", "/api/v1/report/templates", w.aliceT, nil).JSON(t, &ts)
	tpl := map[string]string{}
	for _, tp := range ts.Items {
		tpl[tp.BuiltinKey] = tp.ID
	}
	w.reports.dailyTpl = tpl["daily"]
	var custom report.Template
	e.Must(http.StatusCreated, "POST", "/api/v1/report/templates", w.headT, map[string]any{"name_zh": "A 日报", "cycle": "daily", "due_time": "19:00",
		"departments": []string{w.deptA.ID}, "fields": []map[string]any{{"key": "done", "type": "textarea", "label_zh": "完成", "required": true},
			{"key": "files", "type": "attachment", "label_zh": "附件"}}}).JSON(t, &custom)
	w.reports.customTpl = custom.ID
	var file struct{ ID string }
	e.Must(http.StatusCreated, "POST", "/api/v1/approval/attachments?name=salaries.txt", w.aliceT, "salary table").JSON(t, &file)
	w.reports.file = file.ID
	send := func(tplID string, cc []string, form map[string]any) report.Detail {
		var d report.Detail
		e.Must(http.StatusOK, "POST", "/api/v1/reports", w.aliceT, map[string]any{"template_id": tplID}).JSON(t, &d)
		e.Must(http.StatusOK, "POST", "/api/v1/reports/"+d.ID+"/submit", w.aliceT, map[string]any{
			"form": form, "version": d.Version, "cc": cc}).JSON(t, &d)
		return d
	}
	w.reports.monthly = send(tpl["monthly"], []string{w.bob.ID}, map[string]any{"done": "salary review"})
	w.reports.daily = send(tpl["daily"], nil, map[string]any{"done": "salary review"})
	send(custom.ID, nil, map[string]any{"done": "salary sheet attached", "files": []string{file.ID}})
	_, w.reports.otherAdmin = e.NewUser(w.admin, w.deptB.ID, "admin")
	e.Must(http.StatusOK, "POST", "/api/v1/reports", w.aliceT, map[string]any{"template_id": tpl["weekly"]}).JSON(t, &w.reports.draft)
	e.Must(http.StatusOK, "PUT", "/api/v1/reports/"+w.reports.draft.ID, w.aliceT, map[string]any{
		"form": map[string]any{"done": "salary draft"}, "version": w.reports.draft.Version}).JSON(t, &w.reports.draft)
	var c report.Comment
	e.Must(http.StatusCreated, "POST", "/api/v1/reports/"+w.reports.daily.ID+"/comments", w.headT, map[string]any{"body": "ok"}).JSON(t, &c)
	w.reports.comment = c.ID
}

func reportSweepCases() []sweepCase {
	daily := func(w *authzWorld) string { return w.reports.daily.ID }
	draft := func(w *authzWorld) string { return w.reports.draft.ID }
	tpl := func(w *authzWorld) string { return w.reports.dailyTpl }
	custom := func(w *authzWorld) string { return w.reports.customTpl }
	tplBody := map[string]any{"name_zh": "bob's", "cycle": "none", "version": 1,
		"fields": []map[string]any{{"key": "x", "type": "text", "label_zh": "x"}}}
	return []sweepCase{
		{route: "PUT /api/v1/report/templates/{id}", path: p("/api/v1/report/templates/%", tpl), body: tplBody, want: refused},
		{route: "PUT /api/v1/report/templates/{id}", path: p("/api/v1/report/templates/%", custom), body: tplBody, want: hidden},
		{route: "DELETE /api/v1/report/templates/{id}", path: p("/api/v1/report/templates/%", tpl), want: refused},
		{route: "DELETE /api/v1/report/templates/{id}", path: p("/api/v1/report/templates/%", custom), want: hidden},
		{route: "GET /api/v1/report/templates/{id}", path: p("/api/v1/report/templates/%", custom), want: hidden},
		{route: "POST /api/v1/report/templates", path: p("/api/v1/report/templates"), body: tplBody, want: refused},
		{route: "GET /api/v1/report/templates/{id}", path: p("/api/v1/report/templates/%", tpl), want: 200,
			why: "the built-in daily is open to everyone: it is how bob writes his own"},
		{route: "GET /api/v1/reports/{id}", path: p("/api/v1/reports/%", daily), want: refused}, // submitted: "not yours to read"
		{route: "GET /api/v1/reports/{id}", path: p("/api/v1/reports/%", draft), want: hidden},
		{route: "PUT /api/v1/reports/{id}", path: p("/api/v1/reports/%", daily), body: map[string]any{"form": map[string]any{"done": "bob"}, "version": 2}, want: hidden},
		{route: "PUT /api/v1/reports/{id}", path: p("/api/v1/reports/%", draft), body: map[string]any{"form": map[string]any{"done": "bob"}, "version": 2}, want: hidden},
		{route: "DELETE /api/v1/reports/{id}", path: p("/api/v1/reports/%", draft), want: hidden},
		{route: "POST /api/v1/reports/{id}/submit", path: p("/api/v1/reports/%/submit", draft), body: map[string]any{"form": map[string]any{"done": "bob"}, "version": 2}, want: hidden},
		{route: "GET /api/v1/reports/{id}/revisions", path: p("/api/v1/reports/%/revisions", daily), want: refused}, // submitted: "not yours to read"
		{route: "GET /api/v1/reports/{id}/comments", path: p("/api/v1/reports/%/comments", daily), want: refused},   // submitted: "not yours to read"
		{route: "POST /api/v1/reports/{id}/comments", path: p("/api/v1/reports/%/comments", daily), body: map[string]any{"body": "bob"}, want: refused},
		{route: "POST /api/v1/reports/{id}/comments", path: p("/api/v1/reports/%/comments", draft), body: map[string]any{"body": "bob"}, want: hidden},
		{route: "PUT /api/v1/reports/{id}/like", path: p("/api/v1/reports/%/like", daily), want: refused},    // submitted: "not yours to read"
		{route: "DELETE /api/v1/reports/{id}/like", path: p("/api/v1/reports/%/like", daily), want: refused}, // submitted: "not yours to read"
	}
}

// reportSnapshot: alice's reports as she reads them.
func (w *authzWorld) reportSnapshot(reads map[string]string) {
	for _, id := range []string{w.reports.daily.ID, w.reports.draft.ID, w.reports.monthly.ID} {
		reads["/api/v1/reports/"+id] = w.aliceT
		reads["/api/v1/reports/"+id+"/comments"] = w.aliceT
		reads["/api/v1/reports/"+id+"/revisions"] = w.aliceT
	}
	reads["/api/v1/reports/sent"] = w.aliceT
	reads["/api/v1/report/templates/manage"] = w.headT
	reads["/api/v1/report/templates"] = w.aliceT
}

// checkBobsReportLists: bob, a former recipient of alice's monthly, sees
// that one and nothing else of hers; neither does the admin, who was sent
// none of them (no role grants admins other people's reports).
func (w *authzWorld) checkBobsReportLists(t *testing.T) {
	private := []string{w.reports.daily.ID, w.reports.draft.ID, w.reports.comment, "salary draft"}
	lists := []string{"/api/v1/reports/received", "/api/v1/reports/received?writer_id=" + w.alice.ID, "/api/v1/reports/sent",
		"/api/v1/report/week?user_id=" + w.alice.ID, "/api/v1/report/week?user_id=" + w.alice.ID + "&date=2026-01-05",
		"/api/v1/report/missing?template_id=" + w.reports.dailyTpl, "/api/v1/notifications",
		"/api/v1/reports/search?q=salary", "/api/v1/reports/search?q=salary&writer_id=" + w.alice.ID, "/api/v1/reports/search?q=review&template_id=" + w.reports.dailyTpl,
		"/api/v1/report/stats?template_id=" + w.reports.dailyTpl, "/api/v1/report/suggestion?template_id=" + w.reports.dailyTpl,
		"/api/v1/reports/team", "/api/v1/reports/team?writer_id=" + w.alice.ID, "/api/v1/report/templates/manage", "/api/v1/report/templates"}
	for _, tok := range []string{w.bobT, w.reports.otherAdmin} {
		private := private
		if tok == w.bobT { // an admin manages every template; bob sees none of department A's
			private = append(private, w.reports.customTpl)
		}
		for _, l := range lists {
			r := w.e.Do("GET", l, tok, nil)
			if r.Status != http.StatusOK {
				t.Errorf("list %s: %d %s", l, r.Status, r.Body)
				continue
			}
			for _, id := range private {
				if strings.Contains(string(r.Body), id) {
					t.Errorf("list %s shows the private %s: %s", l, id, r.Body)
				}
			}
		}
		// A submitted report is not theirs to read (403); a draft is nobody's
		// business but its writer's (404, as if it did not exist).
		for id, want := range map[string]int{w.reports.daily.ID: http.StatusForbidden, w.reports.draft.ID: http.StatusNotFound} {
			if r := w.e.Do("GET", "/api/v1/reports/"+id, tok, nil); r.Status != want {
				t.Errorf("GET report %s: %d, want %d", id, r.Status, want)
			}
		}
	}
	// The missing list's workbook names nobody bob or the admin does not lead.
	for _, tok := range []string{w.bobT, w.reports.otherAdmin} {
		r := w.e.Must(http.StatusOK, "GET", "/api/v1/report/missing/export?template_id="+w.reports.dailyTpl, tok, nil)
		x, err := excelize.OpenReader(bytes.NewReader(r.Body))
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := x.GetRows(x.GetSheetList()[0])
		x.Close()
		for _, row := range rows[1:] {
			if row[0] == w.alice.Name {
				t.Errorf("the missing list's workbook shows alice: %q", rows)
			}
		}
	}
	// What bob was sent he reads, and finds; the admin finds nothing.
	w.e.Must(http.StatusOK, "GET", "/api/v1/reports/"+w.reports.monthly.ID, w.bobT, nil)
	if r := w.e.Must(http.StatusOK, "GET", "/api/v1/reports/search?q=salary", w.bobT, nil); !strings.Contains(string(r.Body), w.reports.monthly.ID) {
		t.Errorf("bob does not find the monthly he was sent: %s", r.Body)
	}
	if r := w.e.Must(http.StatusOK, "GET", "/api/v1/reports/search?q=salary", w.reports.otherAdmin, nil); strings.Contains(string(r.Body), w.reports.monthly.ID) {
		t.Errorf("the admin finds alice's monthly: %s", r.Body)
	}
	// Alice's attachment reached her head only, read-only; the head of the
	// root department (the general manager) reads her reports, not her file.
	for tok, want := range map[string]int{w.headT: http.StatusOK, w.bobT: http.StatusNotFound, w.reports.otherAdmin: http.StatusNotFound} {
		if r := w.e.Do("GET", "/api/v1/drive/files/"+w.reports.file+"/content", tok, nil); r.Status != want {
			t.Errorf("alice's report attachment: %d, want %d", r.Status, want)
		}
	}
	w.e.Must(http.StatusOK, "GET", "/api/v1/reports/"+w.reports.daily.ID, w.admin, nil)
	if ev := w.eventReplay(t, w.bobT); strings.Contains(ev, w.reports.daily.ID) || strings.Contains(ev, w.reports.comment) {
		t.Errorf("bob's event stream shows alice's daily: %s", ev)
	}
}
