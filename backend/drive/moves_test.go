package drive_test

import (
	"bytes"
	"context"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"tack/backend/drive"
	"tack/backend/server/servertest"
)

// move asks to move id (at version) under parent; the answer is returned.
func (e *env) move(tok, id string, version int64, parent string) servertest.Response {
	e.t.Helper()
	return e.Do("PATCH", "/api/v1/drive/entries/"+id, tok, map[string]any{"version": version, "parent_id": parent})
}

func (e *env) entry(tok, id string) drive.Entry {
	e.t.Helper()
	var x drive.Entry
	e.Must(http.StatusOK, "GET", "/api/v1/drive/entries/"+id, tok, nil).JSON(e.t, &x)
	return x
}

func (e *env) space(tok, id string) drive.Space {
	e.t.Helper()
	var sp drive.Space
	e.Must(http.StatusOK, "GET", "/api/v1/drive/spaces/"+id, tok, nil).JSON(e.t, &sp)
	return sp
}

// TestMoveBetweenSpaces: a member moves a folder of drafts from her
// personal space into her department's space. Everything inside goes
// along (the trashed file too) with its versions; quotas, trash,
// permissions and both change feeds follow.
func TestMoveBetweenSpaces(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, se *servertest.Env) {
		e := newEnv(t, se)
		sales := e.NewDepartment(e.admin, "Sales", "", nil)
		rnd := e.NewDepartment(e.admin, "R&D", "", nil)
		_, mtok := e.NewUser(e.admin, sales.ID)
		colleague, ctok := e.NewUser(e.admin, rnd.ID)
		mine, salesSp := e.spaces(mtok)["personal"], e.spaces(mtok)["department:Sales"]

		drafts := e.mkdir(mtok, mine.RootID, "Drafts")
		sub := e.mkdir(mtok, drafts.ID, "sub")
		plan := e.mustPut(mtok, drafts.ID, "plan.txt", []byte("plan v1"))
		r := e.raw("POST", "/api/v1/drive/files?entry_id="+plan.ID+"&base_version=1", mtok, []byte("plan v2"), nil)
		if r.Status != 200 {
			t.Fatalf("version 2: %d %s", r.Status, r.Body)
		}
		plan2 := e.entry(mtok, plan.ID)
		body := []byte("plan v3, final")
		r = e.raw("POST", "/api/v1/drive/files?entry_id="+plan.ID+"&base_version="+strconv.FormatInt(plan2.Version, 10), mtok, body, nil)
		if r.Status != 200 {
			t.Fatalf("version 3: %d %s", r.Status, r.Body)
		}
		x := e.mustPut(mtok, sub.ID, "x.txt", []byte("xx"))
		old := e.mustPut(mtok, drafts.ID, "old.txt", []byte("old!"))
		e.Must(204, "DELETE", "/api/v1/drive/entries/"+old.ID+"?version=1", mtok, nil)
		e.Must(201, "POST", "/api/v1/drive/entries/"+drafts.ID+"/permissions", mtok, map[string]any{
			"principal_type": "user", "principal_id": colleague.ID, "role": "viewer"})
		// An upload into the folder, started before the move and committed after.
		late := withParent(planOf(t, []byte("arrives late")), drafts.ID, "late.txt")
		up := e.start(mtok, late)
		for _, h := range up.Missing {
			e.putChunk(mtok, up.ID, late, h)
		}
		mineCur, salesCur := e.changes(mtok, mine.ID, "").NextCursor, e.changes(mtok, salesSp.ID, "").NextCursor
		usedMine, usedSales := e.space(mtok, mine.ID).UsedBytes, e.space(mtok, salesSp.ID).UsedBytes
		moved := int64(len(body) + 2 + 4) // plan's current content, x, and the trashed old.txt

		drafts = e.entry(mtok, drafts.ID)
		r = e.move(mtok, drafts.ID, drafts.Version, salesSp.RootID)
		if r.Status != 200 {
			t.Fatalf("move: %d %s", r.Status, r.Body)
		}
		var out drive.Entry
		r.JSON(t, &out)
		if out.SpaceID != salesSp.ID || out.ParentID != salesSp.RootID || out.Version != drafts.Version+1 || out.Role != drive.RoleEditor {
			t.Fatalf("moved entry %+v", out)
		}
		for _, id := range []string{sub.ID, plan.ID, x.ID, old.ID} {
			if got := e.entry(mtok, id); got.SpaceID != salesSp.ID {
				t.Fatalf("%s stayed in %s", got.Name, got.SpaceID)
			}
		}
		if names(e.children(mtok, mine.RootID)) != "" || names(e.children(mtok, salesSp.RootID)) != "Drafts" {
			t.Fatalf("personal root %q, sales root %q", names(e.children(mtok, mine.RootID)), names(e.children(mtok, salesSp.RootID)))
		}
		// Versions and content came along.
		if n := e.versionCount(mtok, plan.ID); n != 3 {
			t.Fatalf("%d versions after the move", n)
		}
		if got := e.get(mtok, plan.ID, 0); string(got.Body) != string(body) {
			t.Fatalf("content %q", got.Body)
		}
		if got := e.get(mtok, plan.ID, 1); string(got.Body) != "plan v1" {
			t.Fatalf("version 1 content %q", got.Body)
		}
		// Quotas: what moved left one space and counts in the other.
		if u := e.space(mtok, mine.ID).UsedBytes; u != usedMine-moved {
			t.Fatalf("personal usage %d, want %d", u, usedMine-moved)
		}
		if u := e.space(mtok, salesSp.ID).UsedBytes; u != usedSales+moved {
			t.Fatalf("sales usage %d, want %d", u, usedSales+moved)
		}
		// The trashed file is in the new space's trash and restores into the moved folder.
		var trash struct{ Items []drive.Entry }
		e.Must(200, "GET", "/api/v1/drive/trash?space_id="+salesSp.ID, mtok, nil).JSON(t, &trash)
		if len(trash.Items) != 1 || trash.Items[0].ID != old.ID {
			t.Fatalf("sales trash %+v", trash.Items)
		}
		e.Must(200, "GET", "/api/v1/drive/trash?space_id="+mine.ID, mtok, nil).JSON(t, &trash)
		if len(trash.Items) != 0 {
			t.Fatalf("personal trash still lists %+v", trash.Items)
		}
		// The grant made on the folder went with it; the colleague still reads
		// it, and now the department's members do too.
		if got := e.entry(ctok, plan.ID); got.Role != drive.RoleViewer {
			t.Fatalf("colleague's role %q", got.Role)
		}
		var perms struct{ Items []drive.Permission }
		e.Must(200, "GET", "/api/v1/drive/entries/"+drafts.ID+"/permissions", mtok, nil).JSON(t, &perms)
		own, inherited := []string{}, []string{}
		for _, p := range perms.Items {
			if p.Inherited {
				inherited = append(inherited, p.PrincipalType+":"+p.PrincipalID)
			} else if p.SpaceID == salesSp.ID {
				own = append(own, p.PrincipalType+":"+p.PrincipalID+":"+p.Role)
			}
		}
		if strings.Join(own, " ") != "user:"+colleague.ID+":viewer" || strings.Join(inherited, " ") != "department:"+sales.ID {
			t.Fatalf("permissions after the move: own %v, inherited %v", own, inherited)
		}
		_, salesTok := e.NewUser(e.admin, sales.ID)
		if got := e.entry(salesTok, x.ID); got.Role != drive.RoleEditor {
			t.Fatalf("a department member's role %q", got.Role)
		}
		// The upload started before the move lands in the moved folder.
		var landed drive.Entry
		e.Must(200, "POST", "/api/v1/drive/uploads/"+up.ID+"/commit", mtok, nil).JSON(t, &landed)
		if landed.SpaceID != salesSp.ID || landed.ParentID != drafts.ID {
			t.Fatalf("late upload landed at %+v", landed)
		}

		// The old space's feed says everything left (as it was there); the
		// new one's shows it arriving.
		gone := e.changes(mtok, mine.ID, mineCur)
		paths := map[string]bool{}
		for _, it := range gone.Items {
			if !it.Entry.Deleted || it.Entry.SpaceID != mine.ID {
				t.Fatalf("personal feed item %+v", it)
			}
			paths[it.Path] = true
		}
		if want := "Drafts Drafts/old.txt Drafts/plan.txt Drafts/sub Drafts/sub/x.txt"; keys(paths) != want {
			t.Fatalf("personal feed paths %q, want %q", keys(paths), want)
		}
		if again := e.changes(mtok, mine.ID, gone.NextCursor); len(again.Items) != 0 {
			t.Fatal("the personal feed repeats the departures")
		}
		came := e.changes(mtok, salesSp.ID, salesCur)
		live := map[string]bool{}
		for _, it := range came.Items {
			if !it.Entry.Deleted {
				live[it.Path] = true
			}
		}
		if want := "Drafts Drafts/late.txt Drafts/plan.txt Drafts/sub Drafts/sub/x.txt"; keys(live) != want {
			t.Fatalf("sales feed paths %q, want %q", keys(live), want)
		}
		if l := e.changes(mtok, mine.ID, ""); len(l.Items) != 0 {
			t.Fatalf("personal listing %+v", l.Items)
		}
	})
}

