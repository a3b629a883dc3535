package notify_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"tack/backend/notify"
	"tack/backend/notify/notifyorg"
	"tack/backend/notify/smtptest"
	"tack/backend/org"
	"tack/backend/server/servertest"
)

// A DING's receiver sees their own receipt, not who else was DINGed: an
// announcement reminder goes to everyone who has not read it, and that list
// is the publisher's (GET announcements/{id}/receipts answers the audience 403).
func TestDingReceiverSeesOnlyOwnReceipt(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		adminTok, _ := e.Setup()
		sales := e.NewDepartment(adminTok, "Sales", "", nil)
		_, hrTok := e.NewUser(adminTok, "", "hr")
		s1, s1Tok := e.NewUser(adminTok, sales.ID)
		s2, s2Tok := e.NewUser(adminTok, sales.ID)
		s3, _ := e.NewUser(adminTok, sales.ID)
		var an notify.Announcement
		e.Must(201, "POST", "/api/v1/announcements", hrTok, map[string]any{"title": "New expense rules", "body": "read me",
			"department_ids": []string{sales.ID}}).JSON(t, &an)
		e.Must(403, "GET", "/api/v1/announcements/"+an.ID+"/receipts", s1Tok, nil)
		var d notify.Ding
		e.Must(201, "POST", "/api/v1/announcements/"+an.ID+"/remind", hrTok, nil).JSON(t, &d)
		if len(d.Receipts) != 3 {
			t.Fatalf("the publisher sees %d receipts, want 3", len(d.Receipts))
		}
		e.Must(200, "GET", "/api/v1/ding/"+d.ID, adminTok, nil).JSON(t, &d)
		if len(d.Receipts) != 3 {
			t.Fatalf("an admin sees %d receipts, want 3", len(d.Receipts))
		}
		for _, u := range []struct {
			id, tok string
		}{{s1.ID, s1Tok}, {s2.ID, s2Tok}} {
			var got notify.Ding
			e.Must(200, "GET", "/api/v1/ding/"+d.ID, u.tok, nil).JSON(t, &got)
			if len(got.Receipts) != 1 || got.Receipts[0].UserID != u.id || !got.Receiver {
				t.Errorf("a receiver sees the receipts %+v, want only their own", got.Receipts)
			}
			var page struct{ Items []notify.Ding }
			e.Must(200, "GET", "/api/v1/ding?box=received", u.tok, nil).JSON(t, &page)
			if len(page.Items) != 1 || len(page.Items[0].Receipts) != 1 || page.Items[0].Receipts[0].UserID != u.id {
				t.Errorf("a receiver's box shows the receipts %+v", page.Items)
			}
			for _, r := range append(got.Receipts, page.Items[0].Receipts...) {
				if r.UserID == s3.ID {
					t.Errorf("a receiver learns that s3 has not read it")
				}
			}
		}
	})
}

// Managing an announcement (its receipts, reminders by DING) follows the
// publishing role, not authorship: HR who loses the role stops following who
// read it and can no longer DING its audience, though they still see it.
func TestFormerPublisherNoLongerManages(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		adminTok, _ := e.Setup()
		hr, hrTok := e.NewUser(adminTok, "", "hr")
		other, _ := e.NewUser(adminTok, "")
		var an notify.Announcement
		e.Must(201, "POST", "/api/v1/announcements", hrTok, map[string]any{"title": "Holiday", "body": "closed",
			"everyone": true}).JSON(t, &an)
		var view struct {
			CanManage bool `json:"can_manage"`
		}
		e.Must(200, "GET", "/api/v1/announcements/"+an.ID, hrTok, nil).JSON(t, &view)
		if !view.CanManage {
			t.Fatal("the publisher cannot manage")
		}
		e.Must(200, "GET", "/api/v1/announcements/"+an.ID+"/receipts", hrTok, nil)

		// HR moves to sales: the admin takes the role away.
		var u org.User
		e.Must(200, "GET", "/api/v1/users/"+hr.ID, adminTok, nil).JSON(t, &u)
		e.Must(200, "PATCH", "/api/v1/users/"+hr.ID, adminTok, map[string]any{"roles": []string{}, "version": u.Version})

		e.Must(200, "GET", "/api/v1/announcements/"+an.ID, hrTok, nil).JSON(t, &view)
		if view.CanManage {
			t.Error("a former publisher still manages the announcement")
		}
		for _, req := range []struct{ method, path string }{
			{"GET", "/api/v1/announcements/" + an.ID + "/receipts"},
			{"POST", "/api/v1/announcements/" + an.ID + "/remind"},
		} {
			r := e.Do(req.method, req.path, hrTok, nil)
			if _, key, _ := r.ErrorCode(); r.Status != 403 || key != "announcement.forbidden" {
				t.Errorf("a former publisher %s %s: %d %s, want 403", req.method, req.path, r.Status, r.Body)
			}
		}
		r := e.Do("POST", "/api/v1/ding", hrTok, map[string]any{"recipients": []string{other.ID}, "message": "read it",
			"subject_type": "announcement", "subject_id": an.ID})
		if r.Status != 403 {
			t.Errorf("a former publisher DINGs about it: %d %s", r.Status, r.Body)
		}
		var sent struct{ Items []notify.Ding }
		e.Must(200, "GET", "/api/v1/ding?box=sent", hrTok, nil).JSON(t, &sent)
		if len(sent.Items) != 0 {
			t.Errorf("a former publisher sent %d DINGs", len(sent.Items))
		}
	})
}

