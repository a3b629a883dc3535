package drive_test

import (
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

type feed struct {
	Items []struct {
		Seq   int64       `json:"seq"`
		Entry drive.Entry `json:"entry"`
		Path  string      `json:"path"`
	}
	NextCursor string `json:"next_cursor"`
}

func (e *env) changes(tok, space, cursor string) feed {
	e.t.Helper()
	var f feed
	e.Must(200, "GET", "/api/v1/drive/spaces/"+space+"/changes?cursor="+cursor, tok, nil).JSON(e.t, &f)
	return f
}

func TestTrashRestoreAndRetention(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, se *servertest.Env) {
		e := newEnv(t, se)
		var proj drive.Space
		e.Must(201, "POST", "/api/v1/drive/spaces", e.admin, map[string]any{"name": "Trash test"}).JSON(t, &proj)
		docs := e.mkdir(e.admin, proj.RootID, "Docs")
		sub := e.mkdir(e.admin, docs.ID, "Sub")
		a := e.mustPut(e.admin, docs.ID, "a.txt", []byte("aaaa"))
		b := e.mustPut(e.admin, sub.ID, "b.txt", []byte("bb"))
		cur := e.changes(e.admin, proj.ID, "").NextCursor

		// stale version: nothing moves to the trash
		wantKey(t, e.Do("DELETE", "/api/v1/drive/entries/"+docs.ID+"?version=99", e.admin, nil), 409, "drive.stale_version")
		e.Must(204, "DELETE", "/api/v1/drive/entries/"+docs.ID+"?version="+strconv.FormatInt(docs.Version, 10), e.admin, nil)
		ch := e.changes(e.admin, proj.ID, cur)
		deleted := map[string]bool{}
		for _, it := range ch.Items {
			if it.Entry.Deleted {
				deleted[it.Entry.ID] = true
			}
		}
		if len(deleted) != 4 || !deleted[b.ID] {
			t.Fatalf("feed after trashing a folder: %+v", ch.Items)
		}
		wantKey(t, e.Do("GET", "/api/v1/drive/files/"+a.ID+"/content", e.admin, nil), 404, "drive.not_found")
		var trash struct{ Items []drive.Entry }
		e.Must(200, "GET", "/api/v1/drive/trash?space_id="+proj.ID, e.admin, nil).JSON(t, &trash)
		if len(trash.Items) != 1 || trash.Items[0].ID != docs.ID || trash.Items[0].TrashedAt == nil {
			t.Fatalf("trash %+v", trash.Items)
		}
		// the name is free again while in the trash; restoring then needs a new name
		again := e.mkdir(e.admin, proj.RootID, "docs")
		wantKey(t, e.Do("POST", "/api/v1/drive/entries/"+docs.ID+"/restore", e.admin, nil), 409, "drive.name_taken")
		var restored drive.Entry
		e.Must(200, "POST", "/api/v1/drive/entries/"+docs.ID+"/restore", e.admin, map[string]string{"name": "Docs (restored)"}).JSON(t, &restored)
		if restored.Deleted || restored.Name != "Docs (restored)" {
			t.Fatalf("restored %+v", restored)
		}
		if got := string(e.get(e.admin, b.ID, 0).Body); got != "bb" {
			t.Fatalf("restored child content %q", got)
		}
		ch = e.changes(e.admin, proj.ID, ch.NextCursor)
		paths := map[string]bool{}
		for _, it := range ch.Items {
			paths[it.Path] = !it.Entry.Deleted
		}
		if !paths["Docs (restored)/Sub/b.txt"] {
			t.Fatalf("restore not in the feed with paths: %+v", ch.Items)
		}
		wantKey(t, e.Do("POST", "/api/v1/drive/entries/"+a.ID+"/restore", e.admin, nil), 409, "drive.not_trashed")

		// retention: trashed more than 30 days ago is purged by the job
		oldCursor := ch.NextCursor
		e.Must(204, "DELETE", "/api/v1/drive/entries/"+again.ID+"?version=1", e.admin, nil)
		var r drive.Entry
		e.Must(200, "GET", "/api/v1/drive/entries/"+restored.ID, e.admin, nil).JSON(t, &r)
		e.Must(204, "DELETE", "/api/v1/drive/entries/"+restored.ID+"?version="+strconv.FormatInt(r.Version, 10), e.admin, nil)
		e.Clock.Advance(29 * 24 * time.Hour)
		rep, err := e.Server.Drive.Maintain(context.Background())
		if err != nil || rep.TrashPurged != 0 {
			t.Fatalf("purged before the retention period: %+v %v", rep, err)
		}
		e.Clock.Advance(2 * 24 * time.Hour)
		rep, err = e.Server.Drive.Maintain(context.Background())
		// The purged content's chunks were last used a month ago: collected in the same run.
		if err != nil || rep.TrashPurged != 2 || rep.ChunksRemoved != 2 {
			t.Fatalf("maintenance %+v %v", rep, err)
		}
		e.admin = e.Login(servertest.AdminEmail, servertest.TestPassword) // the session expired meanwhile
		e.Must(200, "GET", "/api/v1/drive/trash?space_id="+proj.ID, e.admin, nil).JSON(t, &trash)
		if len(trash.Items) != 0 {
			t.Fatalf("trash after purge %+v", trash.Items)
		}
		wantKey(t, e.Do("GET", "/api/v1/drive/entries/"+b.ID, e.admin, nil), 404, "drive.not_found")
		var sp drive.Space
		e.Must(200, "GET", "/api/v1/drive/spaces/"+proj.ID, e.admin, nil).JSON(t, &sp)
		if sp.UsedBytes != 0 {
			t.Fatalf("quota usage after purge %d", sp.UsedBytes)
		}
		// A cursor from before the purge cannot be served: the client starts over.
		wantKey(t, e.Do("GET", "/api/v1/drive/spaces/"+proj.ID+"/changes?cursor="+oldCursor, e.admin, nil), 404, "drive.cursor_expired")
		wantKey(t, e.Do("GET", "/api/v1/drive/spaces/"+proj.ID+"/changes?cursor=999999", e.admin, nil), 400, "drive.bad_cursor")
		if f := e.changes(e.admin, proj.ID, ""); len(f.Items) != 0 {
			t.Fatalf("listing after purge %+v", f.Items)
		}
	})
}

