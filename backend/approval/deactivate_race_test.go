package approval_test

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"tack/backend/apperr"
	"tack/backend/approval"
	"tack/backend/org"
	"tack/backend/server/servertest"
	"tack/backend/store"
)

// raceSetup gives the GM a manager (HR, who inherits the GM's work) and a
// template whose first step is the GM and whose second is "other and the GM"
// (会签), so a leaver appears both in a first task and in a later step.
func raceSetup(t *testing.T, e *servertest.Env) (company, string) {
	t.Helper()
	c := setupCompany(t, e)
	var err error
	if c.gm, err = e.Server.Org.UpdateUser(ctx, actor(t, e, adminID(t, e, c)), c.gm.ID, org.UpdateUserRequest{ManagerID: org.SetID(c.hr.ID), Version: c.gm.Version}); err != nil {
		t.Fatal(err)
	}
	tpl := mkTemplate(t, e, c, []approval.Node{
		node("first", approval.NodeApprover, approval.ApproverSpec{Kind: approval.ApproverUsers, UserIDs: []string{c.gm.ID}}, ""),
		node("second", approval.NodeApprover, approval.ApproverSpec{Kind: approval.ApproverUsers, UserIDs: []string{c.other.ID, c.gm.ID}}, approval.ModeAll),
	}, nil)
	return c, tpl
}

// noWorkForLeavers fails if a pending or waiting approval task, or a step
// not yet reached of a pending approval, names an inactive user.
func noWorkForLeavers(t *testing.T, e *servertest.Env) {
	t.Helper()
	var inactive []string
	e.Server.DB.Model(&org.User{}).Where("active = ?", false).Pluck("id", &inactive)
	if len(inactive) == 0 {
		t.Fatal("no one was deactivated")
	}
	var n int64
	e.Server.DB.Model(&approval.Task{}).Where("kind = ? AND status IN ? AND assignee_id IN ?", approval.KindApprove,
		[]string{approval.TaskPending, approval.TaskWaiting}, inactive).Count(&n)
	if n > 0 {
		t.Fatalf("%d open tasks wait for people who left", n)
	}
	var insts []approval.Instance
	e.Server.DB.Where("status = ?", approval.StatusPending).Find(&insts)
	for _, in := range insts {
		for i := in.CurrentNode + 1; i < len(in.Route); i++ {
			rn := in.Route[i]
			for _, id := range rn.Approvers {
				if !rn.Skipped && slices.Contains(inactive, id) {
					t.Fatalf("%s step %d names %s, who left", in.Number, i, id)
				}
			}
		}
	}
}

// waitBlocked waits until a deactivation is waiting for a user row lock
// (PostgreSQL: a tuple lock on users is held while waiting) or is done. On
// SQLite the deactivation waits for the write lock; a pause lets it get there.
func waitBlocked(t *testing.T, e *servertest.Env, done chan error) {
	t.Helper()
	if !store.IsPostgres(e.Server.DB) {
		time.Sleep(200 * time.Millisecond)
		return
	}
	for deadline := time.Now().Add(3 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		select {
		case err := <-done:
			t.Logf("deactivation finished without waiting: %v", err)
			done <- err
			return
		default:
		}
		var n int64
		e.Server.DB.Raw("SELECT count(*) FROM pg_locks WHERE locktype = 'tuple' AND relation = 'users'::regclass").Scan(&n)
		if n > 0 {
			return
		}
	}
	t.Fatal("the deactivation neither waited nor finished")
}

// The approver leaves after the route was resolved and before the submit
// commits: the submit re-resolves by the usual rules (the step whose only
// approver left escalates to the applicant's manager) and nothing names the GM.
func TestSubmitWhileApproverLeaves(t *testing.T) {
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		c, tpl := raceSetup(t, e)
		admin := actor(t, e, adminID(t, e, c))
		var once sync.Once
		e.Server.Approval.SetAssignHooks(func() {
			once.Do(func() {
				if _, err := e.Server.Org.Deactivate(ctx, admin, c.gm.ID); err != nil {
					t.Error(err)
				}
			})
		}, nil)
		inst := submit(t, e, c.emp, tpl, nil, nil)
		e.Server.Approval.SetAssignHooks(nil, nil)
		if p := pendingOf(t, e, inst.ID); slices.Contains(p, c.gm.ID) || len(p) != 1 {
			t.Fatalf("first step went to %v", p)
		}
		if r := inst.Route[0]; !slices.Contains(r.Notes, approval.NoteInactiveSkipped) {
			t.Fatalf("first step %+v, want the inactive approver noted", r)
		}
		noWorkForLeavers(t, e)
	})
}