func names(es []drive.Entry) string {
	var out []string
	for _, e := range es {
		out = append(out, e.Name)
	}
	return strings.Join(out, " ")
}

func keys(m map[string]bool) string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

// TestMoveBetweenSpacesRefusals: who may move what where, and what is
// checked first: rights at both ends, the name, the quota, the version.
// A refused move changes nothing.
func TestMoveBetweenSpacesRefusals(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, se *servertest.Env) {
		e := newEnv(t, se)
		sales := e.NewDepartment(e.admin, "Sales", "", nil)
		_, mtok := e.NewUser(e.admin, sales.ID)
		mine, salesSp, co := e.spaces(mtok)["personal"], e.spaces(mtok)["department:Sales"], e.spaces(mtok)["company"]
		doc := e.mustPut(mtok, mine.RootID, "doc.txt", []byte("mine"))
		inSales := e.mustPut(mtok, salesSp.RootID, "shared.txt", []byte("the department's"))

		// A member edits the department space but does not manage it: taking
		// a file out of it is refused (copying is not).
		wantKey(t, e.move(mtok, inSales.ID, inSales.Version, mine.RootID), 403, "drive.cross_space_move")
		e.Must(201, "POST", "/api/v1/drive/entries/"+inSales.ID+"/copy", mtok, map[string]string{"parent_id": mine.RootID})
		// Only viewer at the destination (the company space).
		wantKey(t, e.move(mtok, doc.ID, doc.Version, co.RootID), 403, "drive.forbidden")
		// A name taken at the destination, case-insensitively.
		e.mustPut(mtok, salesSp.RootID, "DOC.txt", []byte("other"))
		wantKey(t, e.move(mtok, doc.ID, doc.Version, salesSp.RootID), 409, "drive.name_taken")
		// A stale version.
		folder := e.mkdir(mtok, salesSp.RootID, "in")
		wantKey(t, e.move(mtok, doc.ID, doc.Version+5, folder.ID), 409, "drive.stale_version")
		// The destination's quota.
		var proj drive.Space
		e.Must(201, "POST", "/api/v1/drive/spaces", e.admin, map[string]any{"name": "Tiny"}).JSON(t, &proj)
		e.Must(200, "PATCH", "/api/v1/drive/spaces/"+proj.ID, e.admin, map[string]any{"version": proj.Version, "quota_bytes": 3})
		adminDoc := e.mustPut(e.admin, e.spaces(e.admin)["personal"].RootID, "big.txt", []byte("four"))
		wantKey(t, e.move(e.admin, adminDoc.ID, adminDoc.Version, proj.RootID), 413, "drive.quota_exceeded")
		// Nothing changed.
		if got := e.entry(mtok, doc.ID); got.SpaceID != mine.ID || got.Version != doc.Version {
			t.Fatalf("refused moves changed the file: %+v", got)
		}
		if got := e.entry(mtok, inSales.ID); got.SpaceID != salesSp.ID {
			t.Fatalf("the department's file left: %+v", got)
		}
		if u := e.space(e.admin, proj.ID).UsedBytes; u != 0 {
			t.Fatalf("tiny space usage %d", u)
		}
		// The department's head manages its space: she may take it out.
		head, htok := e.NewUser(e.admin, sales.ID)
		e.Must(200, "PATCH", "/api/v1/departments/"+sales.ID, e.admin, map[string]any{"head_id": head.ID, "version": sales.Version})
		r := e.move(htok, inSales.ID, inSales.Version, e.spaces(htok)["personal"].RootID)
		if r.Status != 200 {
			t.Fatalf("the head's move: %d %s", r.Status, r.Body)
		}
		// And back, into a folder of the department space: allowed to the
		// owner of the personal space.
		got := e.entry(htok, inSales.ID)
		if r := e.move(htok, got.ID, got.Version, folder.ID); r.Status != 200 {
			t.Fatalf("moving back: %d %s", r.Status, r.Body)
		}
	})
}

