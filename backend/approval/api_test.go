package approval_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"tack/backend/approval"
	"tack/backend/org"
	"tack/backend/server/servertest"
)

type company struct {
	admin                 string
	emp, head, gm, hr     org.User
	empT, headT, gmT, hrT string
	other                 org.User
	otherT                string
	dept                  org.Department
	leaveID               string
}

func setupCompany(t *testing.T, e *servertest.Env) company {
	var c company
	c.admin, _ = e.Setup()
	c.gm, c.gmT = e.NewUser(c.admin, "", org.RoleGeneralManager)
	c.hr, c.hrT = e.NewUser(c.admin, "", org.RoleHR)
	c.head, c.headT = e.NewUser(c.admin, "")
	c.dept = e.NewDepartment(c.admin, "Sales", "", &c.head.ID)
	var err error
	a, _ := e.Server.Org.ActorFor(context.Background(), c.head.ID)
	_ = a
	admin, _ := e.Server.Org.UsersWithRole(context.Background(), org.RoleAdmin)
	adminActor, _ := e.Server.Org.ActorFor(context.Background(), admin[0].ID)
	if c.head, err = e.Server.Org.UpdateUser(context.Background(), adminActor, c.head.ID, org.UpdateUserRequest{DepartmentID: &c.dept.ID, Version: c.head.Version}); err != nil {
		t.Fatal(err)
	}
	other := e.NewDepartment(c.admin, "R&D", "", nil)
	c.emp, c.empT = e.NewUser(c.admin, c.dept.ID)
	c.other, c.otherT = e.NewUser(c.admin, other.ID)
	var page struct{ Items []approval.Template }
	e.Must(http.StatusOK, "GET", "/api/v1/approval/templates", c.empT, nil).JSON(t, &page)
	if len(page.Items) < 11 {
		t.Fatalf("want 11 built-in templates, got %d", len(page.Items))
	}
	for _, tp := range page.Items {
		if tp.BuiltinKey == "leave" {
			c.leaveID = tp.ID
		}
	}
	return c
}

func leaveForm(start, end string) map[string]any {
	return map[string]any{"leave_type": "annual", "period": map[string]any{"start": start, "end": end}, "reason": "family"}
}

