package approval_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"tack/backend/apperr"
	"tack/backend/approval"
	"tack/backend/identity"
	"tack/backend/notify"
	"tack/backend/org"
	"tack/backend/server/servertest"
	"tack/backend/workcal"
)

var ctx = context.Background()

func actor(t *testing.T, e *servertest.Env, id string) identity.Actor {
	t.Helper()
	a, err := e.Server.Org.ActorFor(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func mkTemplate(t *testing.T, e *servertest.Env, c company, nodes []approval.Node, mut func(*approval.TemplateInput)) string {
	t.Helper()
	in := approval.TemplateInput{Prefix: "TT", NameZh: "测试", NameEn: "Test",
		Fields: []approval.Field{{Key: "amount", Type: approval.FieldMoney, LabelZh: "金额", Required: true},
			{Key: "who", Type: approval.FieldSelect, LabelZh: "类型", Options: []approval.Option{{Value: "a"}, {Value: "b"}}}},
		Flow: &approval.Flow{Nodes: nodes}}
	if mut != nil {
		mut(&in)
	}
	tp, err := e.Server.Approval.CreateTemplate(ctx, actor(t, e, adminID(t, e, c)), in)
	if err != nil {
		t.Fatal(err)
	}
	return tp.ID
}

func adminID(t *testing.T, e *servertest.Env, c company) string {
	us, err := e.Server.Org.UsersWithRole(ctx, org.RoleAdmin)
	if err != nil || len(us) == 0 {
		t.Fatal("no admin")
	}
	return us[0].ID
}

func submit(t *testing.T, e *servertest.Env, u org.User, tpl string, form map[string]any, chosen map[string][]string) approval.Instance {
	t.Helper()
	if form == nil {
		form = map[string]any{"amount": map[string]any{"amount": 1000.0}}
	}
	inst, err := e.Server.Approval.Submit(ctx, actor(t, e, u.ID), approval.SubmitRequest{TemplateID: tpl, Form: form, Approvers: chosen})
	if err != nil {
		t.Fatal(err)
	}
	return inst
}

func pendingOf(t *testing.T, e *servertest.Env, id string) []string {
	t.Helper()
	d, err := e.Server.Approval.Get(ctx, org.System, id)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, tk := range d.Tasks {
		if tk.Status == approval.TaskPending && tk.Kind == approval.KindApprove {
			out = append(out, tk.AssigneeID)
		}
	}
	return out
}

func approve(t *testing.T, e *servertest.Env, u org.User, id string) approval.Instance {
	t.Helper()
	inst, err := e.Server.Approval.Approve(ctx, actor(t, e, u.ID), id, approval.ActionRequest{})
	if err != nil {
		t.Fatalf("approve by %s: %v", u.Name, err)
	}
	return inst
}

func node(id, typ string, spec approval.ApproverSpec, mode string) approval.Node {
	return approval.Node{ID: id, Type: typ, NameZh: id, Approvers: spec, Mode: mode}
}

func same(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	m := map[string]int{}
	for _, x := range a {
		m[x]++
	}
	for _, x := range b {
		m[x]--
	}
	for _, v := range m {
		if v != 0 {
			return false
		}
	}
	return true
}

func TestNodeTypesAndModes(t *testing.T) {
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		c := setupCompany(t, e)
		// emp's manager is the head (no manager_id: falls back to head); head → admin? (root dept has no head)
		tpl := mkTemplate(t, e, c, []approval.Node{
			node("m", approval.NodeApprover, approval.ApproverSpec{Kind: approval.ApproverManager}, ""),
			node("users_all", approval.NodeApprover, approval.ApproverSpec{Kind: approval.ApproverUsers, UserIDs: []string{c.gm.ID, c.hr.ID}}, approval.ModeAll),
			node("users_any", approval.NodeApprover, approval.ApproverSpec{Kind: approval.ApproverUsers, UserIDs: []string{c.gm.ID, c.other.ID}}, approval.ModeAny),
			node("seq", approval.NodeApprover, approval.ApproverSpec{Kind: approval.ApproverUsers, UserIDs: []string{c.hr.ID, c.gm.ID}}, approval.ModeSequential),
			node("choose", approval.NodeApprover, approval.ApproverSpec{Kind: approval.ApproverApplicant}, ""),
			node("cc", approval.NodeCC, approval.ApproverSpec{Kind: approval.ApproverRole, Role: org.RoleHR}, ""),
		}, func(in *approval.TemplateInput) { f := false; in.SkipRepeat = &f })

		// applicant_choose is required.
		_, err := e.Server.Approval.Submit(ctx, actor(t, e, c.emp.ID), approval.SubmitRequest{TemplateID: tpl, Form: map[string]any{"amount": map[string]any{"amount": 1.0}}})
		if ae, ok := apperr.As(err); !ok || ae.Fields["approvers.choose"] != "required" {
			t.Fatalf("choose required: %v", err)
		}
		inst := submit(t, e, c.emp, tpl, nil, map[string][]string{"choose": {c.other.ID}})
		if p := pendingOf(t, e, inst.ID); !same(p, []string{c.head.ID}) {
			t.Fatalf("manager node pending %v", p)
		}
		approve(t, e, c.head, inst.ID)
		if p := pendingOf(t, e, inst.ID); !same(p, []string{c.gm.ID, c.hr.ID}) {
			t.Fatalf("all node pending %v", p)
		}
		approve(t, e, c.gm, inst.ID)
		if p := pendingOf(t, e, inst.ID); !same(p, []string{c.hr.ID}) {
			t.Fatalf("all node after one %v", p)
		}
		approve(t, e, c.hr, inst.ID)
		if p := pendingOf(t, e, inst.ID); !same(p, []string{c.gm.ID, c.other.ID}) {
			t.Fatalf("any node %v", p)
		}
		approve(t, e, c.other, inst.ID)
		if p := pendingOf(t, e, inst.ID); !same(p, []string{c.hr.ID}) {
			t.Fatalf("seq node first %v", p)
		}
		approve(t, e, c.hr, inst.ID)
		if p := pendingOf(t, e, inst.ID); !same(p, []string{c.gm.ID}) {
			t.Fatalf("seq node second %v", p)
		}
		approve(t, e, c.gm, inst.ID)
		if p := pendingOf(t, e, inst.ID); !same(p, []string{c.other.ID}) {
			t.Fatalf("chosen node %v", p)
		}
		inst = approve(t, e, c.other, inst.ID)
		if inst.Status != approval.StatusApproved {
			t.Fatal(inst.Status)
		}
		var n int64
		e.Server.DB.Model(&notify.Event{}).Where("type = ? AND subject_id = ?", "approval.cc", inst.ID).Count(&n)
		if n != 1 {
			t.Fatalf("cc events %d", n)
		}
		e.Server.DB.Model(&notify.Event{}).Where("type = ? AND subject_id = ?", "approval.decided", inst.ID).Count(&n)
		if n != 1 {
			t.Fatalf("decided events %d", n)
		}
	})
}