func TestMoveRenameCopy(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, se *servertest.Env) {
		e := newEnv(t, se)
		root := e.spaces(e.admin)["company"].RootID
		a := e.mkdir(e.admin, root, "A")
		b := e.mkdir(e.admin, a.ID, "B")
		f := e.mustPut(e.admin, b.ID, "f.txt", []byte("file"))
		e.mustPut(e.admin, root, "F.TXT", []byte("clash"))
		// a folder cannot move into its own subtree
		wantKey(t, e.Do("PATCH", "/api/v1/drive/entries/"+a.ID, e.admin, map[string]any{"version": a.Version, "parent_id": b.ID}), 409, "drive.move_into_self")
		// case-insensitive clash at the target
		wantKey(t, e.Do("PATCH", "/api/v1/drive/entries/"+f.ID, e.admin, map[string]any{"version": f.Version, "parent_id": root}), 409, "drive.name_taken")
		// rename to a different case of its own name is fine
		var g drive.Entry
		e.Must(200, "PATCH", "/api/v1/drive/entries/"+f.ID, e.admin, map[string]any{"version": f.Version, "name": "F.txt", "description": "说明"}).JSON(t, &g)
		if g.Name != "F.txt" || g.Description != "说明" || g.Version != f.Version+1 {
			t.Fatalf("renamed %+v", g)
		}
		wantKey(t, e.Do("PATCH", "/api/v1/drive/entries/"+f.ID, e.admin, map[string]any{"version": f.Version, "name": "x.txt"}), 409, "drive.stale_version")
		wantKey(t, e.Do("PATCH", "/api/v1/drive/entries/"+root, e.admin, map[string]any{"version": 1, "name": "x"}), 409, "drive.root_immutable")
		// a move to another space needs manage rights on the item (the rest
		// is in moves_test.go); copy works for readers and shares the content
		personal := e.spaces(e.admin)["personal"]
		ed, etok := e.NewUser(e.admin, "")
		e.Must(201, "POST", "/api/v1/drive/entries/"+a.ID+"/permissions", e.admin, map[string]any{"principal_type": "user", "principal_id": ed.ID, "role": "editor"})
		wantKey(t, e.Do("PATCH", "/api/v1/drive/entries/"+a.ID, etok, map[string]any{"version": a.Version, "parent_id": e.spaces(etok)["personal"].RootID}), 403, "drive.cross_space_move")
		var c drive.Entry
		e.Must(201, "POST", "/api/v1/drive/entries/"+a.ID+"/copy", e.admin, map[string]any{"parent_id": personal.RootID}).JSON(t, &c)
		if c.SpaceID != personal.ID || c.Name != "A" || c.ID == a.ID {
			t.Fatalf("copy %+v", c)
		}
		var kids struct{ Items []drive.Entry }
		e.Must(200, "GET", "/api/v1/drive/entries/"+c.ID+"/children", e.admin, nil).JSON(t, &kids)
		if len(kids.Items) != 1 || kids.Items[0].Name != "B" {
			t.Fatalf("copied children %+v", kids.Items)
		}
		e.Must(200, "GET", "/api/v1/drive/entries/"+kids.Items[0].ID+"/children", e.admin, nil).JSON(t, &kids)
		if len(kids.Items) != 1 || string(e.get(e.admin, kids.Items[0].ID, 0).Body) != "file" {
			t.Fatalf("copied file %+v", kids.Items)
		}
		wantKey(t, e.Do("POST", "/api/v1/drive/entries/"+a.ID+"/copy", e.admin, map[string]any{"parent_id": personal.RootID}), 409, "drive.name_taken")
		// move within the space
		e.Must(200, "PATCH", "/api/v1/drive/entries/"+b.ID, e.admin, map[string]any{"version": b.Version, "parent_id": root}).JSON(t, &g)
		var path struct{ Items []drive.Entry }
		e.Must(200, "GET", "/api/v1/drive/entries/"+f.ID+"/path", e.admin, nil).JSON(t, &path)
		if len(path.Items) != 3 || path.Items[0].ID != root || path.Items[1].ID != b.ID {
			t.Fatalf("path %+v", path.Items)
		}
		// search by name, only what the caller can read
		var hits struct{ Items []drive.Entry }
		e.Must(200, "GET", "/api/v1/drive/search?q=f.t", e.admin, nil).JSON(t, &hits)
		if len(hits.Items) != 3 { // F.txt, F.TXT and the copy
			t.Fatalf("search hits %+v", hits.Items)
		}
		_, tok := e.NewUser(e.admin, "")
		e.Must(200, "GET", "/api/v1/drive/search?q=f.t", tok, nil).JSON(t, &hits)
		if len(hits.Items) != 2 { // not the admin's personal copy
			t.Fatalf("member's search hits %+v", hits.Items)
		}
		e.Must(200, "GET", "/api/v1/drive/search?q=%25", tok, nil).JSON(t, &hits)
		if len(hits.Items) != 0 {
			t.Fatalf("%% is a wildcard: %+v", hits.Items)
		}
		wantKey(t, e.Do("GET", "/api/v1/drive/search?q=", tok, nil), 400, "drive.query_required")
	})
}

