package api_test

import (
	"bytes"
	"image"
	"image/png"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"tack/backend/chat"
	"tack/backend/server/servertest"
)

// chatWorld is alice's chat: a direct chat with the head, a temporary group
// bob was removed from (with a message sent after that), and a group where
// bob is a plain member; bob's own direct chat to smuggle her IDs into.
type chatWorld struct {
	direct, removedFrom, memberOf string
	msgAfter, msgInMember         string // alice's messages
	// Files alice sent: an image before bob was removed, a file after, an
	// image in the group bob is still in.
	imgBefore, fileAfter, imgInMember string
	bobDirect, bobMsg                 string
}

func (w *authzWorld) chatObjects(t *testing.T) {
	e := w.e
	var c chat.ConversationView
	e.Must(http.StatusOK, "POST", "/api/v1/chat/direct", w.aliceT, map[string]any{"user_id": w.head.ID}).JSON(t, &c)
	w.chat.direct = c.ID
	e.Must(http.StatusCreated, "POST", "/api/v1/chat/conversations", w.aliceT, map[string]any{"kind": "temporary", "name": "Pay talks",
		"member_ids": []string{w.head.ID, w.bob.ID}}).JSON(t, &c)
	w.chat.removedFrom = c.ID
	e.Must(http.StatusCreated, "POST", "/api/v1/chat/conversations/"+c.ID+"/messages", w.aliceT, map[string]any{"body": "before bob left"})
	w.chat.imgBefore = w.chatFile(t, c.ID, "before.png")
	e.Must(http.StatusOK, "PUT", "/api/v1/chat/conversations/"+c.ID+"/announcement", w.aliceT, map[string]any{"body": "Pay rises in May", "version": c.Version})
	e.Must(http.StatusNoContent, "DELETE", "/api/v1/chat/conversations/"+c.ID+"/members/"+w.bob.ID, w.aliceT, nil)
	var m chat.MessageView
	e.Must(http.StatusCreated, "POST", "/api/v1/chat/conversations/"+c.ID+"/messages", w.aliceT, map[string]any{"body": "after"}).JSON(t, &m)
	w.chat.msgAfter = m.ID
	w.chat.fileAfter = w.chatFile(t, c.ID, "after.txt")
	e.Must(http.StatusCreated, "POST", "/api/v1/chat/conversations", w.aliceT, map[string]any{"kind": "temporary", "name": "Lunch",
		"member_ids": []string{w.bob.ID}}).JSON(t, &c)
	w.chat.memberOf = c.ID
	e.Must(http.StatusCreated, "POST", "/api/v1/chat/conversations/"+c.ID+"/messages", w.aliceT, map[string]any{"body": "noon?"}).JSON(t, &m)
	w.chat.msgInMember = m.ID
	w.chat.imgInMember = w.chatFile(t, c.ID, "lunch.png")
	e.Must(http.StatusOK, "PUT", "/api/v1/chat/conversations/"+c.ID+"/announcement", w.aliceT, map[string]any{"body": "Noon at the canteen", "version": c.Version})
	// Bob has read it already, so his call in the sweep changes nothing.
	e.Must(http.StatusOK, "POST", "/api/v1/chat/conversations/"+c.ID+"/announcement/read", w.bobT, nil)
	e.Must(http.StatusOK, "POST", "/api/v1/chat/direct", w.bobT, map[string]any{"user_id": w.head.ID}).JSON(t, &c)
	w.chat.bobDirect = c.ID
	e.Must(http.StatusCreated, "POST", "/api/v1/chat/conversations/"+c.ID+"/messages", w.bobT, map[string]any{"body": "hi"}).JSON(t, &m)
	w.chat.bobMsg = m.ID
}

// chatFile sends a small PNG (an image, with a thumbnail) or a text file as alice.
func (w *authzWorld) chatFile(t *testing.T, convID, name string) string {
	body := "a text file"
	if strings.HasSuffix(name, ".png") {
		var b bytes.Buffer
		_ = png.Encode(&b, image.NewGray(image.Rect(0, 0, 4, 4)))
		body = b.String()
	}
	var m chat.MessageView
	w.e.Must(http.StatusCreated, "POST", "/api/v1/chat/conversations/"+convID+"/files?name="+name, w.aliceT, body).JSON(t, &m)
	if m.File == nil {
		t.Fatalf("file message %+v", m)
	}
	return m.ID
}

