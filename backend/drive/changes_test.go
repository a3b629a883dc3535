package drive_test

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"tack/backend/server"
	"tack/backend/server/servertest"
)

// TestChangeFeedLongPoll: a waiting feed request returns as soon as a
// change commits (well before its wait ends), and an idle one returns
// empty after the wait with the same cursor.
func TestChangeFeedLongPoll(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, se *servertest.Env) {
		e := newEnv(t, se)
		co := e.spaces(e.admin)["company"]
		first := e.mkdir(e.admin, co.RootID, "first")
		listing := e.changes(e.admin, co.ID, "")
		if len(listing.Items) != 1 || listing.Items[0].Entry.ID != first.ID || listing.Items[0].Path != "first" {
			t.Fatalf("listing %+v", listing)
		}
		cur := listing.NextCursor

		start := time.Now()
		var idle feed
		e.Must(200, "GET", "/api/v1/drive/spaces/"+co.ID+"/changes?wait=1&cursor="+cur, e.admin, nil).JSON(t, &idle)
		if el := time.Since(start); len(idle.Items) != 0 || idle.NextCursor != cur || el < 900*time.Millisecond {
			t.Fatalf("idle poll after %v: %+v", el, idle)
		}

		type result struct {
			f  feed
			at time.Duration
		}
		done := make(chan result, 1)
		start = time.Now()
		go func() {
			var f feed
			r := e.raw("GET", "/api/v1/drive/spaces/"+co.ID+"/changes?wait=20&cursor="+cur, e.admin, nil, nil)
			if r.Status == 200 {
				r.JSON(t, &f)
			}
			done <- result{f, time.Since(start)}
		}()
		time.Sleep(300 * time.Millisecond)
		sub := e.mkdir(e.admin, first.ID, "second")
		select {
		case res := <-done:
			if len(res.f.Items) != 1 || res.f.Items[0].Entry.ID != sub.ID || res.f.Items[0].Path != "first/second" {
				t.Fatalf("woken poll %+v", res.f)
			}
			if res.at > 5*time.Second {
				t.Fatalf("long-poll answered after %v", res.at)
			}
			if res.f.NextCursor == cur {
				t.Fatal("cursor did not advance")
			}
		case <-time.After(15 * time.Second):
			t.Fatal("the long-poll did not wake on a change")
		}
	})
}

// TestChangeFeedAcrossReplicas: two servers share one PostgreSQL database;
// a change made through one wakes a long-poll waiting on the other (by
// polling the database, no shared memory).
func TestChangeFeedAcrossReplicas(t *testing.T) {
	t.Parallel()
	a := servertest.NewPostgres(t)
	e := newEnv(t, a)
	srvB, err := server.New(context.Background(), a.Server.Config, nil, a.Clock)
	if err != nil {
		t.Fatal(err)
	}
	hb := httptest.NewServer(srvB.Handler())
	t.Cleanup(func() { hb.Close(); _ = srvB.Close() })
	b := &servertest.Env{T: t, Server: srvB, HTTP: hb, Clock: a.Clock}
	co := e.spaces(e.admin)["company"]
	cur := e.changes(e.admin, co.ID, "").NextCursor
	done := make(chan feed, 1)
	go func() {
		var f feed
		req := b.Do("GET", "/api/v1/drive/spaces/"+co.ID+"/changes?wait=20&cursor="+cur, e.admin, nil)
		if req.Status == 200 {
			req.JSON(t, &f)
		}
		done <- f
	}()
	time.Sleep(300 * time.Millisecond)
	f := e.mkdir(e.admin, co.RootID, "from replica A")
	select {
	case got := <-done:
		if len(got.Items) != 1 || got.Items[0].Entry.ID != f.ID {
			t.Fatalf("replica B saw %+v", got)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("replica B's long-poll did not see replica A's change")
	}
}
