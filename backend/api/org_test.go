package api_test

import (
	"context"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
	"gorm.io/gorm"

	"tack/backend/org"
	"tack/backend/server/servertest"
)

// cookieDo sends a request authenticated by the session cookie, with or
// without the CSRF header.
func cookieDo(t *testing.T, e *servertest.Env, method, path, token string, csrf bool, body string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, e.HTTP.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.AddCookie(&http.Cookie{Name: "tack_session", Value: token})
	if csrf {
		req.Header.Set("X-Tack-Request", "1")
	}
	resp, err := e.HTTP.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

func sessionCookie(r servertest.Response) *http.Cookie {
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		if c.Name == "tack_session" {
			return c
		}
	}
	return nil
}

func TestLoginLogoutAndRateLimit(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		e.Setup()
		cases := []struct {
			name   string
			body   any
			status int
			key    string
		}{
			{"ok", map[string]string{"email": servertest.AdminEmail, "password": servertest.TestPassword}, 200, ""},
			{"wrong password", map[string]string{"email": servertest.AdminEmail, "password": "nope"}, 401, "auth.bad_credentials"},
			{"unknown email", map[string]string{"email": "who@test.tack", "password": "nope"}, 401, "auth.bad_credentials"},
			{"not json", "{", 400, "invalid_json"},
		}
		for _, c := range cases {
			r := e.Must(c.status, "POST", "/api/v1/auth/login", "", c.body)
			if c.key != "" {
				if _, key, _ := r.ErrorCode(); key != c.key {
					t.Errorf("%s: key %s", c.name, key)
				}
				continue
			}
			var res struct {
				Token     string    `json:"token"`
				User      org.User  `json:"user"`
				ExpiresAt time.Time `json:"expires_at"`
			}
			r.JSON(t, &res)
			ck := sessionCookie(r)
			if ck == nil || ck.Value != res.Token || !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode || ck.Secure {
				t.Fatalf("%s: cookie %+v", c.name, ck)
			}
			if res.User.Email != servertest.AdminEmail || !res.ExpiresAt.After(e.Clock.Now()) {
				t.Fatalf("%s: %+v", c.name, res)
			}
			r = e.Must(204, "POST", "/api/v1/auth/logout", res.Token, nil)
			if ck := sessionCookie(r); ck == nil || ck.MaxAge >= 0 {
				t.Fatalf("logout does not clear the cookie: %+v", ck)
			}
			e.Must(401, "GET", "/api/v1/me", res.Token, nil)
		}
		// One failure for this email so far; four more reach the limit of five.
		for i := 0; i < 4; i++ {
			e.Must(401, "POST", "/api/v1/auth/login", "", map[string]string{"email": servertest.AdminEmail, "password": "nope"})
		}
		r := e.Must(429, "POST", "/api/v1/auth/login", "", map[string]string{"email": servertest.AdminEmail, "password": servertest.TestPassword})
		if code, key, _ := r.ErrorCode(); code != "rate_limited" || key != "auth.rate_limited" {
			t.Fatalf("rate limited: %s", r.Body)
		}
		e.Clock.Advance(15*time.Minute + time.Second)
		e.Login(servertest.AdminEmail, servertest.TestPassword)
	})
}

func TestCookieAuthNeedsCSRFHeader(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		token, _ := e.Setup()
		cases := []struct {
			method, path string
			csrf         bool
			status       int
		}{
			{"GET", "/api/v1/me", false, 200},
			{"POST", "/api/v1/me/totp/setup", false, 403},
			{"POST", "/api/v1/me/totp/setup", true, 200},
			{"POST", "/api/v1/auth/logout", false, 403},
			{"POST", "/api/v1/auth/logout", true, 204},
			{"GET", "/api/v1/me", false, 401},
		}
		for _, c := range cases {
			if resp := cookieDo(t, e, c.method, c.path, token, c.csrf, ""); resp.StatusCode != c.status {
				t.Errorf("%s %s csrf=%v: %d, want %d", c.method, c.path, c.csrf, resp.StatusCode, c.status)
			}
		}
	})
}