// chatSweepCases: bob outside alice's direct chat, removed from one group
// and a plain member of another.
func chatSweepCases() []sweepCase {
	direct := func(w *authzWorld) string { return w.chat.direct }
	removed := func(w *authzWorld) string { return w.chat.removedFrom }
	member := func(w *authzWorld) string { return w.chat.memberOf }
	after := func(w *authzWorld) string { return w.chat.msgAfter }
	inMember := func(w *authzWorld) string { return w.chat.msgInMember }
	head := func(w *authzWorld) string { return w.head.ID }
	var cases []sweepCase
	for _, conv := range []func(w *authzWorld) string{direct, removed} {
		cases = append(cases,
			sweepCase{route: "GET /api/v1/chat/conversations/{id}", path: p("/api/v1/chat/conversations/%", conv), want: hidden},
			sweepCase{route: "PATCH /api/v1/chat/conversations/{id}", path: p("/api/v1/chat/conversations/%", conv), body: map[string]any{"name": "mine", "version": 1}, want: hidden},
			sweepCase{route: "PUT /api/v1/chat/conversations/{id}/mine", path: p("/api/v1/chat/conversations/%/mine", conv), body: map[string]any{"pinned": true}, want: hidden},
			sweepCase{route: "POST /api/v1/chat/conversations/{id}/members", path: p("/api/v1/chat/conversations/%/members", conv), body: map[string]any{"user_ids": []string{"x"}}, want: hidden},
			sweepCase{route: "DELETE /api/v1/chat/conversations/{id}/members/{user}", path: p("/api/v1/chat/conversations/%/members/%", conv, head), want: hidden},
			sweepCase{route: "PUT /api/v1/chat/conversations/{id}/members/{user}/role", path: p("/api/v1/chat/conversations/%/members/%/role", conv, head), body: map[string]any{"role": "member"}, want: hidden},
			sweepCase{route: "POST /api/v1/chat/conversations/{id}/dissolve", path: p("/api/v1/chat/conversations/%/dissolve", conv), want: hidden},
			sweepCase{route: "POST /api/v1/chat/conversations/{id}/read", path: p("/api/v1/chat/conversations/%/read", conv), body: map[string]any{"seq": 9}, want: hidden},
			sweepCase{route: "GET /api/v1/chat/conversations/{id}/messages", path: p("/api/v1/chat/conversations/%/messages?after=0", conv), want: hidden},
			sweepCase{route: "POST /api/v1/chat/conversations/{id}/messages", path: p("/api/v1/chat/conversations/%/messages", conv), body: map[string]any{"body": "hi"}, want: hidden},
			sweepCase{route: "GET /api/v1/chat/conversations/{id}/messages", path: p("/api/v1/chat/conversations/%/messages?around=1", conv), want: hidden},
			sweepCase{route: "GET /api/v1/chat/search", path: p("/api/v1/chat/search?q=after&conversation_id=%", conv), want: hidden},
			sweepCase{route: "POST /api/v1/chat/conversations/{id}/files", path: p("/api/v1/chat/conversations/%/files?name=x.txt", conv), body: "bob's file", want: hidden},
			sweepCase{route: "PUT /api/v1/chat/conversations/{id}/announcement", path: p("/api/v1/chat/conversations/%/announcement", conv), body: map[string]any{"body": "bob says", "version": 2}, want: hidden},
			sweepCase{route: "POST /api/v1/chat/conversations/{id}/announcement/read", path: p("/api/v1/chat/conversations/%/announcement/read", conv), want: hidden},
			sweepCase{route: "GET /api/v1/chat/conversations/{id}/announcement/receipts", path: p("/api/v1/chat/conversations/%/announcement/receipts", conv), want: hidden},
			sweepCase{route: "GET /api/v1/chat/conversations/{id}/export", path: p("/api/v1/chat/conversations/%/export?format=json", conv), want: hidden},
		)
	}
	// Files of the group bob was removed from: sent before his removal and after.
	for _, msg := range []func(w *authzWorld) string{func(w *authzWorld) string { return w.chat.imgBefore }, func(w *authzWorld) string { return w.chat.fileAfter }} {
		cases = append(cases,
			sweepCase{route: "GET /api/v1/chat/messages/{id}/file", path: p("/api/v1/chat/messages/%/file", msg), want: hidden},
			sweepCase{route: "GET /api/v1/chat/messages/{id}/thumbnail", path: p("/api/v1/chat/messages/%/thumbnail", msg), want: hidden},
		)
	}
	for _, msg := range []func(w *authzWorld) string{after} {
		cases = append(cases,
			sweepCase{route: "GET /api/v1/chat/messages/{id}", path: p("/api/v1/chat/messages/%", msg), want: hidden},
			sweepCase{route: "PATCH /api/v1/chat/messages/{id}", path: p("/api/v1/chat/messages/%", msg), body: map[string]any{"body": "x"}, want: hidden},
			sweepCase{route: "POST /api/v1/chat/messages/{id}/recall", path: p("/api/v1/chat/messages/%/recall", msg), want: hidden},
			sweepCase{route: "POST /api/v1/chat/messages/{id}/forward", path: p("/api/v1/chat/messages/%/forward", msg), body: map[string]any{"conversation_ids": "{bobDirectList}"}, want: hidden},
			sweepCase{route: "GET /api/v1/chat/messages/{id}/receipts", path: p("/api/v1/chat/messages/%/receipts", msg), want: hidden},
			sweepCase{route: "POST /api/v1/chat/messages/{id}/ding", path: p("/api/v1/chat/messages/%/ding", msg), body: map[string]any{}, want: hidden},
		)
	}
	// A plain member of alice's group: reads it, changes nothing of hers.
	cases = append(cases,
		sweepCase{route: "GET /api/v1/chat/search", path: p("/api/v1/chat/search?q=after"), want: 200,
			why: "bob searches only the conversations he is in now: TestChatSearchFindsNothingOfOthers"},
		sweepCase{route: "PATCH /api/v1/chat/conversations/{id}", path: p("/api/v1/chat/conversations/%", member), body: map[string]any{"name": "mine", "version": 1}, want: refused},
		sweepCase{route: "POST /api/v1/chat/conversations/{id}/dissolve", path: p("/api/v1/chat/conversations/%/dissolve", member), want: refused},
		sweepCase{route: "DELETE /api/v1/chat/conversations/{id}/members/{user}", path: p("/api/v1/chat/conversations/%/members/%", member, aliceID), want: refused},
		sweepCase{route: "PUT /api/v1/chat/conversations/{id}/members/{user}/role", path: p("/api/v1/chat/conversations/%/members/%/role", member, bobID), body: map[string]any{"role": "owner"}, want: refused},
		sweepCase{route: "PATCH /api/v1/chat/messages/{id}", path: p("/api/v1/chat/messages/%", inMember), body: map[string]any{"body": "x"}, want: refused},
		sweepCase{route: "POST /api/v1/chat/messages/{id}/recall", path: p("/api/v1/chat/messages/%/recall", inMember), want: refused},
		sweepCase{route: "GET /api/v1/chat/messages/{id}/receipts", path: p("/api/v1/chat/messages/%/receipts", inMember), want: refused},
		sweepCase{route: "POST /api/v1/chat/messages/{id}/ding", path: p("/api/v1/chat/messages/%/ding", inMember), body: map[string]any{}, want: refused},
		sweepCase{route: "PUT /api/v1/chat/conversations/{id}/announcement", path: p("/api/v1/chat/conversations/%/announcement", member), body: map[string]any{"body": "bob says", "version": 2}, want: refused},
		sweepCase{route: "GET /api/v1/chat/conversations/{id}/announcement/receipts", path: p("/api/v1/chat/conversations/%/announcement/receipts", member), want: refused},
		sweepCase{route: "GET /api/v1/chat/conversations/{id}/export", path: p("/api/v1/chat/conversations/%/export?format=xlsx", member), want: refused},
		sweepCase{route: "GET /api/v1/chat/messages/{id}/file", path: p("/api/v1/chat/messages/%/file", func(w *authzWorld) string { return w.chat.imgInMember }), want: 200,
			why: "bob is a member of the group the image was sent in: TestFilesAndImagesInChat"},
		sweepCase{route: "GET /api/v1/chat/messages/{id}/thumbnail", path: p("/api/v1/chat/messages/%/thumbnail", func(w *authzWorld) string { return w.chat.imgInMember }), want: 200,
			why: "bob is a member of the group the image was sent in: TestFilesAndImagesInChat"},
		sweepCase{route: "POST /api/v1/chat/conversations/{id}/announcement/read", path: p("/api/v1/chat/conversations/%/announcement/read", member), want: 200,
			why: "bob marks the announcement read for himself only: TestGroupAnnouncement"},
		// Admin-only: the company's chat settings.
		sweepCase{route: "GET /api/v1/chat/settings", path: p("/api/v1/chat/settings"), want: refused},
		sweepCase{route: "PUT /api/v1/chat/settings", path: p("/api/v1/chat/settings"), body: map[string]any{"retention_days": 1, "version": 0}, want: refused},
		sweepCase{route: "GET /api/v1/chat/admin/conversations", path: p("/api/v1/chat/admin/conversations?q=Pay"), want: refused},
		// Alice's IDs smuggled into bob's own direct chat.
		sweepCase{route: "POST /api/v1/chat/conversations/{id}/messages", path: p("/api/v1/chat/conversations/%/messages", func(w *authzWorld) string { return w.chat.bobDirect }),
			body: map[string]any{"body": "quote", "reply_to_id": "{aliceChatMsg}"}, want: badRef},
		sweepCase{route: "POST /api/v1/chat/messages/{id}/forward", path: p("/api/v1/chat/messages/%/forward", func(w *authzWorld) string { return w.chat.bobMsg }),
			body: map[string]any{"conversation_ids": "{aliceDirectList}"}, want: badRef},
	)
	return cases
}

