package notify_test

import (
	"context"
	"testing"
	"time"

	"tack/backend/identity"
	"tack/backend/notify"
	"tack/backend/server/servertest"
)

func TestDingAckReceiptsAndRateLimit(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		adminTok, _ := e.Setup()
		a, aTok := e.NewUser(adminTok, "")
		b, bTok := e.NewUser(adminTok, "")
		c, cTok := e.NewUser(adminTok, "")

		r := e.Must(400, "POST", "/api/v1/ding", aTok, map[string]any{"recipients": []string{}, "message": ""})
		if _, key, f := r.ErrorCode(); key != "ding.invalid" || f["recipients"] != "required" || f["message"] != "required" {
			t.Fatalf("validation: %s", r.Body)
		}
		e.Must(400, "POST", "/api/v1/ding", aTok, map[string]any{"recipients": []string{"nobody"}, "message": "x"})

		var d notify.Ding
		e.Must(201, "POST", "/api/v1/ding", aTok, map[string]any{"recipients": []string{b.ID, c.ID}, "message": "Please approve my leave"}).JSON(t, &d)
		if len(d.Receipts) != 2 || d.Receipts[0].AckedAt != nil {
			t.Fatalf("ding %+v", d)
		}
		dispatch(t, e)
		var p notifPage
		e.Must(200, "GET", "/api/v1/notifications?unread=1", bTok, nil).JSON(t, &p)
		if len(p.Items) != 1 || p.Items[0].Type != "ding.received" || p.Items[0].Link != "/ding/"+d.ID {
			t.Fatalf("b notifications %+v", p.Items)
		}
		// b acknowledges; the sender sees b acked and c not
		e.Must(200, "POST", "/api/v1/ding/"+d.ID+"/ack", bTok, nil)
		e.Must(404, "POST", "/api/v1/ding/"+d.ID+"/ack", aTok, nil) // the sender is no receiver
		e.Must(200, "GET", "/api/v1/ding/"+d.ID, aTok, nil).JSON(t, &d)
		acked := map[string]bool{}
		for _, r := range d.Receipts {
			acked[r.UserID] = r.AckedAt != nil
		}
		if !acked[b.ID] || acked[c.ID] {
			t.Fatalf("receipts %+v", d.Receipts)
		}
		if unread(t, e, bTok) != 0 {
			t.Fatal("ack did not mark the DING notification read")
		}
		// boxes
		var page struct{ Items []notify.Ding }
		e.Must(200, "GET", "/api/v1/ding?box=sent", aTok, nil).JSON(t, &page)
		if len(page.Items) != 1 {
			t.Fatalf("sent %d", len(page.Items))
		}
		e.Must(200, "GET", "/api/v1/ding?box=received", cTok, nil).JSON(t, &page)
		if len(page.Items) != 1 || page.Items[0].AckedAt != nil {
			t.Fatalf("received %+v", page.Items)
		}
		e.Must(200, "GET", "/api/v1/ding?box=received", aTok, nil).JSON(t, &page)
		if len(page.Items) != 0 {
			t.Fatal("sender sees it received")
		}
		_, outsiderTok := e.NewUser(adminTok, "")
		e.Must(404, "GET", "/api/v1/ding/"+d.ID, outsiderTok, nil)
		e.Must(200, "GET", "/api/v1/ding/"+d.ID, adminTok, nil)

		// rate limit: 20 per person per day (1 already sent)
		for i := 0; i < 19; i++ {
			e.Must(201, "POST", "/api/v1/ding", aTok, map[string]any{"recipients": []string{b.ID}, "message": "again"})
		}
		r = e.Must(429, "POST", "/api/v1/ding", aTok, map[string]any{"recipients": []string{b.ID}, "message": "one too many"})
		if code, key, _ := r.ErrorCode(); code != "rate_limited" || key != "ding.rate_limited" {
			t.Fatalf("rate limit: %s", r.Body)
		}
		e.Must(201, "POST", "/api/v1/ding", bTok, map[string]any{"recipients": []string{a.ID}, "message": "others still can"})
		e.Clock.Advance(24 * time.Hour) // next day
		e.Must(201, "POST", "/api/v1/ding", aTok, map[string]any{"recipients": []string{b.ID}, "message": "new day"})
	})
}