func TestTOTPFlow(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		token, _ := e.Setup()
		var setup struct {
			Secret     string `json:"secret"`
			OTPAuthURL string `json:"otpauth_url"`
		}
		e.Must(200, "POST", "/api/v1/me/totp/setup", token, nil).JSON(t, &setup)
		if setup.Secret == "" || !strings.HasPrefix(setup.OTPAuthURL, "otpauth://totp/Tack:") {
			t.Fatalf("setup = %+v", setup)
		}
		code := func() string {
			c, err := totp.GenerateCodeCustom(setup.Secret, e.Clock.Now(), org.TOTPOptions)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		wrong := func() string { // a valid-looking code that is not current
			c, _ := totp.GenerateCodeCustom(setup.Secret, e.Clock.Now().Add(-10*time.Minute), org.TOTPOptions)
			return c
		}
		r := e.Must(400, "POST", "/api/v1/me/totp/enable", token, map[string]string{"code": wrong()})
		if _, _, f := r.ErrorCode(); f["code"] != "invalid" {
			t.Fatalf("wrong code: %s", r.Body)
		}
		e.Must(204, "POST", "/api/v1/me/totp/enable", token, map[string]string{"code": code()})
		e.Must(409, "POST", "/api/v1/me/totp/setup", token, nil)
		login := map[string]string{"email": servertest.AdminEmail, "password": servertest.TestPassword}
		r = e.Must(401, "POST", "/api/v1/auth/login", "", login)
		if _, key, _ := r.ErrorCode(); key != "auth.totp_required" {
			t.Fatalf("no code: %s", r.Body)
		}
		login["totp_code"] = wrong()
		r = e.Must(401, "POST", "/api/v1/auth/login", "", login)
		if _, key, _ := r.ErrorCode(); key != "auth.bad_totp" {
			t.Fatalf("wrong code: %s", r.Body)
		}
		e.Clock.Advance(time.Minute)
		login["totp_code"] = code()
		var res struct {
			Token string   `json:"token"`
			User  org.User `json:"user"`
		}
		e.Must(200, "POST", "/api/v1/auth/login", "", login).JSON(t, &res)
		if !res.User.TOTPEnabled {
			t.Fatal("user does not show totp_enabled to themselves")
		}
		// A code is accepted once only.
		r = e.Must(401, "POST", "/api/v1/auth/login", "", login)
		if _, key, _ := r.ErrorCode(); key != "auth.bad_totp" {
			t.Fatalf("replayed code: %s", r.Body)
		}
		e.Clock.Advance(30 * time.Second)
		e.Must(204, "POST", "/api/v1/me/totp/disable", res.Token, map[string]string{"code": code()})
		e.Login(servertest.AdminEmail, servertest.TestPassword)
	})
}

func countRows(t *testing.T, db *gorm.DB, tables ...string) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for _, tb := range tables {
		var n int64
		if err := db.Table(tb).Count(&n).Error; err != nil {
			t.Fatal(err)
		}
		out[tb] = n
	}
	return out
}

func TestInvalidInputWritesNothing(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		token, admin := e.Setup()
		root := e.RootDepartment(token)
		tables := []string{"users", "user_roles", "departments", "roles", "audit_log", "events"}
		before := countRows(t, e.Server.DB, tables...)
		cases := []struct {
			path   string
			body   any
			fields map[string]string
		}{
			{"/api/v1/users", map[string]any{"email": "not-an-email", "name": " ", "department_id": "nope",
				"title": "", "phone": "abc", "manager_id": "ghost", "roles": []string{"member", "ghost"}, "password": "short"},
				map[string]string{"email": "invalid_email", "name": "required", "department_id": "not_found", "title": "required",
					"phone": "invalid_phone", "manager_id": "not_found", "roles": "not_found", "password": "too_short"}},
			{"/api/v1/users", map[string]any{"email": servertest.AdminEmail, "name": "X", "department_id": root.ID,
				"title": "T", "phone": "13800000000"}, map[string]string{"email": "duplicate"}},
			{"/api/v1/users", map[string]any{}, map[string]string{"email": "required", "name": "required",
				"department_id": "required", "title": "required", "phone": "required"}},
			{"/api/v1/departments", map[string]any{"name": strings.Repeat("长", 65), "parent_id": "nope", "head_id": "ghost"},
				map[string]string{"name": "too_long", "parent_id": "not_found", "head_id": "not_found"}},
			{"/api/v1/roles", map[string]any{"id": "Bad Id", "name": ""}, map[string]string{"id": "invalid", "name": "required"}},
		}
		for _, c := range cases {
			r := e.Must(400, "POST", c.path, token, c.body)
			code, _, fields := r.ErrorCode()
			if code != "invalid" {
				t.Errorf("%s: code %s", c.path, code)
			}
			for k, v := range c.fields {
				if fields[k] != v {
					t.Errorf("%s: field %s = %q, want %q (%v)", c.path, k, fields[k], v, fields)
				}
			}
		}
		e.Must(400, "PATCH", "/api/v1/users/"+admin.ID, token, map[string]any{"phone": "12", "version": admin.Version})
		if after := countRows(t, e.Server.DB, tables...); !mapsEqual(before, after) {
			t.Fatalf("invalid requests wrote rows: before %v after %v", before, after)
		}
		if u, _ := e.Server.Org.User(context.Background(), admin.ID); u.Version != admin.Version || u.Phone != admin.Phone {
			t.Fatalf("invalid patch changed the user: %+v", u)
		}
	})
}

