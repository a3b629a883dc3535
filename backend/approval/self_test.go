package approval_test

import (
	"net/http"
	"testing"
	"time"

	"gorm.io/gorm"

	"tack/backend/approval"
	"tack/backend/org"
	"tack/backend/server/servertest"
	"tack/backend/store"
	"tack/backend/store/storetest"
)

// reportsTo makes manager the manager of u.
func reportsTo(t *testing.T, e *servertest.Env, c company, u org.User, manager string) {
	t.Helper()
	cur, err := e.Server.Org.User(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Server.Org.UpdateUser(ctx, actor(t, e, adminID(t, e, c)), u.ID,
		org.UpdateUserRequest{ManagerID: org.SetID(manager), Version: cur.Version}); err != nil {
		t.Fatal(err)
	}
}

// A department head's own short leave: the head step would land on the
// applicant, so it goes up to their leader (here the general manager), who
// approves it; it is never approved by nobody (issue 12, item 22).
func TestHeadsOwnLeaveGoesToTheirLeader(t *testing.T) {
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		c := setupCompany(t, e)
		reportsTo(t, e, c, c.head, c.gm.ID)
		form := leaveForm("2026-01-12", "2026-01-13")

		var pv approval.Preview
		e.Must(200, "POST", "/api/v1/approval/templates/"+c.leaveID+"/preview", c.headT, map[string]any{"form": form}).JSON(t, &pv)
		if n := pv.Nodes[0]; n.Skipped || n.Self != approval.SelfUp || !same(n.Approvers, []string{c.gm.ID}) {
			t.Fatalf("preview of the head's own leave: %+v, want the step up to the GM", n)
		}
		if pv.Users[c.gm.ID].Name == "" {
			t.Fatalf("preview does not name the GM: %+v", pv.Users)
		}

		var inst approval.Instance
		e.Must(201, "POST", "/api/v1/approvals", c.headT, map[string]any{"template_id": c.leaveID, "form": form}).JSON(t, &inst)
		if inst.Status != approval.StatusPending {
			t.Fatalf("the head's own leave is %s at once, want pending", inst.Status)
		}
		if p := pendingOf(t, e, inst.ID); !same(p, []string{c.gm.ID}) {
			t.Fatalf("pending %v, want the GM", p)
		}
		e.Must(200, "POST", "/api/v1/approvals/"+inst.ID+"/approve", c.gmT, map[string]any{}).JSON(t, &inst)
		if inst.Status != approval.StatusApproved {
			t.Fatalf("after the GM approved: %s", inst.Status)
		}
		d, err := e.Server.Approval.Get(ctx, org.System, inst.ID)
		if err != nil {
			t.Fatal(err)
		}
		passedOn := false
		for _, tl := range d.Timeline {
			if tl.Action == "auto_approved" {
				t.Fatalf("a step was approved automatically: %+v", tl)
			}
			if tl.Action == "self_escalated" {
				to, _ := tl.Data["to"].([]any)
				passedOn = len(to) == 1 && to[0] == c.gm.ID
			}
		}
		if !passedOn {
			t.Fatalf("the timeline does not say the step went to the GM: %+v", d.Timeline)
		}

		// Without a manager the leader is the head of the department above
		// (the admin heads the root in this company).
		reportsTo(t, e, c, c.head, "")
		e.Must(200, "POST", "/api/v1/approval/templates/"+c.leaveID+"/preview", c.headT, map[string]any{"form": form}).JSON(t, &pv)
		if n := pv.Nodes[0]; n.Self != approval.SelfUp || !same(n.Approvers, []string{adminID(t, e, c)}) {
			t.Fatalf("no manager: %+v, want the root's head", n)
		}
	})
}

