package drive_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"tack/backend/drive"
	"tack/backend/meeting"
	"tack/backend/server/servertest"
)

// TestPublishMinutesIntoTheDrive publishes minutes through the meeting API
// with the real drive wired: the file lands in the organizer's department
// space under 会议纪要, attendees from other departments can read (not
// write) it, a non-attendee outside the department cannot see it.
func TestPublishMinutesIntoTheDrive(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, se *servertest.Env) {
		e := newEnv(t, se)
		sales := e.NewDepartment(e.admin, "Sales", "", nil)
		rnd := e.NewDepartment(e.admin, "R&D", "", nil)
		org1, tOrg := e.NewUser(e.admin, sales.ID)
		colleague, tCol := e.NewUser(e.admin, sales.ID)
		guest, tGuest := e.NewUser(e.admin, rnd.ID)
		_, tOut := e.NewUser(e.admin, rnd.ID)
		_ = colleague
		var m meeting.SaveResult
		e.Must(http.StatusCreated, "POST", "/api/v1/meetings", tOrg, map[string]any{"title": "周会", "start": "2026-01-06T10:00",
			"end": "2026-01-06T11:00", "time_zone": "Asia/Shanghai", "place": "3F", "attendee_ids": []string{guest.ID},
			"minute_taker_id": guest.ID}).JSON(t, &m)
		id := m.Meeting.ID
		var mn meeting.Minutes
		e.Must(200, "PUT", "/api/v1/meetings/"+id+"/minutes", tGuest, map[string]any{"present": []string{org1.ID, guest.ID},
			"discussion": "讨论了预算", "decisions": []string{"批准预算"}, "version": 0}).JSON(t, &mn)
		e.Must(200, "POST", "/api/v1/meetings/"+id+"/minutes/publish", tGuest, map[string]any{"version": mn.Version}).JSON(t, &mn)
		if mn.DocumentID == "" {
			t.Fatal("no document ID")
		}
		doc := e.Must(200, "GET", "/api/v1/drive/entries/"+mn.DocumentID, tGuest, nil)
		var f drive.Entry
		doc.JSON(t, &f)
		if f.Role != drive.RoleViewer || f.Name != "2026-01-06 周会 纪要.md" {
			t.Fatalf("the attendee's view of the document %+v", f)
		}
		var path struct{ Items []drive.Entry }
		e.Must(200, "GET", "/api/v1/drive/entries/"+f.ID+"/path", tOrg, nil).JSON(t, &path)
		salesSp := e.spaces(tOrg)["department:Sales"]
		if len(path.Items) != 3 || path.Items[0].ID != salesSp.RootID || path.Items[1].Name != "会议纪要" {
			t.Fatalf("document path %+v", path.Items)
		}
		if body := string(e.get(tGuest, f.ID, 0).Body); !strings.Contains(body, "批准预算") {
			t.Fatalf("content %q", body)
		}
		wantKey(t, e.get(tOut, f.ID, 0), 404, "drive.not_found")
		wantKey(t, e.Do("GET", "/api/v1/drive/entries/"+f.ID, tOut, nil), 404, "drive.not_found")
		_, r := e.put(tGuest, path.Items[1].ID, "x.md", []byte("x"))
		wantKey(t, r, 404, "drive.not_found") // the guest sees the file, not the folder
		wantKey(t, e.Do("PATCH", "/api/v1/drive/entries/"+f.ID, tGuest, map[string]any{"version": f.Version, "name": "mine.md"}), 403, "drive.forbidden")
		// the department's own members read it through the space
		e.Must(200, "GET", "/api/v1/drive/files/"+f.ID+"/content", tCol, nil)
		var perms struct{ Items []drive.Permission }
		e.Must(200, "GET", "/api/v1/drive/entries/"+f.ID+"/permissions", tOrg, nil).JSON(t, &perms)
		viewers := map[string]bool{}
		for _, p := range perms.Items {
			if !p.Inherited && p.PrincipalType == "user" && p.Role == "viewer" {
				viewers[p.PrincipalID] = true
			}
		}
		if !viewers[guest.ID] || !viewers[org1.ID] {
			t.Fatalf("direct viewer grants %+v", perms.Items)
		}
	})
}

