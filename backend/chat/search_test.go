package chat_test

import (
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"tack/backend/chat"
	"tack/backend/server/servertest"
)

func (w *world) search(token string, q url.Values) []string {
	var p struct{ Items []chat.SearchHit }
	w.e.Must(http.StatusOK, "GET", "/api/v1/chat/search?"+q.Encode(), token, nil).JSON(w.e.T, &p)
	out := []string{}
	for _, h := range p.Items {
		out = append(out, h.Body)
	}
	return out
}

func TestSearchMembersOnlyCJKEditsRecallsFilters(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		w := newWorld(t, e)
		g := w.group(w.ta1, "temporary", "项目组", w.a2.ID, w.b1.ID)
		other := w.group(w.ta2, "temporary", "别的组", w.a1.ID)
		first := w.send(w.ta1, g.ID, map[string]any{"body": "明天讨论项目进度"})
		w.send(w.ta2, g.ID, map[string]any{"body": "进度 OK, report ready"})
		gone := w.send(w.ta1, g.ID, map[string]any{"body": "项目预算保密"})
		typo := w.send(w.ta1, g.ID, map[string]any{"body": "draft waffle"})
		w.send(w.ta2, other.ID, map[string]any{"body": "另一个项目"})

		q := func(s string) url.Values { return url.Values{"q": {s}} }
		if got := w.search(w.ta1, q("项目")); !slices.Equal(got, []string{"另一个项目", "项目预算保密", "明天讨论项目进度"}) {
			t.Fatalf("a1 项目 = %q", got)
		}
		// A two-character word inside a longer run; a phrase keeps its order.
		if got := w.search(w.ta1, q("进度")); len(got) != 2 {
			t.Fatalf("进度 = %q", got)
		}
		if got := w.search(w.ta1, q("进度项目")); len(got) != 0 {
			t.Fatalf("进度项目 = %q", got)
		}
		// b1 is not in the other group; recalled messages leave the index.
		if got := w.search(w.tb1, q("项目")); !slices.Equal(got, []string{"项目预算保密", "明天讨论项目进度"}) {
			t.Fatalf("b1 项目 = %q", got)
		}
		e.Must(http.StatusOK, "POST", "/api/v1/chat/messages/"+gone.ID+"/recall", w.ta1, nil)
		if got := w.search(w.tb1, q("预算")); len(got) != 0 {
			t.Fatalf("recalled found: %q", got)
		}
		// An edit re-indexes.
		e.Must(http.StatusOK, "PATCH", "/api/v1/chat/messages/"+typo.ID, w.ta1, map[string]any{"body": "draft waffles 周报"})
		if got := w.search(w.tb1, q("周报")); !slices.Equal(got, []string{"draft waffles 周报"}) {
			t.Fatalf("edited = %q", got)
		}
		// Filters: conversation, sender, dates.
		if got := w.search(w.ta1, url.Values{"q": {"项目"}, "conversation_id": {other.ID}}); !slices.Equal(got, []string{"另一个项目"}) {
			t.Fatalf("by conversation = %q", got)
		}
		if got := w.search(w.ta1, url.Values{"q": {"进度"}, "sender_id": {w.a2.ID}}); !slices.Equal(got, []string{"进度 OK, report ready"}) {
			t.Fatalf("by sender = %q", got)
		}
		future := first.CreatedAt.Add(48 * time.Hour).UTC().Format(time.RFC3339)
		past := first.CreatedAt.Add(-48 * time.Hour).UTC().Format(time.RFC3339)
		if got := w.search(w.ta1, url.Values{"q": {"进度"}, "from": {future}}); len(got) != 0 {
			t.Fatalf("from future = %q", got)
		}
		if got := w.search(w.ta1, url.Values{"q": {"进度"}, "from": {past}, "to": {future}}); len(got) != 2 {
			t.Fatalf("in range = %q", got)
		}
		r := e.Do("GET", "/api/v1/chat/search?q=x&from=yesterday", w.ta1, nil)
		if r.Status != http.StatusBadRequest || key(t, r) != "chat.invalid_search" {
			t.Fatalf("bad date: %d %s", r.Status, r.Body)
		}
		// Removed from the group: finds nothing of it any more, and cannot
		// name it as a filter.
		e.Must(http.StatusNoContent, "DELETE", "/api/v1/chat/conversations/"+g.ID+"/members/"+w.b1.ID, w.ta1, nil)
		if got := w.search(w.tb1, q("进度")); len(got) != 0 {
			t.Fatalf("removed member found %q", got)
		}
		r = e.Do("GET", "/api/v1/chat/search?q=x&conversation_id="+g.ID, w.tb1, nil)
		if r.Status != http.StatusNotFound {
			t.Fatalf("removed member filter: %d", r.Status)
		}
		// Punctuation only searches nothing.
		if got := w.search(w.ta1, q("?!")); len(got) != 0 {
			t.Fatalf("punctuation = %q", got)
		}
	})
}

func TestMessagesAroundASequence(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		w := newWorld(t, e)
		g := w.group(w.ta1, "temporary", "g", w.a2.ID)
		for i := 0; i < 30; i++ {
			w.send(w.ta1, g.ID, map[string]any{"body": "m"})
		}
		p := w.messages(w.ta2, g.ID, "?around=10&limit=10")
		if len(p.Items) != 10 || p.Items[0].Seq != 6 || p.Items[9].Seq != 15 || !p.More || !p.Newer {
			t.Fatalf("around 10: %d items from %d, more %v newer %v", len(p.Items), p.Items[0].Seq, p.More, p.Newer)
		}
		p = w.messages(w.ta2, g.ID, "?around=29&limit=10")
		if p.Items[len(p.Items)-1].Seq != 30 || p.Newer {
			t.Fatalf("around 29: last %d newer %v", p.Items[len(p.Items)-1].Seq, p.Newer)
		}
		if r := e.Do("GET", "/api/v1/chat/conversations/"+g.ID+"/messages?around=5", w.tb1, nil); r.Status != http.StatusNotFound {
			t.Fatalf("non-member around: %d", r.Status)
		}
	})
}
