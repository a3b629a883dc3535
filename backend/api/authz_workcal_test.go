package api_test

import (
	"net/http"
	"testing"

	"tack/backend/org"
	"tack/backend/server/servertest"
)

// TestAuthzWorkcalRoles: every role reads the working calendar (every
// domain's deadlines depend on it) and only an admin changes it, on the new
// paths and on the old approvals-calendar paths alike; a refused change
// leaves the calendar as it was.
func TestAuthzWorkcalRoles(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		admin, _ := e.Setup()
		tokens := map[string]string{org.RoleAdmin: admin}
		for _, role := range []string{org.RoleHR, org.RoleDeptHead, org.RoleGeneralManager, org.RoleMember} {
			_, tok := e.NewUser(admin, "", role)
			tokens[role] = tok
		}
		before := string(e.Must(http.StatusOK, "GET", "/api/v1/workcal", admin, nil).Body)
		writes := []struct {
			method, path string
			body         map[string]any
		}{
			{"PUT", "/api/v1/workcal/settings", map[string]any{"work_days": []int{1, 2}, "work_start": "10:00", "work_end": "16:00"}},
			{"POST", "/api/v1/workcal/range", map[string]any{"start": "2026-02-01", "end": "2026-02-02", "working": false}},
			{"PUT", "/api/v1/workcal/2026-01-20", map[string]any{"working": false}},
			{"DELETE", "/api/v1/workcal/2026-01-20", nil},
			{"PUT", "/api/v1/approval/calendar/settings", map[string]any{"work_days": []int{1, 2}, "work_start": "10:00", "work_end": "16:00"}},
			{"POST", "/api/v1/approval/calendar/range", map[string]any{"start": "2026-02-01", "end": "2026-02-02", "working": false}},
			{"PUT", "/api/v1/approval/calendar/2026-01-20", map[string]any{"working": false}},
			{"POST", "/api/v1/approval/calendar/2026-01-20", map[string]any{"working": false}},
			{"DELETE", "/api/v1/approval/calendar/2026-01-20", nil},
		}
		for role, tok := range tokens {
			for _, p := range []string{"/api/v1/workcal", "/api/v1/approval/calendar"} {
				if r := e.Do("GET", p, tok, nil); r.Status != http.StatusOK {
					t.Errorf("%s reads %s: %d", role, p, r.Status)
				}
			}
			if role == org.RoleAdmin {
				continue
			}
			for _, w := range writes {
				r := e.Do(w.method, w.path, tok, w.body)
				if code, _, _ := r.ErrorCode(); r.Status != http.StatusForbidden || code != "forbidden" {
					t.Errorf("%s %s as %s: %d %s, want 403", w.method, w.path, role, r.Status, r.Body)
				}
			}
		}
		if after := string(e.Must(http.StatusOK, "GET", "/api/v1/workcal", admin, nil).Body); after != before {
			t.Fatalf("refused writes changed the calendar:\n%s\n%s", before, after)
		}
		for _, w := range writes {
			want := http.StatusOK
			if w.method == "DELETE" {
				want = http.StatusNoContent
			}
			e.Must(want, w.method, w.path, admin, w.body)
		}
	})
}