// One address the mail server refuses (a typo in a profile, a closed mailbox)
// does not hold up everyone else's email: refused for good (5xx) it is
// skipped, refused for now (4xx) it is tried again next run, and the others
// are mailed in the same run either way.
func TestEmailRefusedAddressDoesNotHoldUpOthers(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		adminTok, admin := e.Setup()
		sink := smtptest.Start(t, smtptest.Plain)
		e.Must(200, "PUT", "/api/v1/settings/email", adminTok, map[string]any{"enabled": true, "host": "127.0.0.1", "port": sink.Port,
			"security": "none", "from": "tack@test.tack"})
		withEmail := func(email string) org.User {
			u, _ := e.NewUser(adminTok, "")
			e.Must(200, "PATCH", "/api/v1/users/"+u.ID, adminTok, map[string]any{"email": email, "version": u.Version}).JSON(t, &u)
			return u
		}
		// In this order, so the refused ones come first in every run.
		gone := withEmail("unknown-zhang@test.tack")
		full := withEmail("full-li@test.tack")
		good := withEmail("wang@test.tack")
		for _, u := range []org.User{gone, full, good} {
			emit(t, e, &notify.Event{Type: "approval.task_assigned", ActorID: admin.ID, Recipients: []string{u.ID},
				Data: map[string]any{"title": "Leave 2d", "link": "/approvals/1"}})
		}
		dispatch(t, e)
		ctx := context.Background()
		send := func() int {
			t.Helper()
			n, err := e.Server.Notify.SendEmails(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		e.Clock.Advance(16 * time.Minute)
		if n := send(); n != 1 {
			t.Fatalf("sent %d emails, want 1 (to %s)", n, good.Email)
		}
		if msgs := sink.Messages(); len(msgs) != 1 || msgs[0].To[0] != good.Email {
			t.Fatalf("mail %+v", msgs)
		}
		// The full mailbox is emptied; the closed one stays closed.
		e.Must(200, "PATCH", "/api/v1/users/"+full.ID, adminTok, map[string]any{"email": "li@test.tack", "version": full.Version})
		e.Clock.Advance(time.Minute)
		if n := send(); n != 1 {
			t.Fatalf("second run sent %d emails, want 1 (to li@test.tack)", n)
		}
		msgs := sink.Messages()
		if len(msgs) != 2 || msgs[1].To[0] != "li@test.tack" {
			t.Fatalf("mail %+v", msgs)
		}
		e.Clock.Advance(20 * time.Minute)
		if n := send(); n != 0 {
			t.Fatalf("third run sent %d emails: the refused address was tried again", n)
		}
	})
}