func TestConditionsManagerNAndRole(t *testing.T) {
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		c := setupCompany(t, e)
		tpl := mkTemplate(t, e, c, []approval.Node{
			{ID: "cond", Type: approval.NodeCondition, Branches: []approval.Branch{
				{Conditions: []approval.Condition{{Kind: approval.CondDepartment, DepartmentID: c.dept.ID}, {Kind: approval.CondField, Field: "amount", Op: approval.OpGTE, Value: 100000.0}},
					Nodes: []approval.Node{node("mn", approval.NodeApprover, approval.ApproverSpec{Kind: approval.ApproverManagerN, Levels: 2}, "")}},
				{Conditions: []approval.Condition{{Kind: approval.CondField, Field: "who", Op: approval.OpEq, Value: "b"}},
					Nodes: []approval.Node{node("role", approval.NodeApprover, approval.ApproverSpec{Kind: approval.ApproverRole, Role: org.RoleHR}, approval.ModeAny)}},
				{Conditions: []approval.Condition{{Kind: approval.CondRole, Role: org.RoleHR}},
					Nodes: []approval.Node{node("gm", approval.NodeApprover, approval.ApproverSpec{Kind: approval.ApproverRole, Role: org.RoleGeneralManager}, "")}},
				{Nodes: []approval.Node{node("head", approval.NodeApprover, approval.ApproverSpec{Kind: approval.ApproverDeptHead}, "")}},
			}},
		}, nil)
		pv := func(u org.User, form map[string]any) []approval.RouteNode {
			p, err := e.Server.Approval.PreviewRoute(ctx, actor(t, e, u.ID), tpl, approval.SubmitRequest{Form: form})
			if err != nil {
				t.Fatal(err)
			}
			return p.Nodes
		}
		big := map[string]any{"amount": map[string]any{"amount": 200000.0}}
		if r := pv(c.emp, big); len(r) != 1 || r[0].ID != "mn" || len(r[0].Approvers) < 1 || r[0].Approvers[0] != c.head.ID {
			t.Fatalf("dept+money branch %+v", r)
		}
		if r := pv(c.other, map[string]any{"amount": map[string]any{"amount": 1.0}, "who": "b"}); r[0].ID != "role" || !same(r[0].Approvers, []string{c.hr.ID}) {
			t.Fatalf("select branch %+v", r)
		}
		if r := pv(c.hr, map[string]any{"amount": map[string]any{"amount": 1.0}}); r[0].ID != "gm" || !same(r[0].Approvers, []string{c.gm.ID}) {
			t.Fatalf("role branch %+v", r)
		}
		if r := pv(c.emp, map[string]any{"amount": map[string]any{"amount": 1.0}}); r[0].ID != "head" || !same(r[0].Approvers, []string{c.head.ID}) {
			t.Fatalf("default branch %+v", r)
		}
	})
}