func TestAPILeaveFlow(t *testing.T) {
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		c := setupCompany(t, e)

		// Bad form: 400 with field errors, nothing written.
		r := e.Do("POST", "/api/v1/approvals", c.empT, map[string]any{"template_id": c.leaveID, "form": map[string]any{"leave_type": "nope"}})
		code, key, fields := r.ErrorCode()
		if r.Status != 400 || code != "invalid" || key != "approval.invalid_form" || fields["form.leave_type"] != "invalid" || fields["form.period"] != "required" {
			t.Fatalf("bad form: %d %s", r.Status, r.Body)
		}

		// Preview: 5 days → head, GM, CC HR.
		var pv approval.Preview
		e.Must(200, "POST", "/api/v1/approval/templates/"+c.leaveID+"/preview", c.empT, map[string]any{"form": leaveForm("2026-01-12", "2026-01-16")}).JSON(t, &pv)
		var active []string
		for _, n := range pv.Nodes {
			if !n.Skipped {
				active = append(active, n.Type+":"+strings.Join(n.Approvers, ","))
			}
		}
		want := []string{"approver:" + c.head.ID, "approver:" + c.gm.ID, "cc:" + c.hr.ID}
		if strings.Join(active, "|") != strings.Join(want, "|") {
			t.Fatalf("route %v, want %v", active, want)
		}

		var inst approval.Instance
		e.Must(201, "POST", "/api/v1/approvals", c.empT, map[string]any{"template_id": c.leaveID, "form": leaveForm("2026-01-12", "2026-01-16")}).JSON(t, &inst)
		if !strings.HasPrefix(inst.Number, "QJ-2026-000001") {
			t.Fatalf("number %q", inst.Number)
		}
		// Another department cannot see it; the head sees it in todo.
		if r := e.Do("GET", "/api/v1/approvals/"+inst.ID, c.otherT, nil); r.Status != 404 {
			t.Fatalf("other dept sees it: %d", r.Status)
		}
		var todo struct{ Items []approval.ListItem }
		e.Must(200, "GET", "/api/v1/approvals?box=todo", c.headT, nil).JSON(t, &todo)
		if len(todo.Items) != 1 {
			t.Fatalf("head todo %d", len(todo.Items))
		}
		// GM cannot approve yet.
		if r := e.Do("POST", "/api/v1/approvals/"+inst.ID+"/approve", c.gmT, map[string]any{}); r.Status != 409 {
			t.Fatalf("gm early approve: %d %s", r.Status, r.Body)
		}
		e.Must(200, "POST", "/api/v1/approvals/"+inst.ID+"/approve", c.headT, map[string]any{"comment": "ok"})
		var d approval.Detail
		e.Must(200, "GET", "/api/v1/approvals/"+inst.ID, c.gmT, nil).JSON(t, &d)
		if !d.Permissions.CanApprove || d.Permissions.CanWithdraw {
			t.Fatalf("gm permissions %+v", d.Permissions)
		}
		e.Must(200, "POST", "/api/v1/approvals/"+inst.ID+"/approve", c.gmT, nil).JSON(t, &inst)
		if inst.Status != approval.StatusApproved || !inst.Archived {
			t.Fatalf("status %s", inst.Status)
		}
		// HR sees the CC.
		var ccBox struct{ Items []approval.ListItem }
		e.Must(200, "GET", "/api/v1/approvals?box=cc", c.hrT, nil).JSON(t, &ccBox)
		if len(ccBox.Items) != 1 || ccBox.Items[0].ID != inst.ID {
			t.Fatalf("hr cc box %+v", ccBox.Items)
		}
		// Finished: immutable.
		if r := e.Do("POST", "/api/v1/approvals/"+inst.ID+"/comment", c.empT, map[string]any{"comment": "thanks"}); r.Status != 409 {
			t.Fatalf("comment on finished: %d", r.Status)
		}
		// Stats and exports.
		var st approval.Stats
		e.Must(200, "GET", "/api/v1/approval/stats", c.admin, nil).JSON(t, &st)
		if st.Total != 1 || len(st.ByApprover) != 2 {
			t.Fatalf("stats %+v", st)
		}
		csvR := e.Must(200, "GET", "/api/v1/approvals/export?format=csv", c.admin, nil)
		if !bytes.HasPrefix(csvR.Body, []byte("\xEF\xBB\xBF")) {
			t.Fatal("csv without BOM")
		}
		rows, err := csv.NewReader(bytes.NewReader(csvR.Body[3:])).ReadAll()
		if err != nil || len(rows) != 2 || rows[1][0] != inst.Number {
			t.Fatalf("csv %v %v", rows, err)
		}
		xr := e.Must(200, "GET", "/api/v1/approvals/export?format=xlsx", c.admin, nil)
		x, err := excelize.OpenReader(bytes.NewReader(xr.Body))
		if err != nil {
			t.Fatal(err)
		}
		xrows, _ := x.GetRows("审批")
		if len(xrows) != 2 || xrows[1][0] != inst.Number || !strings.Contains(xrows[1][2], "请假") {
			t.Fatalf("xlsx %v", xrows)
		}
		// A member cannot export the archive.
		if r := e.Do("GET", "/api/v1/approvals/export?format=csv&box=all", c.otherT, nil); r.Status != 403 {
			t.Fatalf("member export: %d", r.Status)
		}
	})
}

func TestAPIShortLeaveAndWithdraw(t *testing.T) {
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		c := setupCompany(t, e)
		var inst approval.Instance
		e.Must(201, "POST", "/api/v1/approvals", c.empT, map[string]any{"template_id": c.leaveID, "form": leaveForm("2026-01-12", "2026-01-13")}).JSON(t, &inst)
		var d approval.Detail
		e.Must(200, "GET", "/api/v1/approvals/"+inst.ID, c.headT, nil).JSON(t, &d)
		approvers := 0
		for _, n := range d.Route {
			if n.Type == approval.NodeApprover && !n.Skipped {
				approvers++
			}
		}
		if approvers != 1 {
			t.Fatalf("2-day leave has %d approver nodes", approvers)
		}
		e.Must(200, "POST", "/api/v1/approvals/"+inst.ID+"/remind", c.empT, nil)
		if r := e.Do("POST", "/api/v1/approvals/"+inst.ID+"/remind", c.empT, nil); r.Status != 429 {
			t.Fatalf("second remind %d", r.Status)
		}
		if r := e.Do("POST", "/api/v1/approvals/"+inst.ID+"/withdraw", c.headT, nil); r.Status != 403 {
			t.Fatalf("head withdraw %d", r.Status)
		}
		e.Must(200, "POST", "/api/v1/approvals/"+inst.ID+"/withdraw", c.empT, nil).JSON(t, &inst)
		if inst.Status != approval.StatusWithdrawn {
			t.Fatal(inst.Status)
		}
		if r := e.Do("POST", "/api/v1/approvals/"+inst.ID+"/approve", c.headT, nil); r.Status != 409 {
			t.Fatalf("approve withdrawn %d", r.Status)
		}
	})
}