// chatSnapshot: alice's chat as she reads it.
func (w *authzWorld) chatSnapshot(reads map[string]string) {
	for _, id := range []string{w.chat.direct, w.chat.removedFrom, w.chat.memberOf} {
		reads["/api/v1/chat/conversations/"+id] = w.aliceT
		reads["/api/v1/chat/conversations/"+id+"/messages"] = w.aliceT
	}
	reads["/api/v1/chat/messages/"+w.chat.msgInMember+"/receipts"] = w.aliceT
	reads["/api/v1/chat/conversations/"+w.chat.removedFrom+"/announcement/receipts"] = w.aliceT
	reads["/api/v1/chat/settings"] = w.admin
	reads["/api/v1/chat/messages/"+w.chat.fileAfter+"/file"] = w.aliceT
}

// TestChatSearchFindsNothingOfOthers: bob, removed from alice's group, finds
// neither what was said there after he left nor before; he finds what was
// said in the group he is still in.
func TestChatSearchFindsNothingOfOthers(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		w := newAuthzWorld(t, e)
		for _, q := range []string{"after", "bob", "left", "Pay"} {
			var page struct{ Items []chat.SearchHit }
			e.Must(http.StatusOK, "GET", "/api/v1/chat/search?q="+q, w.bobT, nil).JSON(t, &page)
			if len(page.Items) != 0 {
				t.Fatalf("bob searching %q found %+v", q, page.Items)
			}
		}
		var page struct{ Items []chat.SearchHit }
		e.Must(http.StatusOK, "GET", "/api/v1/chat/search?q=noon", w.bobT, nil).JSON(t, &page)
		if len(page.Items) != 1 || page.Items[0].ID != w.chat.msgInMember {
			t.Fatalf("bob searching noon found %+v", page.Items)
		}
	})
}

