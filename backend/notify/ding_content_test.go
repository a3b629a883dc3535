package notify_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"tack/backend/event"
	"tack/backend/notify"
	"tack/backend/server/servertest"
)

// TestAutomaticDingsCarryContent: the DINGs Tack writes itself say what,
// how many and which notices (with links and an approval's English title)
// as fields, on the DING and on its ding.received event; a person's own
// DING has none. Clients render the fields; Message stays the English text.
func TestAutomaticDingsCarryContent(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		adminTok, admin := e.Setup()
		u, uTok := e.NewUser(adminTok, "")
		ctx := context.Background()
		emit(t, e, &notify.Event{Type: event.ApprovalTaskAssigned, SubjectType: "approval", SubjectID: "ap1", ActorID: admin.ID,
			Recipients: []string{u.ID}, Data: event.Data(event.Approval{Title: "请假", TitleEn: "Leave", Link: "/approvals/ap1"})})
		emit(t, e, &notify.Event{Type: event.AnnouncementPublished, SubjectType: "announcement", SubjectID: "an1", ActorID: admin.ID,
			Recipients: []string{u.ID}, Data: event.Data(event.Announcement{Title: "年会", Link: "/announcements/an1"})})
		dispatch(t, e)
		e.Clock.Advance(2*time.Hour + time.Minute)
		if n, err := e.Server.Notify.Escalate(ctx); err != nil || n != 1 {
			t.Fatalf("escalate %d %v", n, err)
		}
		var page struct{ Items []notify.Ding }
		e.Must(200, "GET", "/api/v1/ding?box=received", uTok, nil).JSON(t, &page)
		want := &event.DingContent{Kind: event.DingUnread, Count: 2, Items: []event.DingItem{
			{Type: event.ApprovalTaskAssigned, Title: "请假", TitleEn: "Leave", Link: "/approvals/ap1"},
			{Type: event.AnnouncementPublished, Title: "年会", Link: "/announcements/an1"}}}
		if len(page.Items) != 1 || !reflect.DeepEqual(page.Items[0].Content, want) || page.Items[0].Message != "Unread (2): 请假; 年会" {
			t.Fatalf("automatic DING %+v", page.Items)
		}
		// The event carries the same content to the live clients.
		dispatch(t, e)
		var ev notify.Event
		if err := e.Server.DB.Where("type = ?", event.DingReceived).Order("id DESC").Take(&ev).Error; err != nil {
			t.Fatal(err)
		}
		p, err := event.Decode[event.Ding](ev.Data)
		if err != nil || !reflect.DeepEqual(p.Content, want) || !p.Auto {
			t.Fatalf("ding.received data %+v %v", ev.Data, err)
		}

		// A person's own DING carries no content, even one that sends some:
		// their words are shown as typed, never dressed up as Tack's.
		var d notify.Ding
		e.Must(201, "POST", "/api/v1/ding", adminTok, map[string]any{"recipients": []string{u.ID}, "message": "Unread: my note",
			"content": map[string]any{"kind": "unread", "count": 9, "items": []any{map[string]any{"title": "fake"}}}}).JSON(t, &d)
		if d.Content != nil {
			t.Fatalf("a person's DING got content %+v", d.Content)
		}
	})
}

// TestAnnouncementReminderCarriesContent: the publisher's reminder is a
// please_read DING naming the announcement and linking to it.
func TestAnnouncementReminderCarriesContent(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		adminTok, _ := e.Setup()
		u, _ := e.NewUser(adminTok, "")
		var an notify.Announcement
		e.Must(201, "POST", "/api/v1/announcements", adminTok, map[string]any{"title": "消防演练", "body": "x", "everyone": true}).JSON(t, &an)
		var d notify.Ding
		e.Must(201, "POST", "/api/v1/announcements/"+an.ID+"/remind", adminTok, nil).JSON(t, &d)
		want := &event.DingContent{Kind: event.DingPleaseRead, Count: 1, Items: []event.DingItem{
			{Type: event.AnnouncementPublished, Title: "消防演练", Link: "/announcements/" + an.ID}}}
		if !reflect.DeepEqual(d.Content, want) || d.Message != "Please read: 消防演练" {
			t.Fatalf("reminder %+v", d)
		}
		_ = u
	})
}
