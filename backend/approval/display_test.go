package approval_test

import (
	"slices"
	"strings"
	"testing"

	"tack/backend/approval"
	"tack/backend/notify"
	"tack/backend/org"
	"tack/backend/server/servertest"
)

func TestDisplayValue(t *testing.T) {
	sel := approval.Field{Key: "k", Type: approval.FieldSelect, Options: []approval.Option{{Value: "annual", LabelZh: "年假", LabelEn: "Annual leave"}}}
	multi := approval.Field{Key: "m", Type: approval.FieldMultiSelect, Options: []approval.Option{{Value: "a", LabelZh: "甲", LabelEn: "A"}, {Value: "b", LabelZh: "乙"}}}
	names := approval.Names{Users: map[string]string{"u1": "李娜"}, Departments: map[string]string{"d1": "销售部"}}
	table := approval.Field{Key: "items", Type: approval.FieldTable, Columns: []approval.Field{
		{Key: "what", Type: approval.FieldText, LabelZh: "说明", LabelEn: "What"}, {Key: "amt", Type: approval.FieldMoney, LabelZh: "金额", LabelEn: "Amount"}}}
	cases := []struct {
		name string
		f    approval.Field
		v    any
		lang string
		want string
	}{
		{"select zh", sel, "annual", approval.LangZh, "年假"},
		{"select en", sel, "annual", approval.LangEn, "Annual leave"},
		{"select removed option", sel, "gone", approval.LangZh, "gone"},
		{"multiselect zh", multi, []any{"a", "b"}, approval.LangZh, "甲、乙"},
		{"multiselect en falls back to zh", multi, []any{"a", "b"}, approval.LangEn, "A, 乙"},
		{"money", approval.Field{Type: approval.FieldMoney}, map[string]any{"amount": 128000.0, "currency": "CNY"}, approval.LangZh, "¥1,280.00"},
		{"money other currency", approval.Field{Type: approval.FieldMoney}, map[string]any{"amount": int64(1234567), "currency": "USD"}, approval.LangEn, "USD 12,345.67"},
		{"number", approval.Field{Type: approval.FieldNumber}, 2.5, approval.LangZh, "2.5"},
		{"daterange zh", approval.Field{Type: approval.FieldDateRange}, map[string]any{"start": "2026-12-07", "end": "2026-12-11", "start_half": "pm", "end_half": "pm", "days": 4.5}, approval.LangZh, "2026-12-07 下午 – 2026-12-11 下午（4.5天）"},
		{"daterange en", approval.Field{Type: approval.FieldDateRange}, map[string]any{"start": "2026-12-07", "end": "2026-12-07", "days": 1.0}, approval.LangEn, "2026-12-07 – 2026-12-07 (1 day)"},
		{"person", approval.Field{Type: approval.FieldPerson}, "u1", approval.LangEn, "李娜"},
		{"department", approval.Field{Type: approval.FieldDepartment}, "d1", approval.LangZh, "销售部"},
		{"attachments archived", approval.Field{Type: approval.FieldAttachment}, []any{map[string]any{"id": "e1", "name": "发票.pdf"}, map[string]any{"id": "e2", "name": "行程.png"}}, approval.LangZh, "发票.pdf、行程.png"},
		{"table", table, []any{map[string]any{"what": "高铁票", "amt": map[string]any{"amount": 55300.0}}}, approval.LangZh, "1. 说明：高铁票，金额：¥553.00"},
		{"empty", sel, "", approval.LangZh, ""},
	}
	for _, c := range cases {
		if got := approval.DisplayValue(c.f, c.v, c.lang, names); got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
}

// The leave title used to read "李娜的请假 · annual · 5天": the raw option
// value instead of its label, and Chinese only.
func TestLeaveTitleUsesLabels(t *testing.T) {
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		c := setupCompany(t, e)
		var inst approval.Instance
		e.Must(201, "POST", "/api/v1/approvals", c.empT, map[string]any{"template_id": c.leaveID, "form": leaveForm("2026-01-12", "2026-01-16")}).JSON(t, &inst)
		wantZh := c.emp.Name + "的请假 · 年假 · 5天"
		wantEn := c.emp.Name + "'s Leave · Annual leave · 5 days"
		if inst.Title != wantZh || inst.TitleEn != wantEn {
			t.Fatalf("titles %q / %q, want %q / %q", inst.Title, inst.TitleEn, wantZh, wantEn)
		}
		var todo struct{ Items []approval.ListItem }
		e.Must(200, "GET", "/api/v1/approvals?box=todo", c.headT, nil).JSON(t, &todo)
		if len(todo.Items) != 1 || todo.Items[0].Title != wantZh || todo.Items[0].TitleEn != wantEn {
			t.Fatalf("inbox row %+v", todo.Items)
		}
		// Search finds it by the label in either language.
		for _, q := range []string{"年假", "annual%20leave"} {
			e.Must(200, "GET", "/api/v1/approvals?box=todo&q="+q, c.headT, nil).JSON(t, &todo)
			if len(todo.Items) != 1 {
				t.Fatalf("search %q: %d", q, len(todo.Items))
			}
		}
		// The notification event carries both titles.
		var ev notify.Event
		if err := e.Server.DB.Where("type = ? AND subject_id = ?", "approval.task_assigned", inst.ID).First(&ev).Error; err != nil {
			t.Fatal(err)
		}
		if ev.Data["title"] != wantZh || ev.Data["title_en"] != wantEn {
			t.Fatalf("event data %v", ev.Data)
		}
		if _, err := e.Server.Notify.NewDispatcher().RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
		var ns []notify.Notification
		e.Server.DB.Where("subject_id = ? AND user_id = ?", inst.ID, c.head.ID).Find(&ns)
		if len(ns) == 0 {
			t.Fatal("the head got no notification")
		}
		for _, n := range ns {
			if strings.Contains(n.Title, "annual") || strings.Contains(n.Body, "annual") {
				t.Fatalf("notification shows the raw value: %+v", n)
			}
		}

		// Instances stored with the old titles are rebuilt by the migration.
		if err := e.Server.DB.Model(&approval.Instance{}).Where("id = ?", inst.ID).
			Updates(map[string]any{"title": c.emp.Name + "的请假 · annual · 5天", "title_en": ""}).Error; err != nil {
			t.Fatal(err)
		}
		if err := approval.Retitle(e.Server.DB); err != nil {
			t.Fatal(err)
		}
		var again approval.Instance
		e.Server.DB.First(&again, "id = ?", inst.ID)
		if again.Title != wantZh || again.TitleEn != wantEn || again.TemplateNameEn != "Leave" {
			t.Fatalf("after retitle %q / %q / %q", again.Title, again.TitleEn, again.TemplateNameEn)
		}
	})
}