func TestSkipRulesAndEscalation(t *testing.T) {
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		c := setupCompany(t, e)
		// The head submits a 5-day leave: the head step would land on the
		// applicant and goes up to their leader (the admin heads the root).
		inst := submit(t, e, c.head, c.leaveID, leaveForm("2026-01-12", "2026-01-16"), nil)
		if inst.Route[0].Skipped || inst.Route[0].Self != approval.SelfUp {
			t.Fatalf("self step %+v", inst.Route)
		}
		if p := pendingOf(t, e, inst.ID); !same(p, []string{adminID(t, e, c)}) {
			t.Fatalf("after the self step went up %v", p)
		}
		// Same approver twice in a row: head then GM where GM == head.
		tpl := mkTemplate(t, e, c, []approval.Node{
			node("a", approval.NodeApprover, approval.ApproverSpec{Kind: approval.ApproverDeptHead}, ""),
			node("b", approval.NodeApprover, approval.ApproverSpec{Kind: approval.ApproverUsers, UserIDs: []string{c.head.ID}}, ""),
		}, nil)
		inst = submit(t, e, c.emp, tpl, nil, nil)
		if !inst.Route[1].Skipped || inst.Route[1].SkipReason != approval.ReasonRepeat {
			t.Fatalf("repeat skip %+v", inst.Route)
		}
		inst = approve(t, e, c.head, inst.ID)
		if inst.Status != approval.StatusApproved {
			t.Fatalf("after repeat skip: %s", inst.Status)
		}
		// A department without a head: the head of the parent department (the admin heads the root).
		tpl2 := mkTemplate(t, e, c, []approval.Node{node("a", approval.NodeApprover, approval.ApproverSpec{Kind: approval.ApproverDeptHead}, "")}, func(in *approval.TemplateInput) { in.Prefix = "TX" })
		inst = submit(t, e, c.other, tpl2, nil, nil)
		if p := pendingOf(t, e, inst.ID); !same(p, []string{adminID(t, e, c)}) {
			t.Fatalf("escalated to %v", p)
		}
		// Empty role: escalated to the applicant's manager.
		tpl3 := mkTemplate(t, e, c, []approval.Node{node("a", approval.NodeApprover, approval.ApproverSpec{Kind: approval.ApproverRole, Role: "nobody"}, "")}, func(in *approval.TemplateInput) { in.Prefix = "TY" })
		inst = submit(t, e, c.emp, tpl3, nil, nil)
		if p := pendingOf(t, e, inst.ID); !same(p, []string{c.head.ID}) || inst.Route[0].Notes[0] != approval.NoteEscalateManager {
			t.Fatalf("empty role escalated to %v %+v", p, inst.Route[0])
		}
		d, _ := e.Server.Approval.Get(ctx, org.System, inst.ID)
		found := false
		for _, tl := range d.Timeline {
			if tl.Action == "escalated" {
				found = true
			}
		}
		if !found {
			t.Fatalf("escalation not on the timeline: %+v", d.Timeline)
		}
	})
}

