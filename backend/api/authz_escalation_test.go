package api_test

import (
	"context"
	"net/http"
	"slices"
	"testing"

	"tack/backend/approval"
	"tack/backend/org"
	"tack/backend/server/servertest"
)

// escalationWorld adds to the sweep's company the roles that hold power: HR,
// a general manager, the holder of a custom role, and (already in the world)
// the head of department A, who is also the approver of alice's leave.
type escalationWorld struct {
	*authzWorld
	hr, gm, auditor    org.User
	hrT, gmT, auditorT string
}

func newEscalationWorld(t *testing.T, e *servertest.Env) *escalationWorld {
	w := &escalationWorld{authzWorld: newAuthzWorld(t, e)}
	w.hr, w.hrT = e.NewUser(w.admin, w.deptB.ID, org.RoleHR)
	w.gm, w.gmT = e.NewUser(w.admin, "", org.RoleGeneralManager)
	w.auditor, w.auditorT = e.NewUser(w.admin, w.deptB.ID, w.roleID) // a custom role: privileged unless said otherwise
	e.Must(http.StatusCreated, "POST", "/api/v1/roles", w.admin, map[string]any{"id": "fire_warden", "name": "Fire warden", "privileged": false})
	// Alice becomes bob's manager: she approves his requests' manager steps.
	e.Must(http.StatusOK, "PATCH", "/api/v1/users/"+w.bob.ID, w.admin, map[string]any{"manager_id": w.alice.ID, "version": w.bob.Version})
	var d approval.Detail
	e.Must(http.StatusOK, "GET", "/api/v1/approvals/"+w.approval.ID, w.aliceT, nil).JSON(t, &d)
	if !slices.ContainsFunc(d.Tasks, func(x approval.Task) bool { return x.AssigneeID == w.head.ID }) {
		t.Fatalf("the head is not the approver of alice's leave: %+v", d.Tasks)
	}
	return w
}

