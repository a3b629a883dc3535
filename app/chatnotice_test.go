package app

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
)

// fakeChat serves the account (me), its conversations (g2 muted) and a
// stream of chat messages: each one's body says whether it must notify.
func fakeChat(t *testing.T) *httptest.Server {
	msg := func(id int, conv, sender string, direct bool, mentions string, all bool, body string) string {
		return fmt.Sprintf("id: %d\nevent: chat.message\ndata: {\"id\":%d,\"type\":\"chat.message\",\"data\":{\"title\":\"项目组\",\"link\":\"/chat/%s\",\"conversation_id\":%q,\"action\":\"new\",\"sender_id\":%q,\"sender_name\":\"李娜\",\"body\":%q,\"mentions\":[%s],\"mention_all\":%v,\"direct\":%v}}\n\n",
			id, id, conv, conv, sender, body, mentions, all, direct)
	}
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/v1/me":
			fmt.Fprint(w, `{"id":"me","name":"张伟","locale":"zh-CN"}`)
		case "/api/v1/chat/conversations":
			fmt.Fprint(w, `{"items":[{"id":"d1","muted":false},{"id":"g1","muted":false},{"id":"g2","muted":true},{"id":"d2","muted":true}]}`)
		case "/api/v1/events":
			w.Header().Set("Content-Type", "text/event-stream")
			fmt.Fprint(w, ": connected\n\n")
			fmt.Fprint(w, msg(1, "d1", "li", true, "", false, "direct: yes"))
			fmt.Fprint(w, msg(2, "d1", "me", true, "", false, "my own: no"))
			fmt.Fprint(w, msg(3, "g1", "li", false, "", false, "group chatter: no"))
			fmt.Fprint(w, msg(4, "g1", "li", false, `"me"`, false, "mention: yes"))
			fmt.Fprint(w, msg(5, "g2", "li", false, "", false, "muted group: no"))
			fmt.Fprint(w, msg(6, "g2", "li", false, "", true, "muted @all: yes"))
			fmt.Fprint(w, msg(7, "d2", "li", true, "", false, "muted direct: no"))
			fmt.Fprint(w, msg(8, "g1", "li", false, `"other"`, false, "someone else mentioned: no"))
			fmt.Fprint(w, `id: 9`+"\nevent: approval.task_assigned\n"+`data: {"id":9,"type":"approval.task_assigned","data":{"title":"last","link":"/approvals/abc"}}`+"\n\n")
			w.(http.Flusher).Flush()
			<-r.Context().Done()
		default:
			http.NotFound(w, r)
		}
	}))
}

func TestWatcherNotifiesDirectMessagesAndMentions(t *testing.T) {
	srv := fakeChat(t)
	defer srv.Close()
	fake := &FakeNotifier{}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w := &Watcher{Server: proxyTo(t, srv.URL), Notifier: fake, Chat: &chatPrefs{}}
	go w.Run(ctx)
	waitFor(t, "the last notification", func() bool {
		all := fake.All()
		return len(all) > 0 && all[len(all)-1].Body == "last"
	})
	var got []string
	for _, n := range fake.All() {
		got = append(got, n.Title+" | "+n.Body+" | "+n.Link)
	}
	want := []string{
		"Tack：李娜 | direct: yes | /chat/d1",
		"Tack：李娜 在「项目组」中提到了你 | mention: yes | /chat/g1",
		"Tack：李娜 在「项目组」中提到了你 | muted @all: yes | /chat/g2",
		"Tack：有新的审批待处理 | last | /approvals/abc",
	}
	if len(got) != len(want) {
		t.Fatalf("notifications:\n%q\nwant\n%q", got, want)
	}
	for i := range want[:3] {
		if got[i] != want[i] {
			t.Fatalf("notification %d: %q, want %q", i, got[i], want[i])
		}
	}
}

func TestTrayCountsChatUnread(t *testing.T) {
	if tip, title := trayUnread(langZH, 2, 5); tip != "Tack — 2 条未读通知，5 条未读消息" || title != "Tack (7)" {
		t.Fatalf("with chat: %q %q", tip, title)
	}
	if tip, title := trayUnread(langEN, 2, 0); tip != "Tack — 2 unread" || title != "Tack (2)" {
		t.Fatalf("without chat: %q %q", tip, title)
	}
}