// Person and department fields must name real people and departments.
func TestFormReferencesChecked(t *testing.T) {
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		c := setupCompany(t, e)
		tpl := mkTemplate(t, e, c, []approval.Node{node("m", approval.NodeApprover, approval.ApproverSpec{Kind: approval.ApproverManager}, "")}, func(in *approval.TemplateInput) {
			in.Fields = []approval.Field{
				{Key: "who", Type: approval.FieldPerson, LabelZh: "交接人", Required: true, Title: true},
				{Key: "dept", Type: approval.FieldDepartment, LabelZh: "部门", Required: true, Title: true},
			}
		})
		r := e.Do("POST", "/api/v1/approvals", c.empT, map[string]any{"template_id": tpl, "form": map[string]any{"who": "nobody", "dept": "nowhere"}})
		_, key, fields := r.ErrorCode()
		if r.Status != 400 || key != "approval.invalid_form" || fields["form.who"] != "not_found" || fields["form.dept"] != "not_found" {
			t.Fatalf("bad references: %d %s", r.Status, r.Body)
		}
		var inst approval.Instance
		e.Must(201, "POST", "/api/v1/approvals", c.empT, map[string]any{"template_id": tpl, "form": map[string]any{"who": c.other.ID, "dept": c.dept.ID}}).JSON(t, &inst)
		if want := c.emp.Name + "的测试 · " + c.other.Name + " · Sales"; inst.Title != want {
			t.Fatalf("title %q, want %q", inst.Title, want)
		}
		// The detail names them, so the page never shows an ID.
		var d approval.Detail
		e.Must(200, "GET", "/api/v1/approvals/"+inst.ID, c.empT, nil).JSON(t, &d)
		if d.Users[c.other.ID].Name != c.other.Name || d.Departments[c.dept.ID] != "Sales" || d.DepartmentName != "Sales" {
			t.Fatalf("detail names %+v %+v %q", d.Users, d.Departments, d.DepartmentName)
		}
	})
}

