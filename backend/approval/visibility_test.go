package approval_test

import (
	"testing"

	"tack/backend/approval"
	"tack/backend/org"
	"tack/backend/server/servertest"
	"tack/backend/workcal"
)

func TestAPIVisibility(t *testing.T) {
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		c := setupCompany(t, e)
		// Routed to the GM only: the head is not involved but heads the applicant's department.
		tpl := mkTemplate(t, e, c, []approval.Node{node("gm", approval.NodeApprover, approval.ApproverSpec{Kind: approval.ApproverRole, Role: org.RoleGeneralManager}, "")}, nil)
		inst := submit(t, e, c.emp, tpl, nil, nil)
		e.Must(200, "GET", "/api/v1/approvals/"+inst.ID, c.headT, nil)
		e.Must(200, "GET", "/api/v1/approvals/"+inst.ID, c.hrT, nil)
		e.Must(200, "GET", "/api/v1/approvals/"+inst.ID, c.gmT, nil)
		if r := e.Do("GET", "/api/v1/approvals/"+inst.ID, c.otherT, nil); r.Status != 404 {
			t.Fatalf("other department: %d", r.Status)
		}
		var page struct{ Items []approval.ListItem }
		e.Must(200, "GET", "/api/v1/approvals?box=all", c.headT, nil).JSON(t, &page)
		if len(page.Items) != 1 {
			t.Fatalf("head archive %d", len(page.Items))
		}
		e.Must(200, "GET", "/api/v1/approvals?box=all&q="+inst.Number, c.hrT, nil).JSON(t, &page)
		if len(page.Items) != 1 {
			t.Fatalf("hr search %d", len(page.Items))
		}
		if r := e.Do("GET", "/api/v1/approvals?box=all", c.otherT, nil); r.Status != 403 {
			t.Fatalf("member archive: %d", r.Status)
		}
		e.Must(200, "GET", "/api/v1/approvals?box=mine", c.otherT, nil).JSON(t, &page)
		if len(page.Items) != 0 {
			t.Fatal("other sees someone else's in mine")
		}
		// Not involved: cannot act, cannot comment.
		if r := e.Do("POST", "/api/v1/approvals/"+inst.ID+"/comment", c.otherT, map[string]any{"comment": "hi"}); r.Status != 404 {
			t.Fatalf("other comment: %d", r.Status)
		}
		for _, action := range []string{"approve", "reject", "withdraw", "remind", "transfer", "return"} {
			if r := e.Do("POST", "/api/v1/approvals/"+inst.ID+"/"+action, c.otherT, map[string]any{"user_id": c.other.ID, "node_index": 0}); r.Status != 404 {
				t.Fatalf("uninvolved %s: %d, want 404", action, r.Status)
			}
		}
		if r := e.Do("POST", "/api/v1/approvals/"+inst.ID+"/approve", c.headT, nil); r.Status != 409 {
			t.Fatalf("head approve without task: %d", r.Status)
		}
		// Comments with attachments by the involved head reach the applicant.
		if r := e.Do("POST", "/api/v1/approvals/"+inst.ID+"/comment", c.gmT, map[string]any{"comment": "请补充", "attachments": []string{"entry1"}}); r.Status != 400 {
			t.Fatalf("comment with a made-up file: %d", r.Status)
		}
		var file approval.Attachment
		e.Must(201, "POST", "/api/v1/approval/attachments?name=note.txt", c.gmT, "see this").JSON(t, &file)
		e.Must(200, "POST", "/api/v1/approvals/"+inst.ID+"/comment", c.gmT, map[string]any{"comment": "请补充", "attachments": []string{file.ID}})
		var d approval.Detail
		e.Must(200, "GET", "/api/v1/approvals/"+inst.ID, c.empT, nil).JSON(t, &d)
		if d.Timeline[len(d.Timeline)-1].Action != "commented" || !d.Permissions.CanWithdraw || d.Permissions.CanApprove {
			t.Fatalf("detail %+v", d.Permissions)
		}
		// Bulk approve by the GM.
		var res struct{ Results map[string]string }
		e.Must(200, "POST", "/api/v1/approvals/bulk-approve", c.gmT, map[string]any{"ids": []string{inst.ID, "nope"}}).JSON(t, &res)
		if res.Results[inst.ID] != "ok" || res.Results["nope"] != "approval.not_found" {
			t.Fatalf("bulk %+v", res)
		}
		// Templates: members cannot create; who-may-start is enforced.
		if r := e.Do("POST", "/api/v1/approval/templates", c.empT, map[string]any{"name_zh": "x"}); r.Status != 403 {
			t.Fatalf("member create template: %d", r.Status)
		}
		tp, _ := e.Server.Approval.Template(ctx, org.System, tpl)
		e.Must(200, "PATCH", "/api/v1/approval/templates/"+tpl, e.Login(servertest.AdminEmail, servertest.TestPassword), map[string]any{
			"starters": map[string]any{"everyone": false, "roles": []string{org.RoleHR}}, "version": tp.Version})
		if r := e.Do("POST", "/api/v1/approvals", c.empT, map[string]any{"template_id": tpl, "form": map[string]any{"amount": map[string]any{"amount": 1}}}); r.Status != 403 {
			t.Fatalf("start restricted template: %d %s", r.Status, r.Body)
		}
		e.Must(201, "POST", "/api/v1/approvals", c.hrT, map[string]any{"template_id": tpl, "form": map[string]any{"amount": map[string]any{"amount": 1}}})
		// Working calendar: admin only.
		if r := e.Do("PUT", "/api/v1/approval/calendar/2026-10-01", c.empT, map[string]any{"working": false}); r.Status != 403 {
			t.Fatalf("member calendar: %d", r.Status)
		}
		e.Must(200, "PUT", "/api/v1/approval/calendar/2026-10-01", c.admin, map[string]any{"working": false, "note": "国庆"})
		var cal workcal.View
		e.Must(200, "GET", "/api/v1/approval/calendar", c.empT, nil).JSON(t, &cal)
		if len(cal.Days) != 1 || cal.TimeZone != "Asia/Shanghai" {
			t.Fatalf("calendar %+v", cal)
		}
	})
}