func TestTransferAddApproverReturnReject(t *testing.T) {
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		c := setupCompany(t, e)
		svc := e.Server.Approval
		inst := submit(t, e, c.emp, c.leaveID, leaveForm("2026-01-12", "2026-01-16"), nil)
		// Transfer head → hr.
		if _, err := svc.Transfer(ctx, actor(t, e, c.head.ID), inst.ID, approval.ActionRequest{UserID: c.hr.ID}); err != nil {
			t.Fatal(err)
		}
		if p := pendingOf(t, e, inst.ID); !same(p, []string{c.hr.ID}) {
			t.Fatalf("after transfer %v", p)
		}
		// Add other before hr: other first, then hr.
		if _, err := svc.AddApprover(ctx, actor(t, e, c.hr.ID), inst.ID, approval.ActionRequest{UserID: c.other.ID, Position: "before"}); err != nil {
			t.Fatal(err)
		}
		if p := pendingOf(t, e, inst.ID); !same(p, []string{c.other.ID}) {
			t.Fatalf("after add before %v", p)
		}
		approve(t, e, c.other, inst.ID)
		if p := pendingOf(t, e, inst.ID); !same(p, []string{c.hr.ID}) {
			t.Fatalf("back to hr %v", p)
		}
		// hr approves and adds head after.
		if _, err := svc.AddApprover(ctx, actor(t, e, c.hr.ID), inst.ID, approval.ActionRequest{UserID: c.head.ID, Position: "after"}); err != nil {
			t.Fatal(err)
		}
		if p := pendingOf(t, e, inst.ID); !same(p, []string{c.head.ID}) {
			t.Fatalf("after add after %v", p)
		}
		approve(t, e, c.head, inst.ID)
		if p := pendingOf(t, e, inst.ID); !same(p, []string{c.gm.ID}) {
			t.Fatalf("gm node %v", p)
		}
		// GM returns to node 0: the head node is active again.
		zero := 0
		if _, err := svc.Return(ctx, actor(t, e, c.gm.ID), inst.ID, approval.ActionRequest{NodeIndex: &zero, Comment: "more detail"}); err != nil {
			t.Fatal(err)
		}
		if p := pendingOf(t, e, inst.ID); !same(p, []string{c.head.ID}) {
			t.Fatalf("after return %v", p)
		}
		approve(t, e, c.head, inst.ID)
		out, err := svc.Reject(ctx, actor(t, e, c.gm.ID), inst.ID, approval.ActionRequest{Comment: "no"})
		if err != nil || out.Status != approval.StatusRejected {
			t.Fatalf("reject %v %s", err, out.Status)
		}
		d, _ := svc.Get(ctx, actor(t, e, c.emp.ID), inst.ID)
		var actions []string
		for _, tl := range d.Timeline {
			actions = append(actions, tl.Action)
		}
		want := []string{"submitted", "transferred", "added_approver", "approved", "added_approver", "approved", "approved", "returned", "approved", "rejected", "finished"}
		if len(actions) != len(want) {
			t.Fatalf("timeline %v", actions)
		}
		for i := range want {
			if actions[i] != want[i] {
				t.Fatalf("timeline %v want %v", actions, want)
			}
		}
	})
}

func TestConcurrentAnyApprove(t *testing.T) {
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		c := setupCompany(t, e)
		tpl := mkTemplate(t, e, c, []approval.Node{
			node("any", approval.NodeApprover, approval.ApproverSpec{Kind: approval.ApproverUsers, UserIDs: []string{c.gm.ID, c.hr.ID}}, approval.ModeAny),
			node("next", approval.NodeApprover, approval.ApproverSpec{Kind: approval.ApproverUsers, UserIDs: []string{c.head.ID}}, ""),
		}, nil)
		for round := 0; round < 5; round++ {
			inst := submit(t, e, c.emp, tpl, nil, nil)
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for i, u := range []org.User{c.gm, c.hr} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, errs[i] = e.Server.Approval.Approve(ctx, actor(t, e, u.ID), inst.ID, approval.ActionRequest{})
				}()
			}
			wg.Wait()
			ok := 0
			for _, err := range errs {
				if err == nil {
					ok++
				} else if !apperr.IsKind(err, apperr.KindConflict) {
					t.Fatalf("loser got %v, want conflict", err)
				}
			}
			if ok != 1 {
				t.Fatalf("round %d: %d successes (%v)", round, ok, errs)
			}
			if p := pendingOf(t, e, inst.ID); !same(p, []string{c.head.ID}) {
				t.Fatalf("after race %v", p)
			}
			var n int64
			e.Server.DB.Model(&approval.Task{}).Where("instance_id = ? AND node_index = 1", inst.ID).Count(&n)
			if n != 1 {
				t.Fatalf("next node activated %d times", n)
			}
		}
	})
}