// The rule is a per-template setting: auto-approve, a named fallback
// approver, or up; bad settings are refused with a field error and change nothing.
func TestSelfApprovalRules(t *testing.T) {
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		c := setupCompany(t, e)
		tpl := mkTemplate(t, e, c, []approval.Node{node("a", approval.NodeApprover, approval.ApproverSpec{Kind: approval.ApproverDeptHead}, "")}, nil)
		var tp approval.Template
		e.Must(200, "GET", "/api/v1/approval/templates/"+tpl, c.admin, nil).JSON(t, &tp)
		if tp.SelfApproval != approval.SelfUp {
			t.Fatalf("a new template's rule is %q, want up", tp.SelfApproval)
		}
		patch := func(body map[string]any) servertest.Response {
			e.Must(200, "GET", "/api/v1/approval/templates/"+tpl, c.admin, nil).JSON(t, &tp)
			body["version"] = tp.Version
			return e.Do("PATCH", "/api/v1/approval/templates/"+tpl, c.admin, body)
		}
		for _, bad := range []struct {
			body  map[string]any
			field string
			want  string
		}{
			{map[string]any{"self_approval": "nobody"}, "self_approval", "invalid"},
			{map[string]any{"self_approval": "user"}, "self_approval_user", "required"},
			{map[string]any{"self_approval": "user", "self_approval_user": "no-such-user"}, "self_approval_user", "not_found"},
		} {
			r := patch(bad.body)
			_, key, fields := r.ErrorCode()
			if r.Status != http.StatusBadRequest || key != "approval.invalid_template" || fields[bad.field] != bad.want {
				t.Fatalf("%v: %d %s", bad.body, r.Status, r.Body)
			}
		}
		e.Must(200, "GET", "/api/v1/approval/templates/"+tpl, c.admin, nil).JSON(t, &tp)
		if tp.SelfApproval != approval.SelfUp {
			t.Fatalf("a refused setting changed the rule to %q", tp.SelfApproval)
		}

		// A named fallback approver.
		e.Must(200, "PATCH", "/api/v1/approval/templates/"+tpl, c.admin, map[string]any{"self_approval": "user", "self_approval_user": c.hr.ID, "version": tp.Version})
		inst := submit(t, e, c.head, tpl, nil, nil)
		if n := inst.Route[0]; n.Self != approval.SelfUser || !same(pendingOf(t, e, inst.ID), []string{c.hr.ID}) {
			t.Fatalf("fallback approver: %+v pending %v", n, pendingOf(t, e, inst.ID))
		}
		// The fallback approver's own request goes up instead.
		hrDept := e.NewDepartment(c.admin, "HR", "", &c.hr.ID)
		hr, err := e.Server.Org.User(ctx, c.hr.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Server.Org.UpdateUser(ctx, actor(t, e, adminID(t, e, c)), hr.ID,
			org.UpdateUserRequest{DepartmentID: &hrDept.ID, ManagerID: org.SetID(c.gm.ID), Version: hr.Version}); err != nil {
			t.Fatal(err)
		}
		inst = submit(t, e, c.hr, tpl, nil, nil)
		if n := inst.Route[0]; n.Self != approval.SelfUp || !same(n.Approvers, []string{c.gm.ID}) {
			t.Fatalf("the fallback approver's own request: %+v", n)
		}

		// Auto-approve, as before the setting existed (and as skip_self asks).
		e.Must(200, "GET", "/api/v1/approval/templates/"+tpl, c.admin, nil).JSON(t, &tp)
		e.Must(200, "PATCH", "/api/v1/approval/templates/"+tpl, c.admin, map[string]any{"skip_self": true, "version": tp.Version}).JSON(t, &tp)
		if tp.SelfApproval != approval.SelfAuto || tp.SelfApprovalUser != "" || !tp.SkipSelf {
			t.Fatalf("skip_self: true gave %q %q %v", tp.SelfApproval, tp.SelfApprovalUser, tp.SkipSelf)
		}
		inst = submit(t, e, c.head, tpl, nil, nil)
		if !inst.Route[0].Skipped || inst.Route[0].SkipReason != approval.ReasonSelf || inst.Status != approval.StatusApproved {
			t.Fatalf("auto: %+v %s", inst.Route[0], inst.Status)
		}
	})
}

// An approver cannot hand the request to its applicant (transfer or add
// approver), and an applicant who chooses themselves as approver goes up
// (issue 12, item 9).
func TestApplicantCannotBecomeApprover(t *testing.T) {
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		c := setupCompany(t, e)
		var inst approval.Instance
		e.Must(201, "POST", "/api/v1/approvals", c.empT, map[string]any{"template_id": c.leaveID, "form": leaveForm("2026-01-12", "2026-01-13")}).JSON(t, &inst)
		for _, a := range []struct {
			action string
			body   map[string]any
		}{
			{"transfer", map[string]any{"user_id": c.emp.ID}},
			{"add-approver", map[string]any{"user_id": c.emp.ID, "position": "before"}},
			{"add-approver", map[string]any{"user_id": c.emp.ID, "position": "after"}},
		} {
			body := a.body
			r := e.Do("POST", "/api/v1/approvals/"+inst.ID+"/"+a.action, c.headT, body)
			_, key, fields := r.ErrorCode()
			if r.Status != http.StatusBadRequest || key != "approval.applicant_cannot_approve" || fields["user_id"] != "applicant" {
				t.Fatalf("%v: %d %s", body, r.Status, r.Body)
			}
		}
		if p := pendingOf(t, e, inst.ID); !same(p, []string{c.head.ID}) {
			t.Fatalf("after the refusals pending %v, want the head", p)
		}
		if r := e.Do("POST", "/api/v1/approvals/"+inst.ID+"/approve", c.empT, map[string]any{}); r.Status == http.StatusOK {
			t.Fatalf("the applicant approved their own request")
		}

		// "Applicant chooses" naming the applicant: the step goes up.
		tpl := mkTemplate(t, e, c, []approval.Node{node("pick", approval.NodeApprover, approval.ApproverSpec{Kind: approval.ApproverApplicant}, "")}, nil)
		got := submit(t, e, c.emp, tpl, nil, map[string][]string{"pick": {c.emp.ID}})
		if n := got.Route[0]; n.Self != approval.SelfUp || !same(pendingOf(t, e, got.ID), []string{c.head.ID}) {
			t.Fatalf("chose themselves: %+v pending %v", n, pendingOf(t, e, got.ID))
		}
	})
}

