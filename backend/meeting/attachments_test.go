package meeting_test

import (
	"net/http"
	"net/url"
	"testing"

	"tack/backend/drive"
	"tack/backend/meeting"
	"tack/backend/server/servertest"
)

// TestDriveAttachmentsSharedWithAttendees: a drive file attached to a
// meeting becomes readable (read-only) for everyone in it, attendees added
// later included; someone who could edit it keeps editing; a file the
// organizer may not share is reported, not silently left unreadable.
func TestDriveAttachmentsSharedWithAttendees(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		w := newWorld(t, e)
		upload := func(token, kind, name string) drive.Entry {
			t.Helper()
			var spaces struct{ Items []drive.Space }
			e.Must(http.StatusOK, "GET", "/api/v1/drive/spaces", token, nil).JSON(t, &spaces)
			for _, sp := range spaces.Items {
				if string(sp.Kind) == kind {
					var f drive.Entry
					q := url.Values{"parent_id": {sp.RootID}, "name": {name}}
					e.Must(http.StatusCreated, "POST", "/api/v1/drive/files?"+q.Encode(), token, "资料").JSON(t, &f)
					return f
				}
			}
			t.Fatalf("no %s space", kind)
			return drive.Entry{}
		}
		role := func(token, id string) string {
			r := e.Do("GET", "/api/v1/drive/entries/"+id, token, nil)
			if r.Status == http.StatusNotFound {
				return "none"
			}
			var en drive.Entry
			r.JSON(t, &en)
			return en.Role
		}
		plan := upload(w.ta, "personal", "方案.pdf")
		notice := upload(w.admin, "company", "制度.pdf") // a may read it, not share it
		// c may already edit the plan; that must stay so.
		e.Must(http.StatusCreated, "POST", "/api/v1/drive/entries/"+plan.ID+"/permissions", w.ta,
			map[string]any{"principal_type": "user", "principal_id": w.c.ID, "role": "editor"})
		if role(w.tb, plan.ID) != "none" {
			t.Fatal("b reads the plan before the meeting")
		}

		body := map[string]any{"title": "评审", "start": "2026-01-07T10:00", "end": "2026-01-07T11:00", "place": "x",
			"attendee_ids": []string{w.b.ID, w.c.ID}, "attachments": []string{"/drive/entries/" + plan.ID, "/drive/entries/" + notice.ID}}
		res, r := w.book(t, w.ta, body)
		if r.Status != http.StatusCreated {
			t.Fatalf("book %d %s", r.Status, r.Body)
		}
		if len(res.Warnings) != 1 || res.Warnings[0].Code != "attachment_not_shared" || res.Warnings[0].Attachment != "/drive/entries/"+notice.ID {
			t.Fatalf("warnings %+v", res.Warnings)
		}
		if got := role(w.tb, plan.ID) + " " + role(w.tc, plan.ID) + " " + role(w.tx, plan.ID); got != "viewer editor none" {
			t.Fatalf("roles b c x: %s", got)
		}
		// Read-only for b: no renaming.
		e.Must(http.StatusForbidden, "PATCH", "/api/v1/drive/entries/"+plan.ID, w.tb, map[string]any{"name": "改.pdf", "version": plan.Version})

		// x joins later and can read it too.
		body["attendee_ids"] = []string{w.b.ID, w.c.ID, w.x.ID}
		body["attachments"] = []string{"/drive/entries/" + plan.ID}
		body["version"] = res.Meeting.Version
		var upd meeting.SaveResult
		e.Must(http.StatusOK, "PATCH", "/api/v1/meetings/"+res.Meeting.ID, w.ta, body).JSON(t, &upd)
		if len(upd.Warnings) != 0 || role(w.tx, plan.ID) != "viewer" || role(w.tc, plan.ID) != "editor" {
			t.Fatalf("after adding x: warnings %+v, x %s, c %s", upd.Warnings, role(w.tx, plan.ID), role(w.tc, plan.ID))
		}
	})
}