func TestDeactivationReassigns(t *testing.T) {
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		c := setupCompany(t, e)
		inst := submit(t, e, c.emp, c.leaveID, leaveForm("2026-01-12", "2026-01-16"), nil)
		approve(t, e, c.head, inst.ID)
		// Give the GM a manager, then offboard the GM.
		mgr := c.hr.ID
		if _, err := e.Server.Org.UpdateUser(ctx, actor(t, e, adminID(t, e, c)), c.gm.ID, org.UpdateUserRequest{ManagerID: org.SetID(mgr), Version: c.gm.Version}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Server.Org.Deactivate(ctx, actor(t, e, adminID(t, e, c)), c.gm.ID); err != nil {
			t.Fatal(err)
		}
		if p := pendingOf(t, e, inst.ID); !same(p, []string{mgr}) {
			t.Fatalf("after deactivation %v", p)
		}
		d, _ := e.Server.Approval.Get(ctx, org.System, inst.ID)
		if last := d.Timeline[len(d.Timeline)-1]; last.Action != "reassigned" {
			t.Fatalf("timeline %+v", last)
		}
	})
}

func TestSLAAcrossWeekendAndHoliday(t *testing.T) {
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		c := setupCompany(t, e)
		svc := e.Server.Approval
		// Monday 2026-01-12 is a holiday; Friday 2026-01-09 16:00 Shanghai (08:00 UTC) submit.
		if _, err := e.Server.Workcal.SetDay(ctx, actor(t, e, adminID(t, e, c)), workcal.Day{Date: "2026-01-12", Working: false, Note: "假日"}); err != nil {
			t.Fatal(err)
		}
		e.Clock.Set(time.Date(2026, 1, 9, 8, 0, 0, 0, time.UTC))
		inst := submit(t, e, c.emp, c.leaveID, leaveForm("2026-01-19", "2026-01-20"), nil)
		// 2 working hours on Friday, weekend and holiday skipped, 2 more on Tuesday → Tue 11:00 Shanghai = 03:00 UTC.
		due := time.Date(2026, 1, 13, 3, 0, 0, 0, time.UTC)
		e.Clock.Set(due.Add(-time.Minute))
		if n, err := svc.RunSLA(ctx); err != nil || n != 0 {
			t.Fatalf("early sla %d %v", n, err)
		}
		e.Clock.Set(due)
		if n, err := svc.RunSLA(ctx); err != nil || n != 1 {
			t.Fatalf("sla %d %v", n, err)
		}
		var evs []notify.Event
		e.Server.DB.Where("subject_id = ? AND type IN ?", inst.ID, []string{"approval.reminder", "approval.overdue"}).Order("id").Find(&evs)
		if len(evs) != 2 || evs[0].Data["by"] != "sla" || !same(evs[1].Recipients, []string{c.head.ID, c.emp.ID}) {
			t.Fatalf("events %+v", evs)
		}
		var list []approval.ListItem
		list, _, _ = svc.List(ctx, actor(t, e, c.head.ID), approval.ListFilter{Box: "todo"})
		if len(list) != 1 || !list[0].Overdue {
			t.Fatalf("overdue flag %+v", list)
		}
		// Running again does nothing; 4 working hours later it escalates.
		if n, _ := svc.RunSLA(ctx); n != 0 {
			t.Fatal("sla repeated")
		}
		e.Clock.Set(due.Add(4 * time.Hour))
		if n, _ := svc.RunSLA(ctx); n != 1 {
			t.Fatal("no escalation")
		}
	})
}

