package api_test

import (
	"net/http"
	"testing"

	"tack/backend/approval"
	"tack/backend/server/servertest"
)

// Nobody approves their own request (issue 12, items 9 and 22): the
// approver of alice's leave cannot hand it to alice (transfer, add
// approver before or after), alice cannot approve it, and the department
// head's own leave is not approved by nobody: its head step goes to the
// head's leader.
func TestAuthzNobodyApprovesTheirOwnRequest(t *testing.T) {
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		w := newAuthzWorld(t, e)
		id := w.approval.ID
		for _, a := range []struct {
			action string
			body   map[string]any
		}{
			{"transfer", map[string]any{"user_id": w.alice.ID}},
			{"add-approver", map[string]any{"user_id": w.alice.ID, "position": "before"}},
			{"add-approver", map[string]any{"user_id": w.alice.ID, "position": "after"}},
		} {
			r := e.Do("POST", "/api/v1/approvals/"+id+"/"+a.action, w.headT, a.body)
			if _, key, _ := r.ErrorCode(); r.Status != http.StatusBadRequest || key != "approval.applicant_cannot_approve" {
				t.Fatalf("head %s to the applicant: %d %s", a.action, r.Status, r.Body)
			}
		}
		if r := e.Do("POST", "/api/v1/approvals/"+id+"/approve", w.aliceT, map[string]any{}); r.Status < 400 {
			t.Fatalf("alice approved her own request: %d", r.Status)
		}
		var d approval.Detail
		e.Must(http.StatusOK, "GET", "/api/v1/approvals/"+id, w.aliceT, nil).JSON(t, &d)
		if d.Status != approval.StatusPending {
			t.Fatalf("alice's leave is %s", d.Status)
		}

		var own approval.Instance
		e.Must(http.StatusCreated, "POST", "/api/v1/approvals", w.headT, map[string]any{"template_id": w.leaveTpl,
			"form": map[string]any{"leave_type": "annual", "period": map[string]any{"start": "2026-01-14", "end": "2026-01-15"}, "reason": "rest"},
		}).JSON(t, &own)
		if own.Status != approval.StatusPending || own.Route[0].Skipped || own.Route[0].Self != approval.SelfUp {
			t.Fatalf("the head's own leave: %s %+v", own.Status, own.Route)
		}
		if r := e.Do("POST", "/api/v1/approvals/"+own.ID+"/approve", w.headT, map[string]any{}); r.Status < 400 {
			t.Fatalf("the head approved his own leave: %d", r.Status)
		}
	})
}
