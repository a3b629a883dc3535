package chat_test

import (
	"context"
	"net/http"
	"slices"
	"testing"
	"time"

	"tack/backend/chat"
	"tack/backend/event"
	"tack/backend/meeting"
	"tack/backend/server/servertest"
)

// TestBusyHoursSummarised: while a1 and a2 sit in a meeting, their groups'
// messages raise nothing of their own; when it ends each gets one
// chat.busy_summary per group with new unread messages from others during
// the meeting (not muted groups, direct chats, own messages, what was
// already read, or what came before or after), once, however often the job
// runs; b1, who declined, gets none.
func TestBusyHoursSummarised(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		w := newWorld(t, e)
		ctx := context.Background()
		day := e.Clock.Now().Truncate(24 * time.Hour) // 2026-01-05, a Monday (UTC)
		at := func(hm string) time.Time {
			d, _ := time.ParseDuration(hm)
			return day.Add(d)
		}
		e.Clock.Set(at("9h"))
		var res meeting.SaveResult
		e.Must(http.StatusCreated, "POST", "/api/v1/meetings", w.ta1, map[string]any{"title": "周会", "start": "2026-01-05T10:00",
			"end": "2026-01-05T11:00", "time_zone": "UTC", "place": "3F", "attendee_ids": []string{w.a2.ID, w.b1.ID}}).JSON(t, &res)
		e.Must(http.StatusOK, "POST", "/api/v1/meetings/"+res.Meeting.ID+"/rsvp", w.tb1, map[string]any{"response": "declined"})

		project := w.group(w.tha, chat.KindTemporary, "项目群", w.a1.ID, w.a2.ID, w.b1.ID)
		chatter := w.group(w.tha, chat.KindTemporary, "闲聊群", w.a1.ID, w.a2.ID)
		noisy := w.group(w.tha, chat.KindTemporary, "噪音群", w.a1.ID, w.a2.ID)
		e.Must(http.StatusOK, "PUT", "/api/v1/chat/conversations/"+noisy.ID+"/mine", w.ta2, map[string]any{"muted": true})
		var direct chat.ConversationView
		e.Must(http.StatusOK, "POST", "/api/v1/chat/direct", w.tha, map[string]any{"user_id": w.a2.ID}).JSON(t, &direct)
		say := func(token, conv, body string, extra ...any) chat.MessageView {
			m := map[string]any{"body": body}
			for i := 0; i+1 < len(extra); i += 2 {
				m[extra[i].(string)] = extra[i+1]
			}
			return w.send(token, conv, m)
		}
		say(w.tha, project.ID, "会前的消息") // before the meeting

		e.Clock.Set(at("10h10m"))
		say(w.ta2, project.ID, "我在开会") // a2's own, which also reads what came before: news to a1 only
		say(w.tha, project.ID, "进度一")
		say(w.tha, project.ID, "进度二")
		say(w.tha, project.ID, "@a2 请看", "mentions", []string{w.a2.ID})
		say(w.tb1, project.ID, "市场部反馈")
		gone := say(w.tha, project.ID, "发错了")
		e.Must(http.StatusOK, "POST", "/api/v1/chat/messages/"+gone.ID+"/recall", w.tha, nil)
		c := say(w.tha, chatter.ID, "中午吃什么")
		e.Must(http.StatusOK, "POST", "/api/v1/chat/conversations/"+chatter.ID+"/read", w.ta1, map[string]any{"seq": c.Seq}) // a1 read it
		say(w.tha, noisy.ID, "刷屏")
		say(w.tha, direct.ID, "私聊")

		run := func() int {
			n, err := e.Server.Chat.SummariseBusyHours(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		e.Clock.Set(at("10h59m"))
		if n := run(); n != 0 {
			t.Fatalf("%d summaries before the meeting ended", n)
		}
		e.Clock.Set(at("11h0m30s"))
		say(w.tha, project.ID, "会后的消息") // after the meeting
		if n := run(); n != 4 {
			t.Fatalf("%d summaries sent, want 4 (a2: 项目群, 闲聊群; a1: 项目群, 噪音群)", n)
		}
		e.Clock.Set(at("11h2m"))
		if n := run(); n != 0 {
			t.Fatalf("%d summaries sent again", n)
		}
		if _, err := e.Server.Notify.NewDispatcher().RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
		type note struct {
			Type, Title, Link string
			Data              event.ChatBusy
		}
		summaries := func(token string) map[string]int {
			var notes struct{ Items []note }
			e.Must(http.StatusOK, "GET", "/api/v1/notifications", token, nil).JSON(t, &notes)
			out := map[string]int{}
			for _, n := range notes.Items {
				if n.Type == event.ChatBusySummary {
					if _, dup := out[n.Title]; dup || n.Link != "/chat/"+n.Data.ConversationID {
						t.Fatalf("summary %+v twice or with the wrong link", n)
					}
					out[n.Title] = n.Data.Count
				}
			}
			return out
		}
		want := map[string]map[string]int{
			w.ta2: {"项目群": 4, "闲聊群": 1},
			w.ta1: {"项目群": 5, "噪音群": 1},
			w.tb1: {},
			w.tha: {},
		}
		for token, exp := range want {
			if got := summaries(token); !equalCounts(got, exp) {
				t.Errorf("summaries %v, want %v", got, exp)
			}
		}
	})
}

func equalCounts(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	ks := make([]string, 0, len(a))
	for k := range a {
		ks = append(ks, k)
	}
	return !slices.ContainsFunc(ks, func(k string) bool { return a[k] != b[k] })
}