// The other order: the submit has locked its route's users when the
// deactivation starts. The deactivation waits for the submit to commit and
// then moves the new task and the later step to the GM's manager.
func TestApproverLeavesWhileSubmitCommits(t *testing.T) {
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		c, tpl := raceSetup(t, e)
		admin := actor(t, e, adminID(t, e, c))
		done := make(chan error, 1)
		var once sync.Once
		e.Server.Approval.SetAssignHooks(nil, func() {
			once.Do(func() {
				go func() {
					_, err := e.Server.Org.Deactivate(ctx, admin, c.gm.ID)
					done <- err
				}()
				waitBlocked(t, e, done)
			})
		})
		inst := submit(t, e, c.emp, tpl, nil, nil)
		e.Server.Approval.SetAssignHooks(nil, nil)
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("deactivation did not finish")
		}
		if p := pendingOf(t, e, inst.ID); !same(p, []string{c.hr.ID}) {
			t.Fatalf("first step is with %v, want the GM's manager", p)
		}
		noWorkForLeavers(t, e)
	})
}

// Transferring or adding an approver who leaves in between is refused with
// the same 400 as choosing an inactive user; the task stays put.
func TestAssignToUserWhoLeaves(t *testing.T) {
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		c, tpl := raceSetup(t, e)
		admin := actor(t, e, adminID(t, e, c))
		for i, act := range []func(id string) error{
			func(id string) error {
				_, err := e.Server.Approval.Transfer(ctx, actor(t, e, c.gm.ID), id, approval.ActionRequest{UserID: c.head.ID})
				return err
			},
			func(id string) error {
				_, err := e.Server.Approval.AddApprover(ctx, actor(t, e, c.gm.ID), id, approval.ActionRequest{UserID: c.hr.ID, Position: "before"})
				return err
			},
		} {
			inst := submit(t, e, c.emp, tpl, nil, nil)
			leaver := []string{c.head.ID, c.hr.ID}[i]
			e.Server.Approval.SetAssignHooks(func() {
				if _, err := e.Server.Org.Deactivate(ctx, admin, leaver); err != nil {
					t.Error(err)
				}
			}, nil)
			err := act(inst.ID)
			e.Server.Approval.SetAssignHooks(nil, nil)
			if ae, ok := apperr.As(err); !ok || ae.Kind != apperr.KindInvalid || ae.Fields["user_id"] != "not_found" {
				t.Fatalf("action %d: %v, want the 400 user_id error", i, err)
			}
			if p := pendingOf(t, e, inst.ID); !same(p, []string{c.gm.ID}) {
				t.Fatalf("action %d: pending %v", i, p)
			}
			noWorkForLeavers(t, e)
		}
	})
}

// Many submits to the GM while the GM is deactivated: afterwards no approval
// waits for the GM, whichever side won each race.
func TestSubmitsDuringDeactivationStress(t *testing.T) {
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		c, tpl := raceSetup(t, e)
		admin := actor(t, e, adminID(t, e, c))
		emp := actor(t, e, c.emp.ID)
		const n = 40
		errs := atOnce(n, func(i int) error {
			if i == n/2 {
				_, err := e.Server.Org.Deactivate(ctx, admin, c.gm.ID)
				return err
			}
			_, err := e.Server.Approval.Submit(ctx, emp, approval.SubmitRequest{TemplateID: tpl,
				Form: map[string]any{"amount": map[string]any{"amount": float64(100 * (i + 1))}}})
			return err
		})
		for i, err := range errs {
			if err != nil {
				t.Fatalf("call %d: %v", i, err)
			}
		}
		var count int64
		e.Server.DB.Model(&approval.Instance{}).Where("template_id = ?", tpl).Count(&count)
		if count != n-1 {
			t.Fatal(fmt.Sprintf("%d instances, want %d", count, n-1))
		}
		noWorkForLeavers(t, e)
	})
}