// TestDeparturesArePrunedWithTheTrash: what left a space is remembered for
// the trash retention; then a cursor from before is expired (the client
// lists the space again), as after a purge.
func TestDeparturesArePrunedWithTheTrash(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, se *servertest.Env) {
		e := newEnv(t, se)
		mine, co := e.spaces(e.admin)["personal"], e.spaces(e.admin)["company"]
		f := e.mustPut(e.admin, mine.RootID, "a.txt", bytes.Repeat([]byte("a"), 10))
		cur := e.changes(e.admin, mine.ID, "").NextCursor
		e.Must(200, "PATCH", "/api/v1/drive/entries/"+f.ID, e.admin, map[string]any{"version": f.Version, "parent_id": co.RootID})
		if got := e.changes(e.admin, mine.ID, cur); len(got.Items) != 1 || !got.Items[0].Entry.Deleted {
			t.Fatalf("feed after the move %+v", got.Items)
		}
		se.Clock.Advance(29 * 24 * time.Hour)
		if rep, err := se.Server.Drive.Maintain(context.Background()); err != nil || rep.SpacesPruned != 0 {
			t.Fatalf("maintenance within retention: %+v %v", rep, err)
		}
		se.Clock.Advance(2 * 24 * time.Hour)
		if rep, err := se.Server.Drive.Maintain(context.Background()); err != nil || rep.SpacesPruned != 1 {
			t.Fatalf("maintenance after retention: %+v %v", rep, err)
		}
		tok := e.Login(servertest.AdminEmail, servertest.TestPassword) // the session expired meanwhile
		wantKey(t, e.Do("GET", "/api/v1/drive/spaces/"+mine.ID+"/changes?cursor="+cur, tok, nil), 404, "drive.cursor_expired")
		if l := e.changes(tok, mine.ID, ""); len(l.Items) != 0 {
			t.Fatalf("listing %+v", l.Items)
		}
	})
}