// TestAuthzEscalation: every role that holds some power tries to gain more —
// grant itself or others a privileged role, change its own roles, take over
// an approver's account by resetting its password — and is refused with
// nothing changed. Then what each may do still works, and a reset forces the
// owner to choose a new password before anything else.
func TestAuthzEscalation(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		w := newEscalationWorld(t, e)
		u := func(id string) string { return "/api/v1/users/" + id }
		user := func(id string) org.User {
			var x org.User
			e.Must(http.StatusOK, "GET", u(id), w.admin, nil).JSON(t, &x)
			return x
		}
		roles := func(id string, rs ...string) map[string]any {
			if rs == nil {
				rs = []string{} // member only; nil would leave the roles alone
			}
			return map[string]any{"roles": rs, "version": user(id).Version}
		}
		newUser := func(rs ...string) map[string]any {
			return map[string]any{"email": "new@test.tack", "name": "New", "department_id": w.deptB.ID,
				"title": "x", "phone": "13900000998", "roles": rs, "password": "password123"}
		}
		const own, priv, reset, forbidden = "org.own_roles", "org.privileged_role_admins_only", "org.reset_privileged_admins_only", "org.forbidden"
		const selfManager = "org.self_manager_admins_only"
		const privUser = "org.privileged_user_admins_only"
		edit := func(id string, f map[string]any) map[string]any { f["version"] = user(id).Version; return f }
		cases := []struct {
			who, token, method, path string
			body                     any
			key                      string
		}{
			// HR manages people, but no longer power.
			{"hr", w.hrT, "PATCH", u(w.hr.ID), roles(w.hr.ID, org.RoleHR, org.RoleGeneralManager), own},
			{"hr", w.hrT, "PATCH", u(w.hr.ID), roles(w.hr.ID), own},
			{"hr", w.hrT, "PATCH", u(w.bob.ID), roles(w.bob.ID, org.RoleGeneralManager), priv},
			{"hr", w.hrT, "PATCH", u(w.bob.ID), roles(w.bob.ID, org.RoleHR), priv},
			{"hr", w.hrT, "PATCH", u(w.bob.ID), roles(w.bob.ID, org.RoleDeptHead), priv},
			{"hr", w.hrT, "PATCH", u(w.bob.ID), roles(w.bob.ID, w.roleID), priv},
			{"hr", w.hrT, "PATCH", u(w.head.ID), roles(w.head.ID), priv}, // revoking is refused too
			{"hr", w.hrT, "PATCH", u(w.gm.ID), roles(w.gm.ID), priv},
			{"hr", w.hrT, "POST", "/api/v1/users", newUser(org.RoleGeneralManager), priv},
			{"hr", w.hrT, "POST", "/api/v1/users", newUser(w.roleID), priv},
			{"hr", w.hrT, "POST", u(w.gm.ID) + "/reset-password", nil, reset},
			{"hr", w.hrT, "POST", u(w.head.ID) + "/reset-password", nil, reset},
			{"hr", w.hrT, "POST", u(w.auditor.ID) + "/reset-password", nil, reset},
			{"hr", w.hrT, "POST", u(w.alice.ID) + "/reset-password", nil, reset}, // bob's manager
			{"hr", w.hrT, "PATCH", u(w.bob.ID), map[string]any{"manager_id": w.hr.ID, "version": user(w.bob.ID).Version}, selfManager},
			{"hr", w.hrT, "POST", "/api/v1/users", func() map[string]any { b := newUser(); b["manager_id"] = w.hr.ID; return b }(), selfManager},
			{"hr", w.hrT, "POST", u(w.adminUser(t).ID) + "/reset-password", nil, forbidden},
			// HR edits and offboards people, but not those who hold power:
			// moving or offboarding them changes who approves.
			{"hr", w.hrT, "PATCH", u(w.gm.ID), edit(w.gm.ID, map[string]any{"title": "Former GM"}), privUser},
			{"hr", w.hrT, "PATCH", u(w.gm.ID), edit(w.gm.ID, map[string]any{"manager_id": w.bob.ID}), privUser},
			{"hr", w.hrT, "PATCH", u(w.head.ID), edit(w.head.ID, map[string]any{"department_id": w.deptB.ID}), privUser},
			{"hr", w.hrT, "PATCH", u(w.auditor.ID), edit(w.auditor.ID, map[string]any{"email": "elsewhere@test.tack"}), privUser},
			{"hr", w.hrT, "POST", u(w.gm.ID) + "/deactivate", nil, privUser},
			{"hr", w.hrT, "POST", u(w.head.ID) + "/deactivate", nil, privUser},
			{"hr", w.hrT, "POST", u(w.auditor.ID) + "/deactivate", nil, privUser},
			{"hr", w.hrT, "POST", u(w.adminUser(t).ID) + "/deactivate", nil, forbidden},
			{"hr", w.hrT, "PATCH", "/api/v1/roles/" + w.roleID, map[string]any{"name": "Auditor", "privileged": false}, forbidden},
			{"hr", w.hrT, "POST", "/api/v1/roles", map[string]any{"id": "boss", "name": "Boss", "privileged": false}, forbidden},
			{"hr", w.hrT, "PUT", "/api/v1/settings/security", map[string]any{"session_days": 365}, forbidden},
			// The department head, who approves alice's leave.
			{"head (alice's approver)", w.headT, "PATCH", u(w.head.ID), roles(w.head.ID, org.RoleDeptHead, org.RoleGeneralManager), forbidden},
			{"head (alice's approver)", w.headT, "PATCH", u(w.alice.ID), roles(w.alice.ID, org.RoleDeptHead), forbidden},
			{"head (alice's approver)", w.headT, "POST", u(w.alice.ID) + "/reset-password", nil, forbidden},
			{"head (alice's approver)", w.headT, "POST", u(w.alice.ID) + "/deactivate", nil, forbidden},
			{"head (alice's approver)", w.headT, "POST", "/api/v1/users", newUser(), forbidden},
			// The holder of a custom role, and the general manager.
			{"auditor", w.auditorT, "PATCH", u(w.auditor.ID), roles(w.auditor.ID, w.roleID, org.RoleAdmin), forbidden},
			{"auditor", w.auditorT, "POST", u(w.bob.ID) + "/reset-password", nil, forbidden},
			{"gm", w.gmT, "PATCH", u(w.gm.ID), roles(w.gm.ID, org.RoleGeneralManager, org.RoleHR), forbidden},
			{"gm", w.gmT, "POST", u(w.head.ID) + "/reset-password", nil, forbidden},
			// Not even an administrator changes their own roles.
			{"admin", w.admin, "PATCH", u(w.adminUser(t).ID), roles(w.adminUser(t).ID, org.RoleAdmin, org.RoleGeneralManager), own},
		}
		before := w.snapshot(t)
		for _, c := range cases {
			r := e.Do(c.method, c.path, c.token, c.body)
			if _, key, _ := r.ErrorCode(); r.Status != http.StatusForbidden || key != c.key || !errorShape(r.Status, r.Body) {
				t.Errorf("%s: %s %s: %d %s, want 403 %s", c.who, c.method, c.path, r.Status, r.Body, c.key)
			}
		}
		after := w.snapshot(t)
		for k, v := range before {
			if after[k] != v {
				t.Errorf("refused calls changed %s:\nbefore %s\nafter  %s", k, v, after[k])
			}
		}
		for _, tok := range []string{w.gmT, w.headT, w.auditorT} {
			e.Must(http.StatusOK, "GET", "/api/v1/me", tok, nil) // no approver was signed out
		}

		// What they may do still works: HR grants a role without power and
		// resets a plain member's password; an admin grants power and resets
		// an approver's password.
		e.Must(http.StatusOK, "PATCH", u(w.bob.ID), w.hrT, roles(w.bob.ID, "fire_warden"))
		e.Must(http.StatusOK, "PATCH", u(w.bob.ID), w.hrT, edit(w.bob.ID, map[string]any{"title": "Senior engineer", "manager_id": w.head.ID}))
		leaver, _ := e.NewUser(w.admin, w.deptB.ID)
		e.Must(http.StatusOK, "POST", u(leaver.ID)+"/deactivate", w.hrT, nil)
		e.Must(http.StatusOK, "POST", u(w.auditor.ID)+"/deactivate", w.admin, nil)
		if r := e.Do("POST", u(w.auditor.ID)+"/reactivate", w.hrT, nil); r.Status != http.StatusForbidden {
			t.Fatalf("HR reactivates the holder of a privileged role: %d %s", r.Status, r.Body)
		} else if _, key, _ := r.ErrorCode(); key != privUser {
			t.Fatalf("HR reactivates the holder of a privileged role: %s", r.Body)
		}
		e.Must(http.StatusOK, "POST", u(leaver.ID)+"/reactivate", w.hrT, nil)
		var pw struct{ Password string }
		e.Must(http.StatusOK, "POST", u(w.bob.ID)+"/reset-password", w.hrT, nil).JSON(t, &pw)
		mustChangeBeforeAnythingElse(t, e, w.bob, pw.Password, w.hr.Name)
		e.Must(http.StatusOK, "PATCH", u(w.hr.ID), w.admin, roles(w.hr.ID, org.RoleHR, org.RoleGeneralManager))
		e.Must(http.StatusOK, "POST", u(w.gm.ID)+"/reset-password", w.admin, nil).JSON(t, &pw)
		e.Must(http.StatusUnauthorized, "GET", "/api/v1/me", w.gmT, nil)
		mustChangeBeforeAnythingElse(t, e, w.gm, pw.Password, "Admin")
	})
}