// The GM leaves while HR, the GM's manager and so their successor, leaves
// too: the GM's work must not land on HR after HR's own offboarding looked.
func TestLeaverAndSuccessorLeaveTogether(t *testing.T) {
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		{
			c, tpl := raceSetup(t, e)
			admin := actor(t, e, adminID(t, e, c))
			var err error
			if c.hr, err = e.Server.Org.UpdateUser(ctx, admin, c.hr.ID, org.UpdateUserRequest{ManagerID: org.SetID(c.head.ID), Version: c.hr.Version}); err != nil {
				t.Fatal(err)
			}
			for range 10 {
				submit(t, e, c.emp, tpl, nil, nil)
			}
			leavers := []string{c.gm.ID, c.hr.ID}
			for _, err := range atOnce(len(leavers), func(i int) error {
				_, err := e.Server.Org.Deactivate(ctx, admin, leavers[i])
				return err
			}) {
				if err != nil {
					t.Fatal(err)
				}
			}
			noWorkForLeavers(t, e)
		}
	})
}

// Returning an approval to a step whose approver has left gives that step to
// their successor: the step is in the past when they leave, but not for good.
func TestReturnToStepOfLeaver(t *testing.T) {
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		c := setupCompany(t, e)
		admin := actor(t, e, adminID(t, e, c))
		var err error
		if c.head, err = e.Server.Org.UpdateUser(ctx, admin, c.head.ID, org.UpdateUserRequest{ManagerID: org.SetID(c.hr.ID), Version: c.head.Version}); err != nil {
			t.Fatal(err)
		}
		tpl := mkTemplate(t, e, c, []approval.Node{
			node("first", approval.NodeApprover, approval.ApproverSpec{Kind: approval.ApproverUsers, UserIDs: []string{c.head.ID}}, ""),
			node("second", approval.NodeApprover, approval.ApproverSpec{Kind: approval.ApproverUsers, UserIDs: []string{c.gm.ID}}, ""),
		}, nil)
		inst := submit(t, e, c.emp, tpl, nil, nil)
		approve(t, e, c.head, inst.ID)
		if _, err := e.Server.Org.Deactivate(ctx, admin, c.head.ID); err != nil {
			t.Fatal(err)
		}
		zero := 0
		if _, err := e.Server.Approval.Return(ctx, actor(t, e, c.gm.ID), inst.ID, approval.ActionRequest{NodeIndex: &zero}); err != nil {
			t.Fatal(err)
		}
		if p := pendingOf(t, e, inst.ID); !same(p, []string{c.hr.ID}) {
			t.Fatalf("returned step is with %v, want the leaver's manager", p)
		}
		noWorkForLeavers(t, e)
	})
}

// Approvals advancing into the GM's step while the GM leaves: each advance
// either commits first (the hook moves its new task) or retries on the
// rerouted step, and the deactivation itself does not fail on a stale version.
func TestAdvanceDuringDeactivationStress(t *testing.T) {
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		c := setupCompany(t, e)
		admin := actor(t, e, adminID(t, e, c))
		tpl := mkTemplate(t, e, c, []approval.Node{
			node("first", approval.NodeApprover, approval.ApproverSpec{Kind: approval.ApproverUsers, UserIDs: []string{c.other.ID}}, ""),
			node("second", approval.NodeApprover, approval.ApproverSpec{Kind: approval.ApproverUsers, UserIDs: []string{c.gm.ID}}, ""),
		}, nil)
		const n = 30
		var ids []string
		for range n {
			ids = append(ids, submit(t, e, c.emp, tpl, nil, nil).ID)
		}
		other := actor(t, e, c.other.ID)
		// n approvals, and the deactivation released with them as call n.
		errs := atOnce(n+1, func(i int) error {
			if i == n {
				_, err := e.Server.Org.Deactivate(ctx, admin, c.gm.ID)
				return err
			}
			_, err := e.Server.Approval.Approve(ctx, other, ids[i], approval.ActionRequest{})
			return err
		})
		if errs[n] != nil {
			t.Fatalf("deactivate: %v", errs[n])
		}
		for i, err := range errs[:n] {
			if err != nil {
				t.Fatalf("approve %d: %v", i, err)
			}
		}
		noWorkForLeavers(t, e)
	})
}
