package report_test

import (
	"net/http"
	"strings"
	"testing"

	"tack/backend/approval"
	"tack/backend/event"
	"tack/backend/notify"
	"tack/backend/report"
	"tack/backend/server/servertest"
)

// salesDaily is a custom template as the form designer saves it: a number
// and an attachment among the approval designer's field types.
func salesDaily(deptID string, recipients ...string) map[string]any {
	return map[string]any{"name_zh": "销售日报", "name_en": "Sales daily", "cycle": "daily", "due_time": "18:00",
		"departments": []string{deptID}, "recipients": recipients,
		"fields": []map[string]any{
			{"key": "done", "type": "textarea", "label_zh": "今日完成", "required": true},
			{"key": "customers", "type": "number", "label_zh": "新增客户"},
			{"key": "files", "type": "attachment", "label_zh": "附件"},
		}}
}

// TestCustomTemplates: an admin makes a template in the form designer's
// schema with who may use it, cycle, due time and recipients; a head makes
// one for his own departments only; editing it makes a new version, and a
// report written on the old one keeps showing the old form.
func TestCustomTemplates(t *testing.T) {
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		c := setup(t, e)
		var amyDept struct {
			DepartmentID string `json:"department_id"`
		}
		e.Must(200, "GET", "/api/v1/users/"+c.amy.ID, c.admin, nil).JSON(t, &amyDept)
		east := amyDept.DepartmentID
		var tpl report.Template
		e.Must(201, "POST", "/api/v1/report/templates", c.admin, salesDaily(east, c.dan.ID)).JSON(t, &tpl)
		if tpl.Version != 1 || tpl.DueTime != "18:00" || len(tpl.Fields) != 3 || tpl.Fields[1].Type != approval.FieldNumber {
			t.Fatalf("created %+v", tpl)
		}
		// Who may use it: East writes it, R&D does not see it.
		e.Must(200, "GET", "/api/v1/report/templates/"+tpl.ID, c.amyT, nil)
		if r := e.Do("GET", "/api/v1/report/templates/"+tpl.ID, c.danT, nil); r.Status != http.StatusNotFound {
			t.Fatalf("dan sees East's template: %d", r.Status)
		}
		// Bad input is refused, field by field, and makes nothing.
		bad := salesDaily(east)
		bad["cycle"], bad["due_time"], bad["fields"] = "hourly", "25:00", []map[string]any{{"key": "1 bad", "type": "nope"}}
		r := e.Do("POST", "/api/v1/report/templates", c.admin, bad)
		if _, key, fields := r.ErrorCode(); r.Status != 400 || key != "report.invalid" || fields["cycle"] != "invalid" ||
			fields["fields.0.key"] != "invalid" || fields["fields.0.type"] != "invalid" {
			t.Fatalf("bad template: %d %s %v", r.Status, key, fields)
		}
		// A head makes one for his department; not for another; a member makes none.
		e.Must(201, "POST", "/api/v1/report/templates", c.leadT, salesDaily(east))
		var rd struct {
			DepartmentID string `json:"department_id"`
		}
		e.Must(200, "GET", "/api/v1/users/"+c.dan.ID, c.admin, nil).JSON(t, &rd)
		if r := e.Do("POST", "/api/v1/report/templates", c.leadT, salesDaily(rd.DepartmentID)); r.Status != 400 {
			t.Fatalf("lead makes R&D's template: %d", r.Status)
		}
		if r := e.Do("POST", "/api/v1/report/templates", c.amyT, salesDaily(east)); r.Status != http.StatusForbidden {
			t.Fatalf("amy makes a template: %d", r.Status)
		}
		if r := e.Do("PUT", "/api/v1/report/templates/"+tpl.ID, c.leadT, salesDaily(east)); r.Status != http.StatusForbidden {
			t.Fatalf("lead edits the admin's template: %d", r.Status)
		}
		var managed struct{ Items []report.Template }
		e.Must(200, "GET", "/api/v1/report/templates/manage", c.leadT, nil).JSON(t, &managed)
		if len(managed.Items) != 1 || managed.Items[0].CreatedBy != c.lead.ID {
			t.Fatalf("lead manages %+v", managed.Items)
		}
		e.Must(200, "GET", "/api/v1/report/templates/manage", c.amyT, nil).JSON(t, &managed)
		if len(managed.Items) != 0 {
			t.Fatalf("amy manages %+v", managed.Items)
		}

		// Amy writes one; the fixed recipient gets it besides her leader.
		var d report.Detail
		e.Must(200, "POST", "/api/v1/reports", c.amyT, map[string]any{"template_id": tpl.ID}).JSON(t, &d)
		e.Must(200, "POST", "/api/v1/reports/"+d.ID+"/submit", c.amyT, map[string]any{
			"form": map[string]any{"done": "拜访 3 家", "customers": 3}, "version": d.Version}).JSON(t, &d)
		if d.TemplateVersion != 1 || len(d.Recipients) != 2 {
			t.Fatalf("submitted %+v", d)
		}
		// The admin edits the form: a new version; amy's report keeps the old one.
		edit := salesDaily(east, c.dan.ID)
		edit["version"] = tpl.Version
		edit["fields"] = []map[string]any{{"key": "summary", "type": "textarea", "label_zh": "今日总结", "required": true}}
		e.Must(200, "PUT", "/api/v1/report/templates/"+tpl.ID, c.admin, edit).JSON(t, &tpl)
		if tpl.Version != 2 || tpl.Fields[0].Key != "summary" {
			t.Fatalf("edited %+v", tpl)
		}
		if r := e.Do("PUT", "/api/v1/report/templates/"+tpl.ID, c.admin, edit); r.Status != http.StatusConflict {
			t.Fatalf("stale edit: %d", r.Status)
		}
		for _, tok := range []string{c.amyT, c.leadT} {
			var got report.Detail
			e.Must(200, "GET", "/api/v1/reports/"+d.ID, tok, nil).JSON(t, &got)
			if len(got.Fields) != 3 || got.Fields[1].LabelZh != "新增客户" || got.Form["customers"] != float64(3) {
				t.Fatalf("the report changed with its template: %+v %v", got.Fields, got.Form)
			}
		}
		// A new report is written on the new form.
		var bd report.Detail
		e.Must(200, "POST", "/api/v1/reports", c.benT, map[string]any{"template_id": tpl.ID}).JSON(t, &bd)
		if bd.TemplateVersion != 2 || len(bd.Fields) != 1 || bd.Fields[0].Key != "summary" {
			t.Fatalf("new draft %+v", bd)
		}
		// Switched off, nobody writes it; its reports stay.
		e.Must(204, "DELETE", "/api/v1/report/templates/"+tpl.ID, c.admin, nil)
		if r := e.Do("POST", "/api/v1/reports", c.benT, map[string]any{"template_id": tpl.ID}); r.Status != http.StatusNotFound {
			t.Fatalf("writes a switched-off template: %d", r.Status)
		}
		e.Must(200, "GET", "/api/v1/reports/"+d.ID, c.leadT, nil)
	})
}