func mapsEqual(a, b map[string]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestOrgPermissionMatrix(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		adminToken, _ := e.Setup()
		dept := e.NewDepartment(adminToken, "Ops", "", nil)
		_, memberToken := e.NewUser(adminToken, dept.ID)
		_, hrToken := e.NewUser(adminToken, dept.ID, "hr")
		head, headToken := e.NewUser(adminToken, dept.ID)
		e.Must(200, "PATCH", "/api/v1/departments/"+dept.ID, adminToken, map[string]any{"head_id": head.ID, "version": dept.Version})
		headToken = e.Login(head.Email, servertest.TestPassword) // roles changed: dept_head was granted
		tokens := map[string]string{"admin": adminToken, "hr": hrToken, "member": memberToken, "head": headToken}
		n := 0
		newUser := func() map[string]any {
			n++
			return map[string]any{"email": "p" + string(rune('a'+n)) + "@test.tack", "name": "P", "department_id": dept.ID,
				"title": "T", "phone": "1370000" + strconv.Itoa(1000+n)}
		}
		cases := []struct {
			who, method, path string
			body              func() any
			status            int
		}{
			{"member", "GET", "/api/v1/users", nil, 200},
			{"member", "GET", "/api/v1/departments", nil, 200},
			{"member", "GET", "/api/v1/roles", nil, 200},
			{"member", "POST", "/api/v1/users", func() any { return newUser() }, 403},
			{"head", "POST", "/api/v1/users", func() any { return newUser() }, 403},
			{"hr", "POST", "/api/v1/users", func() any { return newUser() }, 201},
			{"admin", "POST", "/api/v1/users", func() any { return newUser() }, 201},
			{"member", "POST", "/api/v1/departments", func() any { return map[string]any{"name": "X", "parent_id": dept.ID} }, 403},
			{"hr", "POST", "/api/v1/departments", func() any { return map[string]any{"name": "X", "parent_id": dept.ID} }, 403},
			{"admin", "POST", "/api/v1/departments", func() any { return map[string]any{"name": "X", "parent_id": dept.ID} }, 201},
			{"hr", "POST", "/api/v1/roles", func() any { return map[string]any{"id": "auditor", "name": "Auditor"} }, 403},
			{"admin", "POST", "/api/v1/roles", func() any { return map[string]any{"id": "auditor", "name": "Auditor"} }, 201},
			{"admin", "POST", "/api/v1/roles", func() any { return map[string]any{"id": "auditor", "name": "Auditor"} }, 409},
			{"hr", "DELETE", "/api/v1/roles/auditor", nil, 403},
			{"admin", "DELETE", "/api/v1/roles/admin", nil, 409},
			{"admin", "DELETE", "/api/v1/roles/auditor", nil, 204},
			{"member", "GET", "/api/v1/audit", nil, 403},
			{"hr", "GET", "/api/v1/audit", nil, 403},
			{"admin", "GET", "/api/v1/audit", nil, 200},
			{"member", "GET", "/api/v1/users?include_inactive=1", nil, 200},
		}
		for i, c := range cases {
			var body any
			if c.body != nil {
				body = c.body()
			}
			if r := e.Do(c.method, c.path, tokens[c.who], body); r.Status != c.status {
				t.Errorf("case %d: %s %s %s: %d, want %d: %s", i, c.who, c.method, c.path, r.Status, c.status, r.Body)
			}
		}
		// Nobody else sees password or TOTP secrets in the directory.
		r := e.Must(200, "GET", "/api/v1/users", memberToken, nil)
		for _, bad := range []string{"password", "totp_secret", "$argon2id"} {
			if strings.Contains(string(r.Body), bad) {
				t.Fatalf("directory leaks %q: %s", bad, r.Body)
			}
		}
	})
}

