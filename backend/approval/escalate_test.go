package approval_test

import (
	"testing"

	"tack/backend/approval"
	"tack/backend/org"
	"tack/backend/server/servertest"
)

// No department head anywhere up the tree and no manager: the step goes to
// an administrator and the timeline says why.
func TestEscalateToAdmin(t *testing.T) {
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		c := setupCompany(t, e)
		root := e.RootDepartment(c.admin)
		e.Must(200, "PATCH", "/api/v1/departments/"+root.ID, c.admin, map[string]any{"head_id": nil, "version": root.Version})
		tpl := mkTemplate(t, e, c, []approval.Node{node("h", approval.NodeApprover, approval.ApproverSpec{Kind: approval.ApproverDeptHead}, "")}, nil)
		inst := submit(t, e, c.other, tpl, nil, nil)
		if p := pendingOf(t, e, inst.ID); !same(p, []string{adminID(t, e, c)}) {
			t.Fatalf("escalated to %v", p)
		}
		if len(inst.Route[0].Notes) != 1 || inst.Route[0].Notes[0] != approval.NoteEscalateAdmin {
			t.Fatalf("notes %+v", inst.Route[0])
		}
		d, _ := e.Server.Approval.Get(ctx, org.System, inst.ID)
		if d.Timeline[1].Action != "escalated" {
			t.Fatalf("timeline %+v", d.Timeline)
		}
	})
}
