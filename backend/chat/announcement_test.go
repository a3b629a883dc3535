package chat_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	"tack/backend/chat"
	"tack/backend/event"
	"tack/backend/server/servertest"
)

func personIDs(ps []chat.Person) []string {
	out := []string{}
	for _, p := range ps {
		out = append(out, p.ID)
	}
	slices.Sort(out)
	return out
}

func TestGroupAnnouncement(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		w := newWorld(t, e)
		g := w.group(w.ta1, chat.KindTemporary, "公告", w.a2.ID, w.b1.ID)
		path := "/api/v1/chat/conversations/" + g.ID + "/announcement"

		// Only the owner and admins set it.
		if r := e.Do("PUT", path, w.ta2, map[string]any{"body": "我说了算", "version": g.Version}); r.Status != 403 || key(t, r) != "chat.not_admin" {
			t.Fatalf("member sets the announcement: %d %s", r.Status, r.Body)
		}
		if r := e.Do("PUT", path, w.ta1, map[string]any{"body": strings.Repeat("长", chat.MaxAnnouncementLen+1), "version": g.Version}); r.Status != 400 {
			t.Fatalf("too long: %d", r.Status)
		}
		var c chat.ConversationView
		e.Must(200, "PUT", path, w.ta1, map[string]any{"body": "周五前提交季度总结", "version": g.Version}).JSON(t, &c)
		if c.Announcement != "周五前提交季度总结" || c.AnnouncementVersion != 1 || c.AnnouncementUnread || c.AnnouncementByName != w.a1.Name {
			t.Fatalf("after setting: %+v", c)
		}
		if r := e.Do("PUT", path, w.ta1, map[string]any{"body": "stale", "version": g.Version}); r.Status != 409 || key(t, r) != "chat.stale_version" {
			t.Fatalf("stale version: %d %s", r.Status, r.Body)
		}

		// Members see it unread at the top, and are notified.
		var other chat.ConversationView
		e.Must(200, "GET", "/api/v1/chat/conversations/"+g.ID, w.tb1, nil).JSON(t, &other)
		if !other.AnnouncementUnread || other.Announcement == "" {
			t.Fatalf("member's view: %+v", other)
		}
		if _, err := e.Server.Notify.NewDispatcher().RunOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
		var notes struct {
			Items []struct{ Type, Title, Link string }
		}
		e.Must(200, "GET", "/api/v1/notifications", w.tb1, nil).JSON(t, &notes)
		if !slices.ContainsFunc(notes.Items, func(n struct{ Type, Title, Link string }) bool {
			return n.Type == event.ChatAnnouncement && n.Title == "公告" && n.Link == "/chat/"+g.ID
		}) {
			t.Fatalf("b1 not notified: %+v", notes.Items)
		}

		// Receipts: the owner sees who has read it; a member may not.
		rc := func() chat.AnnouncementReceipts {
			var r chat.AnnouncementReceipts
			e.Must(200, "GET", path+"/receipts", w.ta1, nil).JSON(t, &r)
			return r
		}
		if r := rc(); len(r.Read) != 0 || !slices.Equal(personIDs(r.Unread), sorted(w.a2.ID, w.b1.ID)) {
			t.Fatalf("receipts before reading: %+v", r)
		}
		if r := e.Do("GET", path+"/receipts", w.ta2, nil); r.Status != 403 {
			t.Fatalf("member reads receipts: %d", r.Status)
		}
		e.Must(200, "POST", path+"/read", w.tb1, nil).JSON(t, &other)
		if other.AnnouncementUnread {
			t.Fatalf("still unread after reading: %+v", other)
		}
		if r := rc(); !slices.Equal(personIDs(r.Read), []string{w.b1.ID}) || !slices.Equal(personIDs(r.Unread), []string{w.a2.ID}) {
			t.Fatalf("receipts after b1 read: %+v", r)
		}

		// A new text is a new announcement: unread again for everyone.
		e.Must(200, "PUT", path, w.ta1, map[string]any{"body": "改为下周一", "version": c.Version}).JSON(t, &c)
		if r := rc(); len(r.Read) != 0 || r.Version != 2 {
			t.Fatalf("receipts of the new text: %+v", r)
		}
		// A newcomer has it unread too; a removed member is in neither list.
		e.Must(200, "POST", "/api/v1/chat/conversations/"+g.ID+"/members", w.ta1, map[string]any{"user_ids": []string{w.ha.ID}})
		e.Must(204, "DELETE", "/api/v1/chat/conversations/"+g.ID+"/members/"+w.b1.ID, w.ta1, nil)
		if r := rc(); !slices.Equal(personIDs(r.Unread), sorted(w.a2.ID, w.ha.ID)) {
			t.Fatalf("receipts after membership changes: %+v", r)
		}
		if r := e.Do("POST", path+"/read", w.tb1, nil); r.Status != 404 {
			t.Fatalf("removed member reads the announcement: %d", r.Status)
		}
		// Cleared: nothing pinned, nothing unread.
		e.Must(200, "PUT", path, w.ta1, map[string]any{"body": "", "version": c.Version}).JSON(t, &c)
		e.Must(200, "GET", "/api/v1/chat/conversations/"+g.ID, w.ta2, nil).JSON(t, &other)
		if other.Announcement != "" || other.AnnouncementUnread {
			t.Fatalf("cleared: %+v", other)
		}
		// Not in a direct chat.
		var d chat.ConversationView
		e.Must(http.StatusOK, "POST", "/api/v1/chat/direct", w.ta1, map[string]any{"user_id": w.a2.ID}).JSON(t, &d)
		if r := e.Do("PUT", "/api/v1/chat/conversations/"+d.ID+"/announcement", w.ta1, map[string]any{"body": "x", "version": d.Version}); r.Status != 403 {
			t.Fatalf("announcement in a direct chat: %d", r.Status)
		}
	})
}

func sorted(ids ...string) []string {
	slices.Sort(ids)
	return ids
}