func TestDepartmentCycleAndVersionConflict(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		token, admin := e.Setup()
		a := e.NewDepartment(token, "A", "", nil)
		b := e.NewDepartment(token, "B", a.ID, nil)
		r := e.Must(409, "PATCH", "/api/v1/departments/"+a.ID, token, map[string]any{"parent_id": b.ID, "version": a.Version})
		if _, key, _ := r.ErrorCode(); key != "org.department_cycle" {
			t.Fatalf("cycle: %s", r.Body)
		}
		var a2 org.Department
		e.Must(200, "PATCH", "/api/v1/departments/"+a.ID, token, map[string]any{"name": "A2", "version": a.Version}).JSON(t, &a2)
		r = e.Must(409, "PATCH", "/api/v1/departments/"+a.ID, token, map[string]any{"name": "A3", "version": a.Version})
		if _, key, _ := r.ErrorCode(); key != "org.stale_version" {
			t.Fatalf("stale department: %s", r.Body)
		}
		e.Must(409, "DELETE", "/api/v1/departments/"+a.ID, token, nil)
		u, _ := e.NewUser(token, b.ID)
		e.Must(409, "DELETE", "/api/v1/departments/"+b.ID, token, nil)
		e.Must(200, "PATCH", "/api/v1/users/"+u.ID, token, map[string]any{"title": "Lead", "version": u.Version})
		r = e.Must(409, "PATCH", "/api/v1/users/"+u.ID, token, map[string]any{"title": "Stale", "version": u.Version})
		if _, key, _ := r.ErrorCode(); key != "org.stale_version" {
			t.Fatalf("stale user: %s", r.Body)
		}
		var got org.User
		e.Must(200, "GET", "/api/v1/users/"+u.ID, token, nil).JSON(t, &got)
		if got.Title != "Lead" || got.Version != u.Version+1 {
			t.Fatalf("user = %+v", got)
		}
		e.Must(200, "PATCH", "/api/v1/users/"+u.ID, token, map[string]any{"department_id": a.ID, "manager_id": admin.ID, "version": got.Version}).JSON(t, &got)
		if got.ManagerID == nil || *got.ManagerID != admin.ID {
			t.Fatalf("manager not set: %+v", got)
		}
		e.Must(200, "PATCH", "/api/v1/users/"+u.ID, token, map[string]any{"manager_id": nil, "version": got.Version}).JSON(t, &got)
		if got.ManagerID != nil {
			t.Fatalf("manager not cleared by null: %+v", got)
		}
		e.Must(204, "DELETE", "/api/v1/departments/"+b.ID, token, nil)
		var d org.Department
		e.Must(200, "PATCH", "/api/v1/departments/"+a.ID, token, map[string]any{"head_id": u.ID, "version": a2.Version}).JSON(t, &d)
		if d.HeadID == nil || *d.HeadID != u.ID {
			t.Fatalf("head not set: %+v", d)
		}
		e.Must(200, "PATCH", "/api/v1/departments/"+a.ID, token, map[string]any{"head_id": nil, "version": d.Version}).JSON(t, &d)
		if d.HeadID != nil {
			t.Fatalf("head not cleared by null: %+v", d)
		}
	})
}

