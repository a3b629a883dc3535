package api_test

import (
	"fmt"
	"net/http"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"tack/backend/org"
	"tack/backend/server/servertest"
)

// 200 parallel wrong passwords over HTTP: the attempts are counted before
// hashing, so at most the allowance is hashed (5 for one account, 20 for
// one address) and never more hashes run at once than there are slots.
func TestLoginBurstHashesAtMostTheAllowance(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		e.Setup()
		burst := func(email func(i int) string) map[int]int {
			var mu sync.Mutex
			statuses := map[int]int{}
			var wg sync.WaitGroup
			for i := 0; i < 200; i++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					r := e.Do("POST", "/api/v1/auth/login", "", map[string]string{"email": email(i), "password": "wrong-password"})
					mu.Lock()
					statuses[r.Status]++
					mu.Unlock()
				}()
			}
			wg.Wait()
			return statuses
		}
		h0, _ := e.Server.Org.PasswordWork()
		st := burst(func(int) string { return servertest.AdminEmail })
		h1, _ := e.Server.Org.PasswordWork()
		if h1-h0 > 5 || st[http.StatusUnauthorized] > 5 || st[http.StatusUnauthorized]+st[http.StatusTooManyRequests] != 200 {
			t.Fatalf("one account: %d hashes, statuses %v", h1-h0, st)
		}
		st = burst(func(i int) string { return fmt.Sprintf("nobody%d@test.tack", i) })
		h2, peak := e.Server.Org.PasswordWork()
		if h2-h1 > 20 || st[http.StatusUnauthorized] > 20 || st[http.StatusUnauthorized]+st[http.StatusTooManyRequests] != 200 {
			t.Fatalf("one address: %d hashes, statuses %v", h2-h1, st)
		}
		if peak > int64(max(2, runtime.NumCPU())) {
			t.Fatalf("%d password hashes at once (19 MiB each)", peak)
		}
	})
}

// A generated first password is seen by whoever opened the account: the new
// user must replace it before anything else, like a reset one.
func TestGeneratedPasswordMustBeReplaced(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		adminT, _ := e.Setup()
		var res struct {
			User            org.User
			InitialPassword string `json:"initial_password"`
		}
		e.Must(http.StatusCreated, "POST", "/api/v1/users", adminT, map[string]any{"email": "new@test.tack", "name": "New",
			"department_id": e.RootDepartment(adminT).ID, "title": "x", "phone": "13900000997", "roles": []string{}}).JSON(t, &res)
		var login struct {
			Token string
			User  org.User
		}
		e.Must(http.StatusOK, "POST", "/api/v1/auth/login", "", map[string]string{"email": "new@test.tack", "password": res.InitialPassword}).JSON(t, &login)
		if !login.User.MustChangePassword {
			t.Fatalf("generated password need not be replaced: %+v", login.User)
		}
		r := e.Must(http.StatusForbidden, "GET", "/api/v1/drive/spaces", login.Token, nil)
		if _, key, _ := r.ErrorCode(); key != "auth.password_change_required" {
			t.Fatalf("before the change: %s", r.Body)
		}
		var changed struct{ Token string }
		e.Must(http.StatusOK, "POST", "/api/v1/me/password", login.Token, map[string]string{
			"current_password": res.InitialPassword, "new_password": "my-own-password"}).JSON(t, &changed)
		e.Must(http.StatusOK, "GET", "/api/v1/drive/spaces", changed.Token, nil)
	})
}

// A deactivated account's sign-in answers the same with the right and a
// wrong password.
func TestDeactivatedLoginIndistinguishable(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		adminT, _ := e.Setup()
		u, _ := e.NewUser(adminT, "")
		e.Must(http.StatusOK, "POST", "/api/v1/users/"+u.ID+"/deactivate", adminT, nil)
		right := e.Do("POST", "/api/v1/auth/login", "", map[string]string{"email": u.Email, "password": servertest.TestPassword})
		wrong := e.Do("POST", "/api/v1/auth/login", "", map[string]string{"email": u.Email, "password": "not-the-password"})
		if right.Status != http.StatusUnauthorized || right.Status != wrong.Status || string(right.Body) != string(wrong.Body) {
			t.Fatalf("right password: %d %s\nwrong password: %d %s", right.Status, right.Body, wrong.Status, wrong.Body)
		}
	})
}

// Authenticator codes are throttled like passwords wherever they are
// checked: turning 2FA on, signing in, turning it off. After five wrong
// codes even the right one waits.
func TestTOTPCodeChecksThrottled(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		adminT, _ := e.Setup()
		u, tok := e.NewUser(adminT, "")
		var setup org.TOTPSetup
		e.Must(http.StatusOK, "POST", "/api/v1/me/totp/setup", tok, nil).JSON(t, &setup)
		code := func() string {
			c, err := totp.GenerateCodeCustom(setup.Secret, e.Clock.Now(), org.TOTPOptions)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		wrongCode := func() string { return fmt.Sprintf("%06d", (atoi(code())+1)%1000000) }
		throttled := func(what string, try func(code string) servertest.Response, wrongStatus int) {
			t.Helper()
			for i := 0; i < 5; i++ {
				if r := try(wrongCode()); r.Status != wrongStatus {
					t.Fatalf("%s: wrong code %d: %d %s", what, i, r.Status, r.Body)
				}
			}
			r := try(code())
			if _, key, _ := r.ErrorCode(); r.Status != http.StatusTooManyRequests || key != "auth.rate_limited" {
				t.Fatalf("%s: sixth try with the right code: %d %s", what, r.Status, r.Body)
			}
			e.Clock.Advance(31 * time.Second) // past the delay, and a fresh code
			if r := try(code()); r.Status >= 300 {
				t.Fatalf("%s: after the delay: %d %s", what, r.Status, r.Body)
			}
		}
		throttled("enable", func(c string) servertest.Response {
			return e.Do("POST", "/api/v1/me/totp/enable", tok, map[string]string{"code": c})
		}, http.StatusBadRequest)
		throttled("sign-in", func(c string) servertest.Response {
			r := e.Do("POST", "/api/v1/auth/login", "", map[string]string{"email": u.Email, "password": servertest.TestPassword, "totp_code": c})
			if r.Status == http.StatusOK {
				var res struct{ Token string }
				r.JSON(t, &res)
				tok = res.Token
			}
			return r
		}, http.StatusUnauthorized)
		throttled("disable", func(c string) servertest.Response {
			return e.Do("POST", "/api/v1/me/totp/disable", tok, map[string]string{"code": c})
		}, http.StatusBadRequest)
	})
}

