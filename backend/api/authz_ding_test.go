package api_test

import (
	"context"
	"net/http"
	"testing"

	"tack/backend/server/servertest"
)

// TestAuthzDingSubjects: a DING about an approval, a meeting or an
// announcement is refused unless the sender may see it (404, the same answer
// as for one that does not exist) and every recipient may open it; an
// announcement's audience may not DING about it (403: that is the
// publisher's). Refused DINGs send nothing and reach nobody's inbox. Then
// the announcement routes answer bob 404 alike, existing or not, while its
// audience is told 403 for the receipts they may not see.
func TestAuthzDingSubjects(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		w := newAuthzWorld(t, e)
		_, hrT := e.NewUser(w.admin, "", "hr")
		ding := func(tok, typ, id string, to ...string) servertest.Response {
			t.Helper()
			return e.Do("POST", "/api/v1/ding", tok, map[string]any{"recipients": to, "message": "look at this",
				"subject_type": typ, "subject_id": id})
		}
		boxes := func() map[string]string {
			t.Helper()
			if _, err := e.Server.Notify.NewDispatcher().RunOnce(context.Background()); err != nil {
				t.Fatal(err)
			}
			out := map[string]string{}
			for name, tok := range map[string]string{"head": w.headT, "alice": w.aliceT, "bob": w.bobT, "hr": hrT, "admin": w.admin} {
				for _, path := range []string{"/api/v1/ding?box=received", "/api/v1/ding?box=sent", "/api/v1/notifications"} {
					out[name+" "+path] = string(e.Must(http.StatusOK, "GET", path, tok, nil).Body)
				}
			}
			return out
		}
		before := boxes()

		// Bob takes part in none of these: each looks like a subject that
		// does not exist.
		missing := ding(w.bobT, "approval", "no-such-request", w.head.ID)
		if _, key, _ := missing.ErrorCode(); missing.Status != http.StatusNotFound || key != "ding.subject_not_found" {
			t.Fatalf("DING about a request that does not exist: %d %s", missing.Status, missing.Body)
		}
		for _, s := range []struct{ name, typ, id string }{
			{"alice's leave", "approval", w.approval.ID},
			{"alice's meeting", "meeting", w.meeting.ID},
			{"the admin's meeting", "meeting", w.adminMeeting},
			{"department A's announcement", "announcement", w.announcement},
			{"a meeting that does not exist", "meeting", "no-such-meeting"},
			{"an announcement that does not exist", "announcement", "no-such-announcement"},
		} {
			r := ding(w.bobT, s.typ, s.id, w.head.ID, w.alice.ID)
			_, key, _ := r.ErrorCode()
			if r.Status != http.StatusNotFound || key != "ding.subject_not_found" || !errorShape(r.Status, r.Body) {
				t.Errorf("bob DINGs about %s: %d %s, want 404 ding.subject_not_found", s.name, r.Status, r.Body)
			}
		}
		// A notification is its one recipient's: no person DINGs about one.
		if r := ding(w.aliceT, "notification", w.notification, w.head.ID); r.Status != http.StatusBadRequest {
			t.Errorf("DING about a notification: %d %s", r.Status, r.Body)
		} else if _, _, f := r.ErrorCode(); f["subject_type"] != "invalid" {
			t.Errorf("DING about a notification: %s", r.Body)
		}
		// The sender may see it, but a recipient may not open it.
		for _, s := range []struct {
			name, tok, typ, id, to string
		}{
			{"alice to bob about her leave", w.aliceT, "approval", w.approval.ID, w.bob.ID},
			{"alice to bob about her meeting", w.aliceT, "meeting", w.meeting.ID, w.bob.ID},
			{"the head to alice about the admin's meeting", w.headT, "meeting", w.adminMeeting, w.alice.ID},
			{"the admin to bob about A's announcement", w.admin, "announcement", w.announcement, w.bob.ID},
		} {
			r := ding(s.tok, s.typ, s.id, s.to)
			if _, key, f := r.ErrorCode(); r.Status != http.StatusBadRequest || key != "ding.invalid" || f["recipients"] != "not_involved" {
				t.Errorf("%s: %d %s, want 400 recipients not_involved", s.name, r.Status, r.Body)
			}
		}
		// People who have left get no DING.
		if r := ding(w.aliceT, "approval", w.approval.ID, w.head.ID, w.carol.ID); r.Status != http.StatusBadRequest {
			t.Errorf("DING to carol, who has left: %d %s", r.Status, r.Body)
		} else if _, _, f := r.ErrorCode(); f["recipients"] != "not_found" {
			t.Errorf("DING to carol, who has left: %s", r.Body)
		}
		// Alice reads the announcement; reminding its audience is the publisher's.
		r := ding(w.aliceT, "announcement", w.announcement, w.head.ID)
		if _, key, _ := r.ErrorCode(); r.Status != http.StatusForbidden || key != "ding.subject_forbidden" {
			t.Errorf("alice DINGs about the announcement: %d %s, want 403 ding.subject_forbidden", r.Status, r.Body)
		}

		w.checkAnnouncementHidden(t)

		after := boxes()
		for k, v := range before {
			if after[k] != v {
				t.Errorf("refused DINGs changed %s:\nbefore %s\nafter  %s", k, v, after[k])
			}
		}

		// Those who take part may DING the others who do.
		for _, s := range []struct {
			name, tok, typ, id, to string
		}{
			{"alice to her approver about her leave", w.aliceT, "approval", w.approval.ID, w.head.ID},
			{"the approver to alice about her leave", w.headT, "approval", w.approval.ID, w.alice.ID},
			{"HR, who sees every request, to alice", hrT, "approval", w.approval.ID, w.alice.ID},
			{"alice to the attendee of her meeting", w.aliceT, "meeting", w.meeting.ID, w.head.ID},
			{"the attendee to the organizer", w.headT, "meeting", w.meeting.ID, w.alice.ID},
			{"the publisher to the audience", w.admin, "announcement", w.announcement, w.alice.ID},
		} {
			if r := ding(s.tok, s.typ, s.id, s.to); r.Status != http.StatusCreated {
				t.Errorf("%s: %d %s", s.name, r.Status, r.Body)
			}
		}
	})
}