func TestDeactivateAPI(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		adminToken, admin := e.Setup()
		var hooked []string
		e.Server.Org.OnDeactivate(func(_ context.Context, _ *gorm.DB, u org.User, m *org.User) error {
			hooked = append(hooked, u.ID+">"+m.ID)
			return nil
		})
		_, hrToken := e.NewUser(adminToken, "", "hr")
		leaver, leaverToken := e.NewUser(adminToken, "")
		other := e.Login(leaver.Email, servertest.TestPassword) // a second device
		var u org.User
		e.Must(200, "POST", "/api/v1/users/"+leaver.ID+"/deactivate", hrToken, nil).JSON(t, &u)
		if u.Active || u.DeactivatedAt == nil {
			t.Fatalf("deactivated user = %+v", u)
		}
		// Manager: no manager set, so the head of the root department (the admin).
		if !slices.Equal(hooked, []string{leaver.ID + ">" + admin.ID}) {
			t.Fatalf("hooks = %v", hooked)
		}
		for _, tok := range []string{leaverToken, other} {
			e.Must(401, "GET", "/api/v1/me", tok, nil)
		}
		r := e.Must(401, "POST", "/api/v1/auth/login", "", map[string]string{"email": leaver.Email, "password": servertest.TestPassword})
		if _, key, _ := r.ErrorCode(); key != "auth.bad_credentials" {
			t.Fatalf("login of deactivated user: %s", r.Body)
		}
		// Data kept: still readable, listed only with include_inactive for HR/admin.
		e.Must(200, "GET", "/api/v1/users/"+leaver.ID, adminToken, nil)
		var page struct{ Items []org.User }
		e.Must(200, "GET", "/api/v1/users?include_inactive=1&limit=200", hrToken, nil).JSON(t, &page)
		if !slices.ContainsFunc(page.Items, func(x org.User) bool { return x.ID == leaver.ID }) {
			t.Fatal("HR does not see the inactive user")
		}
		e.Must(200, "GET", "/api/v1/users?limit=200", hrToken, nil).JSON(t, &page)
		if slices.ContainsFunc(page.Items, func(x org.User) bool { return x.ID == leaver.ID }) {
			t.Fatal("inactive user listed by default")
		}
		var audit struct {
			Items []struct {
				Action   string         `json:"action"`
				TargetID string         `json:"target_id"`
				Detail   map[string]any `json:"detail"`
			}
			NextCursor string `json:"next_cursor"`
		}
		e.Must(200, "GET", "/api/v1/audit?limit=1", adminToken, nil).JSON(t, &audit)
		if len(audit.Items) != 1 || audit.Items[0].Action != "user.deactivate" || audit.Items[0].TargetID != leaver.ID || audit.NextCursor == "" {
			t.Fatalf("audit = %+v", audit)
		}
		if n, _ := audit.Items[0].Detail["sessions_revoked"].(float64); n != 2 {
			t.Fatalf("audit detail = %v", audit.Items[0].Detail)
		}
		e.Must(200, "GET", "/api/v1/audit?cursor="+audit.NextCursor, adminToken, nil)
		// Refusals.
		e.Must(409, "POST", "/api/v1/users/"+leaver.ID+"/deactivate", adminToken, nil)
		r = e.Must(409, "POST", "/api/v1/users/"+admin.ID+"/deactivate", adminToken, nil)
		if _, key, _ := r.ErrorCode(); key != "org.cannot_deactivate_self" {
			t.Fatalf("self: %s", r.Body)
		}
		e.Must(403, "POST", "/api/v1/users/"+admin.ID+"/deactivate", hrToken, nil)
		// Reactivate and reset password.
		e.Must(200, "POST", "/api/v1/users/"+leaver.ID+"/reactivate", adminToken, nil)
		var pw map[string]string
		e.Must(200, "POST", "/api/v1/users/"+leaver.ID+"/reset-password", adminToken, nil).JSON(t, &pw)
		e.Login(leaver.Email, pw["password"])
	})
}

func TestChangePasswordRevokesOtherSessions(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		adminToken, _ := e.Setup()
		u, tok := e.NewUser(adminToken, "")
		other := e.Login(u.Email, servertest.TestPassword)
		r := e.Must(400, "POST", "/api/v1/me/password", tok, map[string]string{"current_password": "wrong", "new_password": "newpassword1"})
		if _, _, f := r.ErrorCode(); f["current_password"] != "invalid" {
			t.Fatalf("wrong current: %s", r.Body)
		}
		r = e.Must(400, "POST", "/api/v1/me/password", tok, map[string]string{"current_password": servertest.TestPassword, "new_password": "short"})
		if _, _, f := r.ErrorCode(); f["new_password"] != "too_short" {
			t.Fatalf("short: %s", r.Body)
		}
		var res struct{ Token string }
		e.Must(200, "POST", "/api/v1/me/password", tok, map[string]string{"current_password": servertest.TestPassword, "new_password": "newpassword1"}).JSON(t, &res)
		e.Must(200, "GET", "/api/v1/me", res.Token, nil)
		e.Must(401, "GET", "/api/v1/me", tok, nil) // the token that changed it is rotated too
		e.Must(401, "GET", "/api/v1/me", other, nil)
		e.Login(u.Email, "newpassword1")
	})
}
