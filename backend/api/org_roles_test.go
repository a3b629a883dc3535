package api_test

import (
	"testing"

	"tack/backend/org"
	"tack/backend/server/servertest"
)

// Custom roles can be renamed by admins; built-in roles and bad input are refused
// and change nothing.
func TestUpdateRole(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		admin, _ := e.Setup()
		_, hr := e.NewUser(admin, e.RootDepartment(admin).ID, "hr")
		e.Must(201, "POST", "/api/v1/roles", admin, map[string]any{"id": "finance", "name": "Finance"})
		cases := []struct {
			name, token, id string
			body            map[string]any
			status          int
			key             string
		}{
			{"hr may not", hr, "finance", map[string]any{"name": "X"}, 403, "org.forbidden"},
			{"name required", admin, "finance", map[string]any{"name": " "}, 400, "org.invalid_role"},
			{"built-in", admin, "admin", map[string]any{"name": "Boss"}, 409, "org.role_builtin"},
			{"missing", admin, "nope", map[string]any{"name": "X"}, 404, "org.role_not_found"},
			{"ok", admin, "finance", map[string]any{"name": "财务", "description": "报销复核"}, 200, ""},
		}
		for _, c := range cases {
			r := e.Do("PATCH", "/api/v1/roles/"+c.id, c.token, c.body)
			if r.Status != c.status {
				t.Fatalf("%s: %d, want %d: %s", c.name, r.Status, c.status, r.Body)
			}
			if _, key, _ := r.ErrorCode(); key != c.key {
				t.Fatalf("%s: key %q, want %q", c.name, key, c.key)
			}
		}
		var page struct{ Items []org.Role }
		e.Must(200, "GET", "/api/v1/roles", admin, nil).JSON(t, &page)
		for _, r := range page.Items {
			if r.ID == "finance" && (r.Name != "财务" || r.Description != "报销复核") {
				t.Fatalf("finance not updated: %+v", r)
			}
			if r.ID == "admin" && r.Name != "Administrator" {
				t.Fatalf("built-in role changed: %+v", r)
			}
		}
	})
}