// TestAttachmentsAndMentions: a file attached from the writer's drive is
// shared read-only with the recipients when the report is sent; one the
// writer may not share stops the submit; a mentioned person is told and
// may read the report.
func TestAttachmentsAndMentions(t *testing.T) {
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		c := setup(t, e)
		var amyDept struct {
			DepartmentID string `json:"department_id"`
		}
		e.Must(200, "GET", "/api/v1/users/"+c.amy.ID, c.admin, nil).JSON(t, &amyDept)
		var tpl report.Template
		e.Must(201, "POST", "/api/v1/report/templates", c.admin, salesDaily(amyDept.DepartmentID)).JSON(t, &tpl)
		var mine, bens struct{ ID string }
		e.Must(201, "POST", "/api/v1/approval/attachments?name=visits.txt", c.amyT, "客户拜访记录").JSON(t, &mine)
		e.Must(201, "POST", "/api/v1/approval/attachments?name=salary.txt", c.benT, "ben's salary").JSON(t, &bens)
		content := func(id, tok string) int { return e.Do("GET", "/api/v1/drive/files/"+id+"/content", tok, nil).Status }
		if content(mine.ID, c.leadT) == 200 {
			t.Fatal("the leader reads amy's file before she sends it")
		}
		var d report.Detail
		e.Must(200, "POST", "/api/v1/reports", c.amyT, map[string]any{"template_id": tpl.ID}).JSON(t, &d)
		// Ben's file is not amy's to share: refused, nothing sent, nothing shared.
		r := e.Do("POST", "/api/v1/reports/"+d.ID+"/submit", c.amyT, map[string]any{
			"form": map[string]any{"done": "拜访", "files": []string{bens.ID}}, "version": d.Version, "mentions": []string{c.dan.ID}})
		if _, key, fields := r.ErrorCode(); r.Status != 400 || key != "report.invalid" || fields["form.files"] != "not_shared" {
			t.Fatalf("another's file: %d %s %v", r.Status, key, fields)
		}
		if content(bens.ID, c.leadT) == 200 || content(bens.ID, c.danT) == 200 {
			t.Fatal("ben's file was shared")
		}
		if r := e.Do("GET", "/api/v1/reports/"+d.ID, c.leadT, nil); r.Status != http.StatusNotFound {
			t.Fatalf("the refused report was sent: %d", r.Status)
		}
		// Unknown people cannot be mentioned.
		r = e.Do("POST", "/api/v1/reports/"+d.ID+"/submit", c.amyT, map[string]any{
			"form": map[string]any{"done": "拜访"}, "version": d.Version, "mentions": []string{"nobody"}})
		if _, _, fields := r.ErrorCode(); r.Status != 400 || fields["mentions"] != "not_found" {
			t.Fatalf("unknown mention: %d %v", r.Status, fields)
		}
		e.Must(200, "POST", "/api/v1/reports/"+d.ID+"/submit", c.amyT, map[string]any{
			"form": map[string]any{"done": "拜访 @" + c.dan.Name, "files": []string{mine.ID}}, "version": d.Version, "mentions": []string{c.dan.ID}}).JSON(t, &d)
		if files, _ := d.Form["files"].([]any); len(files) != 1 || files[0].(map[string]any)["name"] != "visits.txt" {
			t.Fatalf("the report does not name its file: %v", d.Form["files"])
		}
		for _, tok := range []string{c.leadT, c.danT} {
			if s := content(mine.ID, tok); s != 200 {
				t.Fatalf("a recipient cannot read the attachment: %d", s)
			}
			e.Must(200, "GET", "/api/v1/reports/"+d.ID, tok, nil)
		}
		// Read-only: a recipient cannot change the file.
		if r := e.Do("POST", "/api/v1/drive/files?base_version=1&entry_id="+mine.ID, c.leadT, "changed"); r.Status < 400 {
			t.Fatalf("the leader changed amy's file: %d", r.Status)
		}
		if content(mine.ID, c.benT) == 200 {
			t.Fatal("ben, no recipient, reads amy's attachment")
		}
		var evs []notify.Event
		e.Server.DB.Where("subject_id = ?", d.ID).Order("id").Find(&evs)
		var got []string
		for _, ev := range evs {
			got = append(got, ev.Type+">"+strings.Join(ev.Recipients, ","))
		}
		want := []string{event.ReportSubmitted + ">" + c.lead.ID, event.ReportMentioned + ">" + c.dan.ID}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Fatalf("events %v, want %v", got, want)
		}
	})
}

