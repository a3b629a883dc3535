package drive_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"tack/backend/drive"
	"tack/backend/meeting"
	"tack/backend/server/servertest"
)

// TestPublishedMinutesAreReadOnly: a colleague of the organizer's
// department who was not in the meeting (an editor of the department's
// space) and the department's head (its manager) can read the published
// minutes and the meeting's drive attachment but can neither overwrite,
// rename, share nor trash them, not even by trashing or moving their
// folder; the organizer still can, and publishing again still writes a new
// version.
func TestPublishedMinutesAreReadOnly(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, se *servertest.Env) {
		e := newEnv(t, se)
		head, tHead := e.NewUser(e.admin, "")
		sales := e.NewDepartment(e.admin, "Sales", "", &head.ID)
		e.Must(http.StatusOK, "PATCH", "/api/v1/users/"+head.ID, e.admin, map[string]any{"department_id": sales.ID, "version": head.Version})
		tHead = e.Login(head.Email, servertest.TestPassword)
		orgUser, tOrg := e.NewUser(e.admin, sales.ID)
		taker, tTaker := e.NewUser(e.admin, sales.ID)
		_, tCol := e.NewUser(e.admin, sales.ID) // not invited
		// The budget sheet in the department's space, attached to the meeting.
		sheet := e.mustPut(tOrg, e.spaces(tOrg)["department:Sales"].RootID, "预算.xlsx", []byte("budget v1"))
		var m meeting.SaveResult
		e.Must(http.StatusCreated, "POST", "/api/v1/meetings", tOrg, map[string]any{"title": "预算会", "start": "2026-01-06T10:00",
			"end": "2026-01-06T11:00", "time_zone": "Asia/Shanghai", "place": "3F", "attendee_ids": []string{taker.ID},
			"minute_taker_id": taker.ID, "attachments": []string{"/drive/entries/" + sheet.ID}}).JSON(t, &m)
		id := m.Meeting.ID
		var mn meeting.Minutes
		e.Must(200, "PUT", "/api/v1/meetings/"+id+"/minutes", tTaker, map[string]any{"present": []string{orgUser.ID, taker.ID},
			"discussion": "预算", "decisions": []string{"批准"}, "version": 0}).JSON(t, &mn)
		e.Must(200, "POST", "/api/v1/meetings/"+id+"/minutes/publish", tTaker, map[string]any{"version": mn.Version}).JSON(t, &mn)
		var f drive.Entry
		e.Must(200, "GET", "/api/v1/drive/entries/"+mn.DocumentID, tCol, nil).JSON(t, &f)
		if f.Role != drive.RoleViewer || !f.Locked {
			t.Fatalf("the colleague's view of the minutes: %+v", f)
		}
		original := e.get(tCol, f.ID, 0).Body
		folder := f.ParentID
		var fo drive.Entry
		e.Must(200, "GET", "/api/v1/drive/entries/"+folder, tCol, nil).JSON(t, &fo)

		for who, tok := range map[string]string{"colleague": tCol, "head": tHead} {
			t.Run(who, func(t *testing.T) {
				// The attachment is part of the record too.
				aq := url.Values{"entry_id": {sheet.ID}, "base_version": {strconv.FormatInt(sheet.Version, 10)}}
				wantKey(t, e.raw("POST", "/api/v1/drive/files?"+aq.Encode(), tok, []byte("budget forged"),
					map[string]string{"Content-Type": "application/octet-stream"}), 403, "drive.locked")
				wantKey(t, e.Do("DELETE", fmt.Sprintf("/api/v1/drive/entries/%s?version=%d", sheet.ID, sheet.Version), tok, nil), 403, "drive.locked")
				q := url.Values{"entry_id": {f.ID}, "base_version": {strconv.FormatInt(f.Version, 10)}}
				r := e.raw("POST", "/api/v1/drive/files?"+q.Encode(), tok, []byte("forged"), map[string]string{"Content-Type": "application/octet-stream"})
				wantKey(t, r, 403, "drive.locked")
				p := planOf(t, []byte("forged minutes"))
				p.req.EntryID, p.req.BaseVersion = f.ID, f.Version
				wantKey(t, e.Do("POST", "/api/v1/drive/uploads", tok, p.req), 403, "drive.locked")
				wantKey(t, e.Do("PATCH", "/api/v1/drive/entries/"+f.ID, tok, map[string]any{"version": f.Version, "name": "x.md"}), 403, "drive.locked")
				wantKey(t, e.Do("DELETE", fmt.Sprintf("/api/v1/drive/entries/%s?version=%d", f.ID, f.Version), tok, nil), 403, "drive.locked")
				wantKey(t, e.Do("DELETE", fmt.Sprintf("/api/v1/drive/entries/%s?version=%d", folder, fo.Version), tok, nil), 403, "drive.locked")
				wantKey(t, e.Do("POST", "/api/v1/drive/entries/"+f.ID+"/permissions", tok,
					map[string]any{"principal_type": "everyone", "role": "editor"}), 403, "drive.locked")
				if st := lockedBatch(t, e, tok, f); st != 403 {
					t.Fatalf("batch new version: %d", st)
				}
				// The listing shows it read-only; a copy is theirs to edit.
				var kids struct{ Items []drive.Entry }
				e.Must(200, "GET", "/api/v1/drive/entries/"+folder+"/children", tok, nil).JSON(t, &kids)
				for _, k := range kids.Items {
					if k.ID == f.ID && k.Role != drive.RoleViewer {
						t.Fatalf("listed as %s", k.Role)
					}
				}
				var c drive.Entry
				e.Must(201, "POST", "/api/v1/drive/entries/"+f.ID+"/copy", tok, map[string]any{"parent_id": fo.ParentID, "name": "copy-" + who + ".md"}).JSON(t, &c)
				if c.Locked {
					t.Fatal("the copy is locked")
				}
				e.Must(200, "PATCH", "/api/v1/drive/entries/"+c.ID, tok, map[string]any{"version": c.Version, "name": "mine-" + who + ".md"})
			})
		}
		// The head manages the space: moving the folder out is refused too.
		var personal drive.Space
		for _, s := range e.spaces(tHead) {
			if s.Kind == drive.SpacePersonal {
				personal = s
			}
		}
		wantKey(t, e.Do("PATCH", "/api/v1/drive/entries/"+folder, tHead, map[string]any{"version": fo.Version, "parent_id": personal.RootID}), 403, "drive.locked")
		if body := e.get(tCol, f.ID, 0).Body; !bytes.Equal(body, original) {
			t.Fatal("the minutes changed")
		}
		// The organizer (an editor of the space) may still change them and
		// the attachment, and publishing again writes a new version.
		aq := url.Values{"entry_id": {sheet.ID}, "base_version": {strconv.FormatInt(sheet.Version, 10)}}
		if r := e.raw("POST", "/api/v1/drive/files?"+aq.Encode(), tOrg, []byte("budget v2"), map[string]string{"Content-Type": "application/octet-stream"}); r.Status != 200 {
			t.Fatalf("organizer's new version of the attachment: %d %s", r.Status, r.Body)
		}
		var renamed drive.Entry
		e.Must(200, "PATCH", "/api/v1/drive/entries/"+f.ID, tOrg, map[string]any{"version": f.Version, "description": "final"}).JSON(t, &renamed)
		if renamed.Role != drive.RoleEditor {
			t.Fatalf("organizer's role %q", renamed.Role)
		}
		e.Must(200, "GET", "/api/v1/meetings/"+id+"/minutes", tTaker, nil).JSON(t, &mn)
		e.Must(200, "PUT", "/api/v1/meetings/"+id+"/minutes", tTaker, map[string]any{"present": []string{orgUser.ID, taker.ID},
			"discussion": "预算（更正）", "decisions": []string{"批准"}, "version": mn.Version}).JSON(t, &mn)
		e.Must(200, "POST", "/api/v1/meetings/"+id+"/minutes/publish", tTaker, map[string]any{"version": mn.Version}).JSON(t, &mn)
		var again drive.Entry
		e.Must(200, "GET", "/api/v1/drive/entries/"+mn.DocumentID, tCol, nil).JSON(t, &again)
		if again.ID != f.ID || again.Version <= renamed.Version || !again.Locked {
			t.Fatalf("republished: %+v", again)
		}
	})
}

// lockedBatch sends a batch with one new version of f and returns its status.
func lockedBatch(t *testing.T, e *env, tok string, f drive.Entry) int {
	t.Helper()
	content := []byte("forged")
	p := planOf(t, content)
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	manifest, _ := json.Marshal(map[string]any{"items": []map[string]any{
		{"entry_id": f.ID, "base_version": f.Version, "size": len(content), "hash": p.req.Hash}}})
	_ = mw.WriteField("manifest", string(manifest))
	w, _ := mw.CreateFormFile("file", "0")
	_, _ = w.Write(content)
	_ = mw.Close()
	r := e.raw("POST", "/api/v1/drive/files/batch", tok, body.Bytes(), map[string]string{"Content-Type": mw.FormDataContentType()})
	var ans struct {
		Items []struct {
			Status int
			Error  struct{ Key string }
		}
	}
	r.JSON(t, &ans)
	if len(ans.Items) != 1 {
		t.Fatalf("batch: %s", r.Body)
	}
	if ans.Items[0].Status == 403 && ans.Items[0].Error.Key != "drive.locked" {
		t.Fatalf("batch: %s", r.Body)
	}
	return ans.Items[0].Status
}