// mustChangeBeforeAnythingElse signs u in with the reset password: the
// session may read who it is and change the password, nothing else, until
// the password is changed; the owner was told who reset it.
func mustChangeBeforeAnythingElse(t *testing.T, e *servertest.Env, u org.User, password, by string) {
	t.Helper()
	var login struct {
		Token string
		User  org.User
	}
	e.Must(http.StatusOK, "POST", "/api/v1/auth/login", "", map[string]string{"email": u.Email, "password": password}).JSON(t, &login)
	if !login.User.MustChangePassword {
		t.Fatalf("%s: sign-in after a reset does not ask for a new password: %+v", u.Email, login.User)
	}
	for _, path := range []string{"/api/v1/approvals?box=mine", "/api/v1/notifications", "/api/v1/drive/spaces", "/api/v1/users"} {
		r := e.Must(http.StatusForbidden, "GET", path, login.Token, nil)
		if _, key, _ := r.ErrorCode(); key != "auth.password_change_required" {
			t.Fatalf("%s before the change: %s", path, r.Body)
		}
	}
	e.Must(http.StatusOK, "GET", "/api/v1/me", login.Token, nil)
	var changed struct {
		Token string
		User  org.User
	}
	e.Must(http.StatusOK, "POST", "/api/v1/me/password", login.Token, map[string]string{
		"current_password": password, "new_password": "chosen-by-" + u.Name}).JSON(t, &changed)
	if changed.User.MustChangePassword {
		t.Fatalf("flag kept after the change: %+v", changed.User)
	}
	if _, err := e.Server.Notify.NewDispatcher().RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	var page struct {
		Items []struct{ Type, Title string }
	}
	e.Must(http.StatusOK, "GET", "/api/v1/notifications", changed.Token, nil).JSON(t, &page)
	if !slices.ContainsFunc(page.Items, func(n struct{ Type, Title string }) bool {
		return n.Type == "org.password_reset" && n.Title == by
	}) {
		t.Fatalf("%s was not told of the reset by %s: %+v", u.Email, by, page.Items)
	}
}

// adminUser is the workspace's first administrator.
func (w *escalationWorld) adminUser(t *testing.T) org.User {
	var me org.User
	w.e.Must(http.StatusOK, "GET", "/api/v1/me", w.admin, nil).JSON(t, &me)
	return me
}