func TestTemplateVersioning(t *testing.T) {
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		c := setupCompany(t, e)
		svc := e.Server.Approval
		inst := submit(t, e, c.emp, c.leaveID, leaveForm("2026-01-12", "2026-01-13"), nil)
		tp, _ := svc.Template(ctx, org.System, c.leaveID)
		admin := actor(t, e, adminID(t, e, c))
		sla := 8.0
		flow := approval.Flow{Nodes: []approval.Node{node("gm", approval.NodeApprover, approval.ApproverSpec{Kind: approval.ApproverRole, Role: org.RoleGeneralManager}, "")}}
		up, err := svc.UpdateTemplate(ctx, admin, c.leaveID, approval.TemplateInput{NameEn: "Leave request", SLAHours: &sla, Flow: &flow, Version: tp.Version})
		if err != nil || up.CurrentVersion != 2 || up.SLAHours != 8 {
			t.Fatalf("update %v %+v", err, up)
		}
		if _, err := svc.UpdateTemplate(ctx, admin, c.leaveID, approval.TemplateInput{NameEn: "x", Version: tp.Version}); !apperr.IsKind(err, apperr.KindConflict) {
			t.Fatalf("stale template update %v", err)
		}
		// The running instance keeps its route; a new one uses version 2.
		if p := pendingOf(t, e, inst.ID); !same(p, []string{c.head.ID}) {
			t.Fatalf("old instance %v", p)
		}
		inst2 := submit(t, e, c.emp, c.leaveID, leaveForm("2026-01-12", "2026-01-13"), nil)
		if p := pendingOf(t, e, inst2.ID); !same(p, []string{c.gm.ID}) || inst2.TemplateVersionID == inst.TemplateVersionID {
			t.Fatalf("new instance %v", p)
		}
		// Members cannot edit templates; invalid templates are refused whole.
		if _, err := svc.UpdateTemplate(ctx, actor(t, e, c.emp.ID), c.leaveID, approval.TemplateInput{Version: up.Version}); !apperr.IsKind(err, apperr.KindForbidden) {
			t.Fatal(err)
		}
		// Numbers are counted per prefix: one prefix, one template.
		_, err = svc.CreateTemplate(ctx, admin, approval.TemplateInput{Prefix: "QJ", NameZh: "另一种请假", Fields: []approval.Field{}, Flow: &flow})
		if ae, ok := apperr.As(err); !ok || ae.Fields["prefix"] != "duplicate" {
			t.Fatalf("duplicate prefix %v", err)
		}
		_, err = svc.CreateTemplate(ctx, admin, approval.TemplateInput{Prefix: "bad", Fields: []approval.Field{{Key: "A", Type: "nope"}}, Flow: &approval.Flow{}})
		if ae, ok := apperr.As(err); !ok || ae.Fields["prefix"] != "invalid" || ae.Fields["fields.0.type"] != "invalid" || ae.Fields["name_zh"] != "required" {
			t.Fatalf("invalid template %v", err)
		}
	})
}

// An approver who leaves before their step is reached must not receive it:
// the step goes to their successor, and a CC to them is dropped.
func TestDeactivationReroutesLaterSteps(t *testing.T) {
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		c := setupCompany(t, e)
		// A second HR person stays, the first leaves; the GM leaves with a manager set.
		hr2, _ := e.NewUser(c.admin, "", org.RoleHR)
		inst := submit(t, e, c.emp, c.leaveID, leaveForm("2026-01-12", "2026-01-16"), nil)
		admin := actor(t, e, adminID(t, e, c))
		mgr := c.other.ID
		if _, err := e.Server.Org.UpdateUser(ctx, admin, c.gm.ID, org.UpdateUserRequest{ManagerID: org.SetID(mgr), Version: c.gm.Version}); err != nil {
			t.Fatal(err)
		}
		for _, id := range []string{c.gm.ID, c.hr.ID} {
			if _, err := e.Server.Org.Deactivate(ctx, admin, id); err != nil {
				t.Fatal(err)
			}
		}
		approve(t, e, c.head, inst.ID)
		if p := pendingOf(t, e, inst.ID); !same(p, []string{mgr}) {
			t.Fatalf("GM step went to %v, want the GM's manager", p)
		}
		d, _ := e.Server.Approval.Get(ctx, org.System, inst.ID)
		cc := d.Route[len(d.Route)-1]
		if cc.Type != approval.NodeCC || slices.Contains(cc.Approvers, c.hr.ID) || !slices.Contains(cc.Approvers, hr2.ID) ||
			!slices.Contains(d.Route[d.CurrentNode].Notes, approval.NoteDepartedReplaced) {
			t.Fatalf("route after offboarding %+v", d.Route)
		}
		inst = approve(t, e, c.other, inst.ID)
		if inst.Status != approval.StatusApproved {
			t.Fatal(inst.Status)
		}
		var n int64
		e.Server.DB.Model(&approval.Task{}).Where("instance_id = ? AND assignee_id IN ?", inst.ID, []string{c.gm.ID, c.hr.ID}).Count(&n)
		if n != 0 {
			t.Fatalf("%d tasks for people who left", n)
		}
	})
}