// must-read notifications unread past 2 h (created in working hours) or
// 12 h (outside) get one automatic DING.
func TestDingEscalationWorkingHours(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		adminTok, admin := e.Setup()
		u, uTok := e.NewUser(adminTok, "")
		svc := e.Server.Notify
		ctx := context.Background()
		escalate := func() int {
			t.Helper()
			n, err := svc.Escalate(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		// Monday 2026-01-05 09:00 UTC = 17:00 Asia/Shanghai: working hours.
		emit(t, e, &notify.Event{Type: "approval.task_assigned", SubjectType: "approval", SubjectID: "ap1", ActorID: admin.ID,
			Recipients: []string{u.ID}, Data: map[string]any{"title": "Leave", "link": "/approvals/ap1"}})
		emit(t, e, &notify.Event{Type: "meeting.changed", ActorID: admin.ID, Recipients: []string{u.ID}, Data: map[string]any{"title": "not must-read"}})
		dispatch(t, e)
		e.Clock.Advance(2*time.Hour - time.Minute)
		if n := escalate(); n != 0 {
			t.Fatalf("escalated early: %d", n)
		}
		e.Clock.Advance(time.Minute)
		if n := escalate(); n != 1 {
			t.Fatalf("escalated %d, want 1", n)
		}
		if n := escalate(); n != 0 {
			t.Fatalf("escalated twice: %d", n)
		}
		var page struct{ Items []notify.Ding }
		e.Must(200, "GET", "/api/v1/ding?box=received", uTok, nil).JSON(t, &page)
		// The DING is about the approval itself, so it opens the approval.
		if len(page.Items) != 1 || !page.Items[0].Auto || page.Items[0].SubjectType != "approval" || page.Items[0].SubjectID != "ap1" ||
			page.Items[0].Message != "Unread: Leave" {
			t.Fatalf("auto ding %+v", page.Items)
		}

		// Monday 20:00 Shanghai (12:00 UTC): outside working hours → 12 h.
		e.Clock.Set(time.Date(2026, 1, 5, 12, 0, 0, 0, time.UTC))
		emit(t, e, &notify.Event{Type: "announcement.published", SubjectType: "announcement", SubjectID: "an1", ActorID: admin.ID, Recipients: []string{u.ID}, Data: map[string]any{"title": "Notice"}})
		// and one that gets read in time
		emit(t, e, &notify.Event{Type: "approval.task_assigned", ActorID: admin.ID, Recipients: []string{u.ID}, Data: map[string]any{"title": "read in time"}})
		dispatch(t, e)
		var p notifPage
		e.Must(200, "GET", "/api/v1/notifications?unread=1", uTok, nil).JSON(t, &p)
		for _, n := range p.Items {
			if n.Title == "read in time" {
				e.Must(200, "POST", "/api/v1/notifications/"+n.ID+"/read", uTok, nil)
			}
		}
		e.Clock.Advance(11 * time.Hour)
		if n := escalate(); n != 0 {
			t.Fatalf("outside hours escalated after 11h: %d", n)
		}
		e.Clock.Advance(time.Hour)
		if n := escalate(); n != 1 {
			t.Fatalf("outside hours escalated %d after 12h, want 1", n)
		}
		if !svc.NewDispatcher().S.CanPublish(identity.Actor{Roles: []string{"hr"}}) {
			t.Fatal("hr cannot publish")
		}
	})
}

// The escalation policy uses the approval working calendar: on a holiday,
// 17:00 Shanghai is outside working hours, so 12 h apply.
func TestDingEscalationUsesApprovalCalendar(t *testing.T) {
	t.Parallel()
	e := servertest.New(t)
	adminTok, admin := e.Setup()
	u, _ := e.NewUser(adminTok, "")
	e.Must(200, "PUT", "/api/v1/approval/calendar/2026-01-05", adminTok, map[string]any{"working": false, "note": "holiday"})
	emit(t, e, &notify.Event{Type: "approval.task_assigned", ActorID: admin.ID, Recipients: []string{u.ID}, Data: map[string]any{"title": "Leave"}})
	dispatch(t, e)
	e.Clock.Advance(3 * time.Hour)
	if n, err := e.Server.Notify.Escalate(context.Background()); err != nil || n != 0 {
		t.Fatalf("escalated on a holiday after 3h: %d %v", n, err)
	}
	e.Clock.Advance(9 * time.Hour)
	if n, err := e.Server.Notify.Escalate(context.Background()); err != nil || n != 1 {
		t.Fatalf("escalated %d %v, want 1", n, err)
	}
}

// A deactivated user is neither DINGed by the policy nor listed as "not yet".
func TestEscalationAndReceiptsSkipDeactivatedUsers(t *testing.T) {
	t.Parallel()
	e := servertest.New(t)
	adminTok, _ := e.Setup()
	u, _ := e.NewUser(adminTok, "")
	var an notify.Announcement
	e.Must(201, "POST", "/api/v1/announcements", adminTok, map[string]any{"title": "Notice", "body": "x", "everyone": true}).JSON(t, &an)
	dispatch(t, e)
	e.Must(200, "POST", "/api/v1/users/"+u.ID+"/deactivate", adminTok, nil)
	e.Clock.Advance(13 * time.Hour)
	if n, err := e.Server.Notify.Escalate(context.Background()); err != nil || n != 0 { // the publisher gets no notification
		t.Fatalf("escalated %d %v, want 0", n, err)
	}
	var rc notify.Receipts
	e.Must(200, "GET", "/api/v1/announcements/"+an.ID+"/receipts", adminTok, nil).JSON(t, &rc)
	for _, r := range rc.NotYet {
		if r.UserID == u.ID {
			t.Fatal("deactivated user listed")
		}
	}
}
