package org_test

import (
	"context"
	"testing"

	"github.com/pquerna/otp/totp"

	"tack/backend/org"
	"tack/backend/server/servertest"
)

// GET /me answers from the session cache's copy of the user's row. The
// control shows it does (a change behind the services' back is not seen);
// then each change made through the services shows on the very next
// request: a profile edit, two-factor sign-in switched on, a rename by an
// administrator.
func TestProfileCache(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		adminTok, _ := e.Setup()
		u, uTok := e.NewUser(adminTok, "")
		if e.Server.Config.DSN != "" {
			ctx, cancel := context.WithCancel(context.Background())
			t.Cleanup(cancel)
			runListener(t, ctx, e.Server.Org, e.Server.Config.DSN)
			waitBriefly(t, "the listener is live", func() bool { return org.SessionCacheLive(e.Server.Org) })
		}
		me := func() org.User {
			t.Helper()
			var m org.User
			e.Must(200, "GET", "/api/v1/me", uTok, nil).JSON(t, &m)
			return m
		}
		me()
		if err := e.Server.DB.Exec("UPDATE users SET title = ? WHERE id = ?", "behind the back", u.ID).Error; err != nil {
			t.Fatal(err)
		}
		if m := me(); m.Title == "behind the back" {
			t.Fatal("control: GET /me read the database, so this test cannot show the invalidation")
		}

		e.Must(200, "PATCH", "/api/v1/users/"+u.ID, adminTok, map[string]any{"title": "工程师", "version": u.Version})
		if m := me(); m.Title != "工程师" || m.Version != u.Version+1 {
			t.Fatalf("after the edit: title %q version %d", m.Title, m.Version)
		}

		var setup struct{ Secret string }
		e.Must(200, "POST", "/api/v1/me/totp/setup", uTok, nil).JSON(t, &setup)
		if m := me(); m.TOTPEnabled {
			t.Fatal("two-factor on before it was confirmed")
		}
		code, err := totp.GenerateCodeCustom(setup.Secret, e.Clock.Now(), org.TOTPOptions)
		if err != nil {
			t.Fatal(err)
		}
		e.Must(204, "POST", "/api/v1/me/totp/enable", uTok, map[string]string{"code": code})
		if m := me(); !m.TOTPEnabled {
			t.Fatal("GET /me still says two-factor is off")
		}

		e.Must(200, "PATCH", "/api/v1/users/"+u.ID, adminTok, map[string]any{"name": "新名字", "version": u.Version + 1})
		if m := me(); m.Name != "新名字" {
			t.Fatalf("after the rename: %q", m.Name)
		}
	})
}