func atoi(s string) int {
	n := 0
	fmt.Sscanf(s, "%d", &n)
	return n
}

// A session ends at its absolute lifetime however busy it is (default 30
// days; the server's --session-days sets it), and changing the password
// replaces the session that did it with a new one.
func TestSessionLifetimeAndRotation(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		adminT, _ := e.Setup()
		u, tok := e.NewUser(adminT, "")
		for week := 0; week < 4; week++ { // used every week: the idle expiry keeps sliding
			e.Clock.Advance(7 * 24 * time.Hour)
			e.Must(http.StatusOK, "GET", "/api/v1/me", tok, nil)
		}
		e.Clock.Advance(2*24*time.Hour + time.Minute) // 30 days and a minute after sign-in
		e.Must(http.StatusUnauthorized, "GET", "/api/v1/me", tok, nil)

		e.Server.Org.SetSessionLifetime(48 * time.Hour)
		var login struct {
			Token     string
			ExpiresAt time.Time `json:"expires_at"`
		}
		start := e.Clock.Now()
		e.Must(http.StatusOK, "POST", "/api/v1/auth/login", "", map[string]string{"email": u.Email, "password": servertest.TestPassword}).JSON(t, &login)
		if !login.ExpiresAt.Equal(start.Add(48 * time.Hour)) {
			t.Fatalf("expires_at %v, want %v", login.ExpiresAt, start.Add(48*time.Hour))
		}
		e.Clock.Advance(47 * time.Hour)
		e.Must(http.StatusOK, "GET", "/api/v1/me", login.Token, nil)
		e.Clock.Advance(time.Hour)
		e.Must(http.StatusUnauthorized, "GET", "/api/v1/me", login.Token, nil)

		// An administrator sets the workspace's own lifetime; bad values change nothing.
		e.Server.Org.SetSessionLifetime(30 * 24 * time.Hour)
		adminT = e.Login(servertest.AdminEmail, servertest.TestPassword)
		for _, bad := range []any{-1, 366, "7"} {
			r := e.Must(http.StatusBadRequest, "PUT", "/api/v1/settings/security", adminT, map[string]any{"session_days": bad})
			if code, _, _ := r.ErrorCode(); code != "invalid" {
				t.Fatalf("session_days %v: %s", bad, r.Body)
			}
		}
		var set org.SecuritySettings
		e.Must(http.StatusOK, "GET", "/api/v1/settings/security", adminT, nil).JSON(t, &set)
		if set != (org.SecuritySettings{SessionDays: 0, DefaultDays: 30}) {
			t.Fatalf("settings %+v", set)
		}
		week := e.Login(u.Email, servertest.TestPassword)
		e.Clock.Advance(4 * 24 * time.Hour)
		adminT = e.Login(servertest.AdminEmail, servertest.TestPassword)
		e.Must(http.StatusOK, "PUT", "/api/v1/settings/security", adminT, map[string]any{"session_days": 3}).JSON(t, &set)
		if set.SessionDays != 3 {
			t.Fatalf("settings %+v", set)
		}
		e.Must(http.StatusUnauthorized, "GET", "/api/v1/me", week, nil) // 4 days old: past the new lifetime
		e.Must(http.StatusOK, "GET", "/api/v1/me", adminT, nil)
		e.Clock.Advance(3 * 24 * time.Hour)
		e.Must(http.StatusUnauthorized, "GET", "/api/v1/me", adminT, nil)

		tok = e.Login(u.Email, servertest.TestPassword)
		r := e.Must(http.StatusOK, "POST", "/api/v1/me/password", tok, map[string]string{
			"current_password": servertest.TestPassword, "new_password": "rotated-pass"})
		var res struct{ Token string }
		r.JSON(t, &res)
		var cookie *http.Cookie
		for _, c := range (&http.Response{Header: r.Header}).Cookies() {
			if c.Name == "tack_session" {
				cookie = c
			}
		}
		if res.Token == "" || res.Token == tok || cookie == nil || cookie.Value != res.Token || !cookie.HttpOnly {
			t.Fatalf("rotation: token %q (old %q), cookie %+v", res.Token, tok, cookie)
		}
		e.Must(http.StatusUnauthorized, "GET", "/api/v1/me", tok, nil)
		e.Must(http.StatusOK, "GET", "/api/v1/me", res.Token, nil)
	})
}