// checkAnnouncementHidden: to bob, outside department A, every route of its
// announcement answers exactly what it answers for an announcement that does
// not exist, receipts and reminders included (a 403 there would confirm it
// exists). Its audience may read it but gets 403 for receipts and reminders.
func (w *authzWorld) checkAnnouncementHidden(t *testing.T) {
	t.Helper()
	e := w.e
	for _, route := range []struct{ method, suffix string }{
		{"GET", ""}, {"POST", "/read"}, {"POST", "/ack"}, {"GET", "/receipts"}, {"POST", "/remind"},
	} {
		for _, id := range []string{w.announcement, "no-such-announcement"} {
			r := e.Do(route.method, "/api/v1/announcements/"+id+route.suffix, w.bobT, nil)
			if _, key, _ := r.ErrorCode(); r.Status != http.StatusNotFound || key != "announcement.not_found" || !errorShape(r.Status, r.Body) {
				t.Errorf("bob %s announcements/%s%s: %d %s, want 404 announcement.not_found", route.method, id, route.suffix, r.Status, r.Body)
			}
		}
	}
	e.Must(http.StatusOK, "GET", "/api/v1/announcements/"+w.announcement, w.aliceT, nil)
	for _, route := range []struct{ method, suffix string }{{"GET", "/receipts"}, {"POST", "/remind"}} {
		r := e.Do(route.method, "/api/v1/announcements/"+w.announcement+route.suffix, w.aliceT, nil)
		if _, key, _ := r.ErrorCode(); r.Status != http.StatusForbidden || key != "announcement.forbidden" {
			t.Errorf("alice, in the audience, %s %s: %d %s, want 403", route.method, route.suffix, r.Status, r.Body)
		}
	}
}
