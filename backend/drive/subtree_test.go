package drive_test

import (
	"context"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"tack/backend/server/servertest"
)

func (e *env) changesUnder(tok, space, under, cursor string) feed {
	e.t.Helper()
	var f feed
	e.Must(http.StatusOK, "GET", "/api/v1/drive/spaces/"+space+"/changes?under="+under+"&cursor="+cursor, tok, nil).JSON(e.t, &f)
	return f
}

// seen summarises a feed page: "path" for a live entry, "-ID" for a
// deletion reported by ID only, "-path" for one with its path.
func seen(f feed) string {
	var out []string
	for _, it := range f.Items {
		switch {
		case it.Entry.Deleted && it.Path == "":
			out = append(out, "-"+it.Entry.ID)
		case it.Entry.Deleted:
			out = append(out, "-"+it.Path)
		default:
			out = append(out, it.Path)
		}
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

// Following one folder: its listing and its changes only, paths relative to
// it; an entry moved in comes with everything below it, one moved out (or
// to another space) is deleted by ID alone, with no name or place.
func TestChangeFeedUnderFolder(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, se *servertest.Env) {
		e := newEnv(t, se)
		sp := e.spaces(e.admin)
		co := sp["company"]
		a := e.mkdir(e.admin, co.RootID, "A")
		e.mustPut(e.admin, a.ID, "x.txt", []byte("x"))
		sub := e.mkdir(e.admin, a.ID, "sub")
		e.mustPut(e.admin, sub.ID, "y.txt", []byte("y"))
		b := e.mkdir(e.admin, co.RootID, "B")
		e.mustPut(e.admin, b.ID, "z.txt", []byte("z"))

		list := e.changesUnder(e.admin, co.ID, a.ID, "")
		if got := seen(list); got != "sub sub/y.txt x.txt" {
			t.Fatalf("listing of A: %q", got)
		}
		cur := list.NextCursor

		// A change elsewhere is not reported; the cursor moves on past it.
		e.mustPut(e.admin, b.ID, "w.txt", []byte("w"))
		f := e.changesUnder(e.admin, co.ID, a.ID, cur)
		if len(f.Items) != 0 || f.NextCursor == cur {
			t.Fatalf("a change outside A: %q, cursor %s → %s", seen(f), cur, f.NextCursor)
		}
		cur = f.NextCursor

		// B moved into A: B and its files, as new; sub moved out: by ID.
		b = e.entry(e.admin, b.ID)
		e.Must(http.StatusOK, "PATCH", "/api/v1/drive/entries/"+b.ID, e.admin, map[string]any{"version": b.Version, "parent_id": a.ID})
		sub = e.entry(e.admin, sub.ID)
		e.Must(http.StatusOK, "PATCH", "/api/v1/drive/entries/"+sub.ID, e.admin, map[string]any{"version": sub.Version, "parent_id": co.RootID})
		f = e.changesUnder(e.admin, co.ID, a.ID, cur)
		if got := seen(f); got != "-"+sub.ID+" B B/w.txt B/z.txt" {
			t.Fatalf("moves in and out of A: %q", got)
		}
		for _, it := range f.Items {
			if it.Entry.ID == sub.ID && (it.Entry.Name != "" || it.Entry.ParentID != "") {
				t.Fatalf("the entry moved out tells where it went: %+v", it.Entry)
			}
		}
		cur = f.NextCursor
		if got := seen(e.changesUnder(e.admin, co.ID, a.ID, "")); got != "B B/w.txt B/z.txt x.txt" {
			t.Fatalf("listing of A after the moves: %q", got)
		}

		// A rename inside and a trash inside are reported with their paths.
		x := e.changesUnder(e.admin, co.ID, a.ID, "")
		var xID string
		var xVer int64
		for _, it := range x.Items {
			if it.Path == "x.txt" {
				xID, xVer = it.Entry.ID, it.Entry.Version
			}
		}
		e.Must(http.StatusNoContent, "DELETE", "/api/v1/drive/entries/"+xID+"?version="+strconv.FormatInt(xVer, 10), e.admin, nil)
		if got := seen(e.changesUnder(e.admin, co.ID, a.ID, cur)); got != "-x.txt" {
			t.Fatalf("trash inside A: %q", got)
		}
		cur = e.changesUnder(e.admin, co.ID, a.ID, cur).NextCursor

		// B moved on to another space: gone from A, by ID.
		b = e.entry(e.admin, b.ID)
		if r := e.move(e.admin, b.ID, b.Version, sp["personal"].RootID); r.Status != http.StatusOK {
			t.Fatalf("move to the personal space: %d %s", r.Status, r.Body)
		}
		f = e.changesUnder(e.admin, co.ID, a.ID, cur)
		if n := len(f.Items); n != 3 || !strings.HasPrefix(seen(f), "-") || strings.Contains(seen(f), "B") {
			t.Fatalf("B left the space: %q", seen(f))
		}
	})
}