// TestHeadsAboveReadSubtree: the head above the leader (vp heads Sales, the
// top of amy's chain) reads amy's report and lists it, without being a
// recipient or marking it read; another department's people do not.
func TestHeadsAboveReadSubtree(t *testing.T) {
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		c := setup(t, e)
		d := write(t, e, c.amyT, c.daily.ID, "周会纪要整理")
		var got report.Detail
		e.Must(200, "GET", "/api/v1/reports/"+d.ID, c.vpT, nil).JSON(t, &got)
		for _, rc := range got.Recipients {
			if rc.UserID == c.vp.ID {
				t.Fatalf("the vp became a recipient: %+v", got.Recipients)
			}
		}
		var team struct{ Items []report.Detail }
		e.Must(200, "GET", "/api/v1/reports/team", c.vpT, nil).JSON(t, &team)
		if len(team.Items) != 1 || team.Items[0].ID != d.ID {
			t.Fatalf("vp's team %+v", team.Items)
		}
		e.Must(200, "GET", "/api/v1/reports/team?writer_id="+c.ben.ID, c.vpT, nil).JSON(t, &team)
		if len(team.Items) != 0 {
			t.Fatalf("vp's team by ben %+v", team.Items)
		}
		var found struct{ Items []report.Detail }
		e.Must(200, "GET", "/api/v1/reports/search?q=会纪", c.vpT, nil).JSON(t, &found)
		if len(found.Items) != 1 {
			t.Fatalf("vp's search %+v", found.Items)
		}
		for _, tok := range []string{c.danT, c.benT} {
			if r := e.Do("GET", "/api/v1/reports/"+d.ID, tok, nil); r.Status != http.StatusForbidden {
				t.Fatalf("GET by a non-head: %d", r.Status)
			}
			e.Must(200, "GET", "/api/v1/reports/team", tok, nil).JSON(t, &team)
			e.Must(200, "GET", "/api/v1/reports/search?q=会纪", tok, nil).JSON(t, &found)
			if len(team.Items) != 0 || len(found.Items) != 0 {
				t.Fatalf("a non-head lists amy's report: %+v %+v", team.Items, found.Items)
			}
		}
		e.Must(200, "GET", "/api/v1/reports/"+d.ID, c.amyT, nil).JSON(t, &got)
		for _, rc := range got.Recipients {
			if rc.ReadAt != nil {
				t.Fatalf("the vp's read shows as the leader's: %+v", got.Recipients)
			}
		}
		// The general manager heads the root department: everyone's reports,
		// R&D's too; the admin, heading nothing, none.
		dd := write(t, e, c.danT, c.daily.ID, "接口联调")
		if r := e.Do("GET", "/api/v1/reports/"+dd.ID, c.admin, nil); r.Status != http.StatusForbidden {
			t.Fatalf("the admin reads dan's report: %d", r.Status)
		}
		gm, gmT := e.NewUser(c.admin, "")
		root := e.RootDepartment(c.admin)
		e.Must(200, "PATCH", "/api/v1/departments/"+root.ID, c.admin, map[string]any{"head_id": gm.ID, "version": root.Version})
		for _, id := range []string{d.ID, dd.ID} {
			e.Must(200, "GET", "/api/v1/reports/"+id, gmT, nil)
		}
		e.Must(200, "GET", "/api/v1/reports/team", gmT, nil).JSON(t, &team)
		if len(team.Items) != 2 {
			t.Fatalf("the general manager's team %+v", team.Items)
		}
	})
}