// Existing installs: the built-in templates go up, custom ones that kept
// the applicant on the step go up, the others keep auto-approving.
func TestSelfApprovalMigration(t *testing.T) {
	all := approval.Migrations()
	var before []store.Migration
	for _, m := range all {
		if m.ID == "approval-0008-self-approval" {
			break
		}
		before = append(before, m)
	}
	storetest.Each(t, before, func(t *testing.T, db *gorm.DB) {
		t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
		for _, r := range []map[string]any{
			{"id": "b1", "builtin_key": "leave", "prefix": "QJ", "skip_self": true},
			{"id": "c1", "prefix": "AA", "skip_self": true},
			{"id": "c2", "prefix": "BB", "skip_self": false},
		} {
			r["name_zh"], r["created_at"], r["updated_at"] = "x", t0, t0
			if err := db.Table("approval_templates").Create(r).Error; err != nil {
				t.Fatal(err)
			}
		}
		if err := store.Migrate(db, all); err != nil {
			t.Fatal(err)
		}
		var ts []approval.Template
		if err := db.Order("id").Find(&ts).Error; err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, tp := range ts {
			got[tp.ID] = tp.SelfApproval
			if tp.SkipSelf != (tp.SelfApproval == approval.SelfAuto) {
				t.Fatalf("%s: skip_self %v with rule %q", tp.ID, tp.SkipSelf, tp.SelfApproval)
			}
		}
		if got["b1"] != approval.SelfUp || got["c1"] != approval.SelfAuto || got["c2"] != approval.SelfUp {
			t.Fatalf("rules after migration %v", got)
		}
	})
}

// When an approver leaves and their successor is the applicant (a head's
// request waiting on a member of their own department), the step goes to
// the applicant's leader instead, for the open task and for later steps
// (issue 12, item 9).
func TestLeaversWorkDoesNotFallToTheApplicant(t *testing.T) {
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		c := setupCompany(t, e)
		reportsTo(t, e, c, c.head, c.gm.ID)
		users := func(ids ...string) approval.ApproverSpec {
			return approval.ApproverSpec{Kind: approval.ApproverUsers, UserIDs: ids}
		}
		now := mkTemplate(t, e, c, []approval.Node{node("emp", approval.NodeApprover, users(c.emp.ID), "")}, nil)
		later := mkTemplate(t, e, c, []approval.Node{node("hr", approval.NodeApprover, users(c.hr.ID), ""), node("emp", approval.NodeApprover, users(c.emp.ID), "")},
			func(in *approval.TemplateInput) { in.Prefix = "TL" })
		a := submit(t, e, c.head, now, nil, nil)
		b := submit(t, e, c.head, later, nil, nil)
		e.Must(http.StatusOK, "POST", "/api/v1/users/"+c.emp.ID+"/deactivate", c.admin, nil)

		if p := pendingOf(t, e, a.ID); !same(p, []string{c.gm.ID}) {
			t.Fatalf("the leaver's open task went to %v, want the applicant's leader (GM)", p)
		}
		approve(t, e, c.hr, b.ID)
		if p := pendingOf(t, e, b.ID); !same(p, []string{c.gm.ID}) {
			t.Fatalf("the leaver's later step went to %v, want the applicant's leader (GM)", p)
		}
		for _, id := range []string{a.ID, b.ID} {
			if r := e.Do("POST", "/api/v1/approvals/"+id+"/approve", c.headT, map[string]any{}); r.Status < 400 {
				t.Fatalf("the applicant approved their own request %s", id)
			}
		}
	})
}