// TestChatAdminFindAndExportByRole: only an administrator finds any
// conversation and exports one they are not in. Every other role (an
// employee, the head who approves alice's leave, HR, a general manager,
// a custom role's holder) is refused both, and nothing is audited for them.
func TestChatAdminFindAndExportByRole(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		w := newEscalationWorld(t, e)
		exports := func() int {
			var p struct{ Items []map[string]any }
			e.Must(http.StatusOK, "GET", "/api/v1/audit?action=chat.export", w.admin, nil).JSON(t, &p)
			return len(p.Items)
		}
		for _, who := range []struct{ name, token string }{{"employee", w.bobT}, {"head and approver", w.headT},
			{"hr", w.hrT}, {"general manager", w.gmT}, {"custom role", w.auditorT}} {
			if r := e.Do("GET", "/api/v1/chat/admin/conversations?q=Pay", who.token, nil); r.Status != http.StatusForbidden {
				t.Errorf("%s finds conversations: %d %s", who.name, r.Status, r.Body)
			}
			if r := e.Do("GET", "/api/v1/chat/conversations/"+w.chat.removedFrom+"/export?format=json", who.token, nil); r.Status != http.StatusForbidden && r.Status != http.StatusNotFound {
				t.Errorf("%s exports alice's group: %d", who.name, r.Status)
			}
		}
		if n := exports(); n != 0 {
			t.Fatalf("%d exports audited for refused calls", n)
		}
		// The admin is in none of alice's chats, finds them by a group's
		// name or a person's, and exports one.
		var page chat.FoundPage
		e.Must(http.StatusOK, "GET", "/api/v1/chat/admin/conversations?q=pay", w.admin, nil).JSON(t, &page)
		if len(page.Items) != 1 || page.Items[0].ID != w.chat.removedFrom || page.Items[0].MemberCount != 2 {
			t.Fatalf("admin finds %+v", page.Items)
		}
		e.Must(http.StatusOK, "GET", "/api/v1/chat/admin/conversations?kind=direct&q="+url.QueryEscape(w.head.Name), w.admin, nil).JSON(t, &page)
		if len(page.Items) != 2 || !strings.Contains(page.Items[0].Title, w.head.Name) {
			t.Fatalf("direct chats with the head: %+v", page.Items)
		}
		e.Must(http.StatusOK, "GET", "/api/v1/chat/conversations/"+w.chat.removedFrom+"/export?format=xlsx", w.admin, nil)
		if n := exports(); n != 1 {
			t.Fatalf("%d exports audited, want 1", n)
		}
		// Bad input: a clear error.
		for _, q := range []string{"kind=secret", "cursor=-1", "q=" + url.QueryEscape("a\x01b"), "q=" + strings.Repeat("长", 101)} {
			r := e.Do("GET", "/api/v1/chat/admin/conversations?"+q, w.admin, nil)
			if code, k, _ := r.ErrorCode(); r.Status != http.StatusBadRequest || code != "invalid" || k != "chat.invalid_find" {
				t.Errorf("%s: %d %s", q, r.Status, r.Body)
			}
		}
	})
}
