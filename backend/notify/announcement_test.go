package notify_test

import (
	"testing"

	"tack/backend/notify"
	"tack/backend/server/servertest"
)

func TestAnnouncementAudienceAndReceipts(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		adminTok, _ := e.Setup()
		sales := e.NewDepartment(adminTok, "Sales", "", nil)
		east := e.NewDepartment(adminTok, "Sales East", sales.ID, nil)
		rnd := e.NewDepartment(adminTok, "R&D", "", nil)
		s1, s1Tok := e.NewUser(adminTok, sales.ID)
		s2, s2Tok := e.NewUser(adminTok, east.ID)
		_, devTok := e.NewUser(adminTok, rnd.ID)
		hr, hrTok := e.NewUser(adminTok, rnd.ID, "hr")

		// members may not publish; validation before write
		var cp struct {
			CanPublish bool `json:"can_publish"`
		}
		e.Must(200, "GET", "/api/v1/announcements/can-publish", s1Tok, nil).JSON(t, &cp)
		if cp.CanPublish {
			t.Fatal("member can publish")
		}
		e.Must(200, "GET", "/api/v1/announcements/can-publish", hrTok, nil).JSON(t, &cp)
		if !cp.CanPublish {
			t.Fatal("hr cannot publish")
		}
		e.Must(403, "POST", "/api/v1/announcements", s1Tok, map[string]any{"title": "x", "body": "y", "everyone": true})
		r := e.Must(400, "POST", "/api/v1/announcements", hrTok, map[string]any{"title": "", "body": "y"})
		if _, _, f := r.ErrorCode(); f["title"] != "required" || f["department_ids"] != "required" {
			t.Fatalf("validation %s", r.Body)
		}
		var an notify.Announcement
		e.Must(201, "POST", "/api/v1/announcements", hrTok, map[string]any{"title": "Sales kick-off", "body": "**Monday**",
			"require_ack": true, "department_ids": []string{sales.ID}}).JSON(t, &an)

		// audience: Sales and its sub-department; R&D does not see it
		var list struct{ Items []notify.Announcement }
		e.Must(200, "GET", "/api/v1/announcements", s2Tok, nil).JSON(t, &list)
		if len(list.Items) != 1 || list.Items[0].ReadAt != nil {
			t.Fatalf("s2 list %+v", list.Items)
		}
		e.Must(200, "GET", "/api/v1/announcements", devTok, nil).JSON(t, &list)
		if len(list.Items) != 0 {
			t.Fatal("outsider sees the announcement")
		}
		e.Must(404, "GET", "/api/v1/announcements/"+an.ID, devTok, nil)
		e.Must(404, "POST", "/api/v1/announcements/"+an.ID+"/ack", devTok, nil)
		e.Must(200, "GET", "/api/v1/announcements/"+an.ID, hrTok, nil) // publisher outside the audience
		e.Must(200, "GET", "/api/v1/announcements", adminTok, nil).JSON(t, &list)
		if len(list.Items) != 1 {
			t.Fatal("admin does not see it")
		}

		dispatch(t, e)
		if unread(t, e, s1Tok) != 1 || unread(t, e, devTok) != 0 || unread(t, e, hrTok) != 0 {
			t.Fatal("announcement.published notifications go to the audience only")
		}
		// s1 opens it (read), s2 acknowledges
		e.Must(200, "POST", "/api/v1/announcements/"+an.ID+"/read", s1Tok, nil)
		if unread(t, e, s1Tok) != 0 {
			t.Fatal("opening did not mark the notification read")
		}
		var got notify.Announcement
		e.Must(200, "POST", "/api/v1/announcements/"+an.ID+"/ack", s2Tok, nil).JSON(t, &got)
		if got.ReadAt == nil || got.AckedAt == nil {
			t.Fatalf("ack %+v", got)
		}
		e.Must(403, "GET", "/api/v1/announcements/"+an.ID+"/receipts", s1Tok, nil)
		var rc notify.Receipts
		e.Must(200, "GET", "/api/v1/announcements/"+an.ID+"/receipts", hrTok, nil).JSON(t, &rc)
		if len(rc.Acknowledged) != 1 || rc.Acknowledged[0].UserID != s2.ID || len(rc.Read) != 1 || rc.Read[0].UserID != s1.ID || rc.Read[0].Name == "" {
			t.Fatalf("receipts %+v", rc)
		}
		// reminder: requires ack, so s1 (read, not acknowledged) is DINGed
		var d notify.Ding
		e.Must(201, "POST", "/api/v1/announcements/"+an.ID+"/remind", hrTok, nil).JSON(t, &d)
		if len(d.Receipts) != 1 || d.Receipts[0].UserID != s1.ID || d.SenderID != hr.ID || d.SubjectType != "announcement" {
			t.Fatalf("remind %+v", d)
		}
		e.Must(200, "POST", "/api/v1/announcements/"+an.ID+"/ack", s1Tok, nil)
		r = e.Must(400, "POST", "/api/v1/announcements/"+an.ID+"/remind", hrTok, nil)
		if _, key, _ := r.ErrorCode(); key != "announcement.all_read" {
			t.Fatalf("remind all read: %s", r.Body)
		}

		// everyone
		e.Must(201, "POST", "/api/v1/announcements", adminTok, map[string]any{"title": "Holiday", "body": "Closed", "everyone": true}).JSON(t, &an)
		e.Must(200, "GET", "/api/v1/announcements/"+an.ID, devTok, nil)
		e.Must(200, "GET", "/api/v1/announcements/"+an.ID+"/receipts", adminTok, nil).JSON(t, &rc)
		if len(rc.NotYet) != 5 { // admin, s1, s2, dev, hr
			t.Fatalf("everyone: not yet %d, want 5", len(rc.NotYet))
		}
	})
}