// Bob may follow a folder shared with him in a space he cannot read, and
// nothing else: another folder of that space, a file, a folder under
// another space's ID, a folder he cannot read: none exists for him.
func TestChangeFeedUnderFolderNeedsRead(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, se *servertest.Env) {
		e := newEnv(t, se)
		bob, btok := e.NewUser(e.admin, "")
		sp := e.spaces(e.admin)
		mine, co := sp["personal"], sp["company"]
		shared := e.mkdir(e.admin, mine.RootID, "For Bob")
		e.mustPut(e.admin, shared.ID, "hello.txt", []byte("hi"))
		private := e.mkdir(e.admin, mine.RootID, "Private")
		e.mustPut(e.admin, private.ID, "salary.txt", []byte("secret"))
		file := e.mustPut(e.admin, shared.ID, "plan.txt", []byte("p"))
		e.Must(http.StatusCreated, "POST", "/api/v1/drive/entries/"+shared.ID+"/permissions", e.admin, map[string]any{
			"principal_type": "user", "principal_id": bob.ID, "role": "viewer"})

		if got := seen(e.changesUnder(btok, mine.ID, shared.ID, "")); got != "hello.txt plan.txt" {
			t.Fatalf("bob's listing of the shared folder: %q", got)
		}
		for _, c := range []struct{ what, space, under string }{
			{"the space", mine.ID, ""},
			{"a folder he cannot read", mine.ID, private.ID},
			{"a file", mine.ID, file.ID},
			{"the shared folder under another space", co.ID, shared.ID},
			{"the space root", mine.ID, mine.RootID},
		} {
			r := e.Do("GET", "/api/v1/drive/spaces/"+c.space+"/changes?cursor=&under="+c.under, btok, nil)
			if r.Status != http.StatusNotFound && r.Status != http.StatusForbidden {
				t.Errorf("%s: %d %s", c.what, r.Status, r.Body)
			}
			if strings.Contains(string(r.Body), "salary") {
				t.Errorf("%s: %s", c.what, r.Body)
			}
		}
		// The share revoked: the follow ends.
		var perms struct {
			Items []struct {
				ID          string `json:"id"`
				PrincipalID string `json:"principal_id"`
			}
		}
		e.Must(http.StatusOK, "GET", "/api/v1/drive/entries/"+shared.ID+"/permissions", e.admin, nil).JSON(t, &perms)
		for _, p := range perms.Items {
			if p.PrincipalID == bob.ID {
				e.Must(http.StatusNoContent, "DELETE", "/api/v1/drive/entries/"+shared.ID+"/permissions/"+p.ID, e.admin, nil)
			}
		}
		if r := e.Do("GET", "/api/v1/drive/spaces/"+mine.ID+"/changes?cursor=&under="+shared.ID, btok, nil); r.Status != http.StatusNotFound {
			t.Fatalf("after the revoke: %d %s", r.Status, r.Body)
		}
	})
}

// Moves within a space are remembered (for followers of a folder) as long
// as departures: then a cursor from before them is expired.
func TestMovesArePrunedWithTheTrash(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, se *servertest.Env) {
		e := newEnv(t, se)
		mine := e.spaces(e.admin)["personal"]
		a := e.mkdir(e.admin, mine.RootID, "A")
		f := e.mustPut(e.admin, mine.RootID, "a.txt", []byte("a"))
		cur := e.changesUnder(e.admin, mine.ID, a.ID, "").NextCursor
		e.Must(http.StatusOK, "PATCH", "/api/v1/drive/entries/"+f.ID, e.admin, map[string]any{"version": f.Version, "parent_id": a.ID})
		if got := seen(e.changesUnder(e.admin, mine.ID, a.ID, cur)); got != "a.txt" {
			t.Fatalf("moved in: %q", got)
		}
		se.Clock.Advance(31 * 24 * time.Hour)
		if rep, err := se.Server.Drive.Maintain(context.Background()); err != nil || rep.SpacesPruned != 1 {
			t.Fatalf("maintenance after retention: %+v %v", rep, err)
		}
		tok := e.Login(servertest.AdminEmail, servertest.TestPassword)
		wantKey(t, e.Do("GET", "/api/v1/drive/spaces/"+mine.ID+"/changes?under="+a.ID+"&cursor="+cur, tok, nil), 404, "drive.cursor_expired")
		if got := seen(e.changesUnder(tok, mine.ID, a.ID, "")); got != "a.txt" {
			t.Fatalf("listing %q", got)
		}
	})
}