func TestChildrenPaging(t *testing.T) {
	t.Parallel()
	e := newEnv(t, servertest.New(t))
	root := e.spaces(e.admin)["company"].RootID
	for i := 0; i < 7; i++ {
		e.mustPut(e.admin, root, "file"+strconv.Itoa(i), []byte("x"))
	}
	e.mkdir(e.admin, root, "zfolder")
	var names []string
	cursor := ""
	for {
		var page struct {
			Items      []drive.Entry
			NextCursor string `json:"next_cursor"`
		}
		e.Must(http.StatusOK, "GET", "/api/v1/drive/entries/"+root+"/children?limit=3&cursor="+cursor, e.admin, nil).JSON(t, &page)
		for _, it := range page.Items {
			names = append(names, it.Name)
		}
		if page.NextCursor == "" {
			break
		}
		cursor = page.NextCursor
	}
	if len(names) != 8 || names[0] != "zfolder" || names[1] != "file0" || names[7] != "file6" {
		t.Fatalf("children %v", names)
	}
}

// The trash pages newest first and every item shows once, also when several
// were trashed at the same instant (the cursor breaks ties by ID).
func TestTrashPaging(t *testing.T) {
	t.Parallel()
	env := servertest.New(t)
	e := newEnv(t, env)
	company := e.spaces(e.admin)["company"]
	var want []string
	for i := 0; i < 7; i++ {
		f := e.mustPut(e.admin, company.RootID, "old"+strconv.Itoa(i), []byte("x"))
		e.Must(204, "DELETE", "/api/v1/drive/entries/"+f.ID+"?version="+strconv.FormatInt(f.Version, 10), e.admin, nil)
		want = append(want, f.Name)
		if i%3 == 2 {
			env.Clock.Advance(time.Minute)
		}
	}
	var got []string
	cursor := ""
	for pages := 0; ; pages++ {
		if pages > 10 {
			t.Fatal("the trash never ends")
		}
		var page struct {
			Items      []drive.Entry
			NextCursor string `json:"next_cursor"`
		}
		e.Must(http.StatusOK, "GET", "/api/v1/drive/trash?space_id="+company.ID+"&limit=2&cursor="+cursor, e.admin, nil).JSON(t, &page)
		for i, it := range page.Items {
			got = append(got, it.Name)
			if it.Role != "manager" {
				t.Fatalf("role %q on %s", it.Role, it.Name)
			}
			if i > 0 && it.TrashedAt.After(*page.Items[i-1].TrashedAt) {
				t.Fatalf("not newest first: %v", page.Items)
			}
		}
		if page.NextCursor == "" {
			break
		}
		cursor = page.NextCursor
	}
	sort.Strings(got)
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("trash pages gave %v, want %v", got, want)
	}
}
