package chat_test

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"tack/backend/notify"
	"tack/backend/server/servertest"
)

// TestDingTheUnread: the sender DINGs the members who have not read their
// message (not those who have, nor those who joined after it); then the
// DING is the notify one: its recipients open it, its daily limit holds.
func TestDingTheUnread(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		w := newWorld(t, e)
		g := w.group(w.ta1, "temporary", "g", w.a2.ID, w.b1.ID)
		m := w.send(w.ta1, g.ID, map[string]any{"body": "请今天下班前交周报"})
		e.Must(http.StatusOK, "POST", "/api/v1/chat/conversations/"+g.ID+"/read", w.ta2, map[string]any{"seq": m.Seq})
		e.Must(http.StatusOK, "POST", "/api/v1/chat/conversations/"+g.ID+"/members", w.ta1, map[string]any{"user_ids": []string{w.ha.ID}})

		// Only the sender; nothing of a recalled one.
		r := e.Do("POST", "/api/v1/chat/messages/"+m.ID+"/ding", w.ta2, map[string]any{})
		if r.Status != http.StatusForbidden || key(t, r) != "chat.forbidden" {
			t.Fatalf("someone else's message: %d %s", r.Status, r.Body)
		}
		var d notify.Ding
		e.Must(http.StatusCreated, "POST", "/api/v1/chat/messages/"+m.ID+"/ding", w.ta1, map[string]any{}).JSON(t, &d)
		var got []string
		for _, rc := range d.Receipts {
			got = append(got, rc.UserID)
		}
		if !slices.Equal(got, []string{w.b1.ID}) || d.Message != "请今天下班前交周报" || d.SubjectType != "chat" || d.SubjectID != g.ID {
			t.Fatalf("ding %+v", d)
		}
		e.Must(http.StatusOK, "GET", "/api/v1/ding/"+d.ID, w.tb1, nil)
		e.Must(http.StatusOK, "POST", "/api/v1/ding/"+d.ID+"/ack", w.tb1, nil)

		// Everyone read it: nobody to DING.
		e.Must(http.StatusOK, "POST", "/api/v1/chat/conversations/"+g.ID+"/read", w.tb1, map[string]any{"seq": m.Seq})
		r = e.Do("POST", "/api/v1/chat/messages/"+m.ID+"/ding", w.ta1, map[string]any{})
		if r.Status != http.StatusConflict || key(t, r) != "chat.all_read" {
			t.Fatalf("all read: %d %s", r.Status, r.Body)
		}

		// The notify daily limit counts these DINGs too.
		m2 := w.send(w.ta1, g.ID, map[string]any{"body": "again"})
		for i := 1; i < 20; i++ {
			e.Must(http.StatusCreated, "POST", "/api/v1/chat/messages/"+m2.ID+"/ding", w.ta1, map[string]any{"message": "看一下"})
		}
		r = e.Do("POST", "/api/v1/chat/messages/"+m2.ID+"/ding", w.ta1, map[string]any{"message": "看一下"})
		if r.Status != http.StatusTooManyRequests || key(t, r) != "ding.rate_limited" {
			t.Fatalf("21st DING: %d %s", r.Status, r.Body)
		}
	})
}

// TestMentionAllLimitedPerGroup: three @all a day per group, then a
// translated refusal; another group has its own three.
func TestMentionAllLimitedPerGroup(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		w := newWorld(t, e)
		g := w.group(w.ta1, "temporary", "g", w.a2.ID)
		h := w.group(w.ta1, "temporary", "h", w.a2.ID)
		for i := 0; i < 3; i++ {
			w.send(w.ta1, g.ID, map[string]any{"body": "@所有人 开会", "mention_all": true})
		}
		r := e.Do("POST", "/api/v1/chat/conversations/"+g.ID+"/messages", w.ta1, map[string]any{"body": "@所有人 again", "mention_all": true})
		if r.Status != http.StatusTooManyRequests || key(t, r) != "chat.mention_all_limit" {
			t.Fatalf("4th @all: %d %s", r.Status, r.Body)
		}
		w.send(w.ta1, g.ID, map[string]any{"body": "no @all is fine"})
		w.send(w.ta1, h.ID, map[string]any{"body": "@所有人 here", "mention_all": true})
		e.Clock.Advance(25 * time.Hour)
		w.send(w.ta1, g.ID, map[string]any{"body": "@所有人 next day", "mention_all": true})
	})
}
