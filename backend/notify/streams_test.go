package notify_test

import (
	"context"
	"testing"
	"time"

	"tack/backend/notify"
	"tack/backend/server/servertest"
)

// closed waits for a stream to end, failing if it delivers anything first.
func closed(t *testing.T, ch <-chan sseEvent, what string) {
	t.Helper()
	select {
	case ev, ok := <-ch:
		if ok {
			t.Fatalf("%s: stream delivered %s %s instead of closing", what, ev.Type, ev.Raw)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("%s: stream still open after 10s", what)
	}
}

// Logging out closes the streams of that session only; changing the
// password closes the other sessions' streams; deactivation closes every
// stream of the user, and nothing emitted afterwards reaches them.
func TestStreamsCloseWhenSessionsEnd(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		adminTok, admin := e.Setup()
		u, tok1 := e.NewUser(adminTok, "")
		tok2 := e.Login(u.Email, servertest.TestPassword)
		tok3 := e.Login(u.Email, servertest.TestPassword)
		runDispatcher(t, e.Server.Notify)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		ch1, _ := openStream(t, ctx, e.HTTP.URL, tok1, "")
		ch2, _ := openStream(t, ctx, e.HTTP.URL, tok2, "")
		ch3, _ := openStream(t, ctx, e.HTTP.URL, tok3, "")

		e.Must(204, "POST", "/api/v1/auth/logout", tok1, nil)
		closed(t, ch1, "logout")
		emit(t, e, &notify.Event{Type: "task.assigned", ActorID: admin.ID, Recipients: []string{u.ID}, Data: map[string]any{"title": "still here"}})
		if ev := next(t, ch2); ev.Data.Data["title"] != "still here" {
			t.Fatalf("other session's stream got %+v", ev)
		}
		next(t, ch3)

		var res struct{ Token string }
		e.Must(200, "POST", "/api/v1/me/password", tok2, map[string]string{
			"current_password": servertest.TestPassword, "new_password": "newpassword1"}).JSON(t, &res)
		closed(t, ch2, "password change (the changing session rotates)")
		closed(t, ch3, "password change (another session)")

		ch4, _ := openStream(t, ctx, e.HTTP.URL, res.Token, "")
		e.Must(200, "POST", "/api/v1/users/"+u.ID+"/deactivate", adminTok, nil)
		closed(t, ch4, "deactivation")
		// A stream cannot be opened again either.
		e.Must(401, "GET", "/api/v1/events", res.Token, nil)
	})
}

// Deactivation through replica A closes the user's stream held by replica
// B at once: B polls only once an hour, so only LISTEN/NOTIFY can tell it.
func TestStreamsCloseAcrossReplicasPostgres(t *testing.T) {
	t.Parallel()
	e := servertest.NewPostgres(t)
	adminTok, _ := e.Setup()
	u, uTok := e.NewUser(adminTok, "")

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	hb := startReplicaB(t, ctx, e)
	ch, _ := openStream(t, ctx, hb.URL, uTok, "")
	e.Must(200, "POST", "/api/v1/users/"+u.ID+"/deactivate", adminTok, nil) // through replica A
	closed(t, ch, "deactivation on another replica")
}