// Leave counts working days: Friday to Monday is 2 days, so it stays with
// the department head; installed leave templates are upgraded by migration.
func TestLeaveCountsWorkingDays(t *testing.T) {
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		c := setupCompany(t, e)
		var inst approval.Instance
		e.Must(201, "POST", "/api/v1/approvals", c.empT, map[string]any{"template_id": c.leaveID, "form": leaveForm("2026-01-09", "2026-01-12")}).JSON(t, &inst)
		if p := pendingOf(t, e, inst.ID); !same(p, []string{c.head.ID}) || len(inst.Route) != 2 {
			t.Fatalf("Fri–Mon leave routed to %v (%d nodes)", p, len(inst.Route))
		}
		if d := inst.Form["period"].(map[string]any)["days"]; d != 2.0 {
			t.Fatalf("days %v", d)
		}
		// The preview shows the computed days and, before the period is filled, that the route depends on it.
		var pv approval.Preview
		e.Must(200, "POST", "/api/v1/approval/templates/"+c.leaveID+"/preview", c.empT, map[string]any{"form": map[string]any{}}).JSON(t, &pv)
		if len(pv.Undecided) != 1 || pv.Undecided[0] != "period" {
			t.Fatalf("undecided %v", pv.Undecided)
		}
		e.Must(200, "POST", "/api/v1/approval/templates/"+c.leaveID+"/preview", c.empT, map[string]any{"form": leaveForm("2026-01-09", "2026-01-16")}).JSON(t, &pv)
		if len(pv.Undecided) != 0 || pv.Form["period"].(map[string]any)["days"] != 6.0 {
			t.Fatalf("preview %+v", pv)
		}

		// An installation from before: the leave template's period counted calendar days.
		admin := actor(t, e, adminID(t, e, c))
		tp, _ := e.Server.Approval.Template(ctx, admin, c.leaveID)
		fields := slices.Clone(tp.Fields)
		for i := range fields {
			fields[i].DayCount = ""
		}
		old, err := e.Server.Approval.UpdateTemplate(ctx, admin, c.leaveID, approval.TemplateInput{Fields: fields, Version: tp.Version})
		if err != nil {
			t.Fatal(err)
		}
		running := submit(t, e, c.emp, c.leaveID, leaveForm("2026-01-09", "2026-01-12"), nil)
		if d := running.Form["period"].(map[string]any)["days"]; d != 4.0 {
			t.Fatalf("calendar days %v", d)
		}
		for i := 0; i < 2; i++ { // idempotent
			if err := approval.LeaveWorkingDays(e.Server.DB); err != nil {
				t.Fatal(err)
			}
		}
		up, _ := e.Server.Approval.Template(ctx, admin, c.leaveID)
		if up.CurrentVersion != old.CurrentVersion+1 || up.Fields[1].DayCount != approval.DaysWorking {
			t.Fatalf("upgraded template v%d %+v", up.CurrentVersion, up.Fields[1])
		}
		d, _ := e.Server.Approval.Get(ctx, org.System, running.ID)
		if d.Fields[1].DayCount != "" {
			t.Fatal("the running instance lost its version")
		}
	})
}