// A stream that reconnects "from 0" (or with a Last-Event-ID it made up) is
// replayed from the newest Config.ReplayWindow events only, so no client can
// make each reconnect read the whole events table; one a few events behind
// still gets exactly what it missed.
func TestEventReplayLooksBackAWindowOnly(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		adminTok, admin := e.Setup()
		u, _ := e.NewUser(adminTok, "")
		other, _ := e.NewUser(adminTok, "")
		for i := range 12 {
			to := u.ID
			if i%3 == 2 {
				to = other.ID
			}
			emit(t, e, &notify.Event{Type: "ding.received", ActorID: admin.ID, Recipients: []string{to}, Data: map[string]any{"title": "x"}})
		}
		svc := notify.NewService(e.Server.DB, e.Clock, notifyorg.Directory{Org: e.Server.Org}, notify.Config{ReplayWindow: 6})
		ctx := context.Background()
		newest, err := svc.LastEventID(ctx)
		if err != nil {
			t.Fatal(err)
		}
		all, err := svc.EventsAfter(ctx, u.ID, 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 4 { // of the newest 6 events, 4 are u's
			t.Errorf("a replay from 0 returned %d events, want the 4 of u's among the newest 6", len(all))
		}
		for _, ev := range all {
			if ev.ID <= newest-6 || !slices.Contains(ev.Recipients, u.ID) {
				t.Errorf("replayed event %d (newest %d) to %v", ev.ID, newest, ev.Recipients)
			}
		}
		recent, err := svc.EventsAfter(ctx, u.ID, newest-2, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if len(recent) != 1 || recent[0].ID != newest-1 { // the last event is other's
			t.Errorf("a reconnect two events behind got %+v", recent)
		}
	})
}

// An announcement names at most 200 departments (their sub-departments come
// with them): each costs a walk of the tree, and a list of thousands from a
// script or a stolen HR session would tie the server up. Nothing is published.
func TestAnnouncementDepartmentListIsBounded(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		adminTok, _ := e.Setup()
		_, hrTok := e.NewUser(adminTok, "", "hr")
		ids := make([]string, 201)
		for i := range ids {
			ids[i] = fmt.Sprintf("dept-%d", i)
		}
		r := e.Must(400, "POST", "/api/v1/announcements", hrTok, map[string]any{"title": "x", "body": "y", "department_ids": ids})
		if _, key, f := r.ErrorCode(); key != "announcement.invalid" || f["department_ids"] != "too_large" {
			t.Fatalf("201 departments: %s", r.Body)
		}
		var list struct{ Items []notify.Announcement }
		e.Must(200, "GET", "/api/v1/announcements", adminTok, nil).JSON(t, &list)
		if len(list.Items) != 0 {
			t.Fatalf("published %d", len(list.Items))
		}
	})
}

// "Notices must be read": a reminder reaches everyone in the audience who has
// not read it, also past the 200 people one DING may name, as one DING.
func TestRemindReachesALargeAudience(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		adminTok, _ := e.Setup()
		root := e.RootDepartment(adminTok)
		// Written directly: 250 sign-ups through the API would hash 250 passwords.
		now := e.Clock.Now()
		users := make([]org.User, 250)
		for i := range users {
			users[i] = org.User{ID: fmt.Sprintf("bulk-%03d", i), Email: fmt.Sprintf("bulk%03d@test.tack", i), Name: fmt.Sprintf("Bulk %03d", i),
				DepartmentID: root.ID, Active: true, Version: 1, CreatedAt: now, UpdatedAt: now}
		}
		if err := e.Server.DB.CreateInBatches(&users, 100).Error; err != nil {
			t.Fatal(err)
		}
		var an notify.Announcement
		e.Must(201, "POST", "/api/v1/announcements", adminTok, map[string]any{"title": "Fire drill", "body": "Friday 3 pm",
			"everyone": true}).JSON(t, &an)
		var d notify.Ding
		e.Must(201, "POST", "/api/v1/announcements/"+an.ID+"/remind", adminTok, nil).JSON(t, &d)
		if len(d.Receipts) != 250 { // everyone but the admin, who sends it
			t.Fatalf("the reminder reached %d, want 250", len(d.Receipts))
		}
		// A DING someone writes still names at most 200.
		ids := make([]string, 201)
		for i := range ids {
			ids[i] = users[i].ID
		}
		r := e.Must(400, "POST", "/api/v1/ding", adminTok, map[string]any{"recipients": ids, "message": "hi"})
		if _, _, f := r.ErrorCode(); f["recipients"] != "too_large" {
			t.Fatalf("201 recipients: %s", r.Body)
		}
	})
}