// An attendee from the organizer's own department (whose space lets every
// member edit) gets the published minutes read-only like everyone else: only
// the organizer and the minute-taker change them. And minutes first published
// into the old English "Meetings" folder get their new version there.
func TestPublishMinutesDepartmentAttendeeReadOnly(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, se *servertest.Env) {
		e := newEnv(t, se)
		sales := e.NewDepartment(e.admin, "Sales", "", nil)
		org1, tOrg := e.NewUser(e.admin, sales.ID)
		colleague, tCol := e.NewUser(e.admin, sales.ID)
		taker, tTaker := e.NewUser(e.admin, sales.ID)
		salesSp := e.spaces(tOrg)["department:Sales"]
		// A space member can edit an ordinary file in the space.
		plain := e.mustPut(tOrg, salesSp.RootID, "plan.md", []byte("v1"))
		e.Must(200, "PATCH", "/api/v1/drive/entries/"+plain.ID, tCol, map[string]any{"version": plain.Version, "name": "plan2.md"})
		// Minutes published before the rename, in the old folder.
		old := e.mkdir(tOrg, salesSp.RootID, "Meetings")
		e.mustPut(tOrg, old.ID, "2026-01-06 周会 纪要.md", []byte("old"))
		var m meeting.SaveResult
		e.Must(http.StatusCreated, "POST", "/api/v1/meetings", tOrg, map[string]any{"title": "周会", "start": "2026-01-06T10:00",
			"end": "2026-01-06T11:00", "time_zone": "Asia/Shanghai", "place": "3F", "attendee_ids": []string{colleague.ID, taker.ID},
			"minute_taker_id": taker.ID}).JSON(t, &m)
		id := m.Meeting.ID
		var mn meeting.Minutes
		e.Must(200, "PUT", "/api/v1/meetings/"+id+"/minutes", tTaker, map[string]any{"present": []string{org1.ID, colleague.ID},
			"discussion": "讨论了预算", "decisions": []string{"批准预算"}, "version": 0}).JSON(t, &mn)
		e.Must(200, "POST", "/api/v1/meetings/"+id+"/minutes/publish", tTaker, map[string]any{"version": mn.Version}).JSON(t, &mn)
		var f drive.Entry
		e.Must(200, "GET", "/api/v1/drive/entries/"+mn.DocumentID, tCol, nil).JSON(t, &f)
		if f.Role != drive.RoleViewer || f.ParentID != old.ID {
			t.Fatalf("the colleague's view of the document %+v (want viewer, in the old folder %s)", f, old.ID)
		}
		if body := string(e.get(tCol, f.ID, 0).Body); !strings.Contains(body, "批准预算") {
			t.Fatalf("content %q", body)
		}
		if r := e.Do("PATCH", "/api/v1/drive/entries/"+f.ID, tCol, map[string]any{"version": f.Version, "name": "mine.md"}); r.Status != http.StatusForbidden {
			t.Fatalf("a colleague renames the minutes: %d %s", r.Status, r.Body)
		}
		q := url.Values{"entry_id": {f.ID}, "base_version": {strconv.FormatInt(f.Version, 10)}}
		if r := e.raw("POST", "/api/v1/drive/files?"+q.Encode(), tCol, []byte("改掉纪要"), map[string]string{"Content-Type": "application/octet-stream"}); r.Status != http.StatusForbidden {
			t.Fatalf("a colleague overwrites the minutes: %d %s", r.Status, r.Body)
		}
		// The organizer and the minute-taker keep edit rights.
		for _, tok := range []string{tOrg, tTaker} {
			var g drive.Entry
			e.Must(200, "GET", "/api/v1/drive/entries/"+f.ID, tok, nil).JSON(t, &g)
			if g.Role == drive.RoleViewer {
				t.Fatalf("a writer's role %q", g.Role)
			}
		}
	})
}
