package api_test

import (
	"net/http"
	"slices"
	"testing"

	"tack/backend/server/servertest"
)

func TestSetupOnceAndHelpers(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		var st map[string]bool
		e.Must(http.StatusOK, "GET", "/api/v1/setup", "", nil).JSON(t, &st)
		if !st["needed"] {
			t.Fatal("fresh workspace does not need setup")
		}
		token, admin := e.Setup()
		if !slices.Contains(admin.Roles, "admin") || !slices.Contains(admin.Roles, "member") {
			t.Fatalf("admin roles = %v", admin.Roles)
		}
		e.Must(http.StatusOK, "GET", "/api/v1/setup", "", nil).JSON(t, &st)
		if st["needed"] {
			t.Fatal("setup still needed after setup")
		}
		r := e.Must(http.StatusConflict, "POST", "/api/v1/setup", "", map[string]any{
			"company_name": "Again", "admin": map[string]any{"name": "X", "email": "x@y.com",
				"password": "password123", "phone": "13800000001", "title": "T"}})
		if _, key, _ := r.ErrorCode(); key != "setup.already_done" {
			t.Fatalf("second setup: %s", r.Body)
		}
		dept := e.NewDepartment(token, "R&D", "", nil)
		u, ut := e.NewUser(token, dept.ID, "hr")
		if u.DepartmentID != dept.ID || !slices.Contains(u.Roles, "hr") {
			t.Fatalf("user = %+v", u)
		}
		var me map[string]any
		e.Must(http.StatusOK, "GET", "/api/v1/me", ut, nil).JSON(t, &me)
		if me["id"] != u.ID || me["password_hash"] != nil || me["totp_secret"] != nil {
			t.Fatalf("me = %v", me)
		}
	})
}
