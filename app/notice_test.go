package app

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"tack/backend/event"
	"tack/backend/server/servertest"
)

func TestNoticeInTheUsersLanguage(t *testing.T) {
	start := time.Date(2026, 12, 7, 9, 50, 0, 0, time.Local)
	meeting := map[string]any{"title": "周会", "occurrence_start": start.Format(time.RFC3339),
		"occurrence_end": start.Add(time.Hour).Format(time.RFC3339), "where": "3F 大会议室"}
	leave := map[string]any{"title": "李娜的请假 · 年假 · 5天", "title_en": "李娜's Leave · Annual leave · 5 days"}
	scenarios := []struct {
		name, lang, typ string
		data            map[string]any
		title, body     string
	}{
		{"approval zh", langZH, "approval.task_assigned", leave, "Tack：新的审批待你处理", "李娜的请假 · 年假 · 5天"},
		{"approval en", langEN, "approval.task_assigned", leave, "Tack: New approval waiting for you", "李娜's Leave · Annual leave · 5 days"},
		{"approval en without an English title", langEN, "approval.task_assigned", map[string]any{"title": "采购申请"}, "Tack: New approval waiting for you", "采购申请"},
		{"person's DING", langZH, "ding.received", map[string]any{"message": "下午三点开会", "sender_name": "王总"}, "Tack：王总 的 DING", "下午三点开会"},
		{"policy DING zh", langZH, "ding.received", map[string]any{"message": "Unread: 年会通知", "sender_name": "系统", "auto": true,
			"content": unread(1, "年会通知")}, "Tack：DING", "你有未读的重要通知：年会通知"},
		{"policy DING, several", langZH, "ding.received", map[string]any{"message": "Unread (2): 年会通知; 请假审批", "auto": true,
			"content": unread(2, "年会通知", "请假审批")}, "Tack：DING", "你有 2 条未读的重要通知：年会通知；请假审批"},
		{"policy DING, more than it names", langEN, "ding.received", map[string]any{"auto": true,
			"content": unread(12, "A", "B")}, "Tack: DING", "You have 12 unread important notices: A; B"},
		{"policy DING en takes an approval's English title", langEN, "ding.received", map[string]any{"message": "Unread: 请假", "auto": true,
			"content": map[string]any{"kind": "unread", "count": 1, "items": []any{map[string]any{"title": "请假", "title_en": "Leave"}}}},
			"Tack: DING", "Unread important notice: Leave"},
		{"announcement reminder zh", langZH, "ding.received", map[string]any{"message": "Please read: 消防演练", "sender_name": "人事",
			"subject_type": "announcement", "content": map[string]any{"kind": "please_read", "count": 1, "items": []any{map[string]any{"title": "消防演练"}}}},
			"Tack：人事 的 DING", "请阅读公告：消防演练"},
		{"announcement reminder en", langEN, "ding.received", map[string]any{"message": "Please read: 消防演练", "sender_name": "人事",
			"subject_type": "announcement", "content": map[string]any{"kind": "please_read", "count": 1, "items": []any{map[string]any{"title": "消防演练"}}}},
			"Tack: DING from 人事", "Please read: 消防演练"},
		{"a kind this client does not know: the server's English", langZH, "ding.received", map[string]any{"message": "Late: X", "auto": true,
			"content": map[string]any{"kind": "late", "count": 1, "items": []any{map[string]any{"title": "X"}}}}, "Tack：DING", "Late: X"},
		// No content: a person's words, shown as typed even when they look like Tack's.
		{"a colleague's words that look like the policy's", langZH, "ding.received", map[string]any{"message": "Unread: 工资调整通知",
			"sender_name": "张三"}, "Tack：张三 的 DING", "Unread: 工资调整通知"},
		{"a colleague's 'please read' about an announcement", langZH, "ding.received", map[string]any{"message": "Please read: 新规定",
			"sender_name": "张三", "subject_type": "announcement"}, "Tack：张三 的 DING", "Please read: 新规定"},
		{"busy-hours summary zh", langZH, "chat.busy_summary", map[string]any{"title": "项目群", "count": 4}, "Tack：会议期间的群消息", "「项目群」有 4 条新消息"},
		{"busy-hours summary en", langEN, "chat.busy_summary", map[string]any{"title": "Project", "count": 4}, "Tack: group messages during your meeting", "Project got 4 new messages"},
		{"meeting zh", langZH, "meeting.reminder", meeting, "Tack：会议即将开始", "周会\n09:50–10:50 · 3F 大会议室"},
		{"meeting online en", langEN, "meeting.reminder", map[string]any{"title": "Sync", "occurrence_start": start.Format(time.RFC3339), "online_url": "https://meet.example/x"},
			"Tack: Meeting soon", "Sync\n09:50 · online"},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			title, body, ok := notice(s.lang, streamEvent{Type: s.typ, Data: s.data})
			if !ok || title != s.title || body != s.body {
				t.Fatalf("got %q / %q (%v), want %q / %q", title, body, ok, s.title, s.body)
			}
		})
	}
	if _, _, ok := notice(langZH, streamEvent{Type: "approval.decided"}); ok {
		t.Fatal("approval.decided raised an OS notification")
	}
}

// unread is an automatic DING's content as the stream carries it.
func unread(n int, titles ...string) map[string]any {
	items := []any{}
	for _, t := range titles {
		items = append(items, map[string]any{"title": t})
	}
	return map[string]any{"kind": "unread", "count": n, "items": items}
}

// Every kind of DING Tack writes has its text in the shell's message table.
func TestDingKindsHaveTexts(t *testing.T) {
	for _, k := range event.DingKinds {
		if _, ok := shellTexts["ding."+k]; !ok {
			t.Errorf("no shell text ding.%s", k)
		}
	}
}

func TestShellLanguage(t *testing.T) {
	scenarios := []struct {
		name, lcAll, lang, account, want string
	}{
		{"nothing set: Chinese", "", "", "", langZH},
		{"English system", "", "en_US.UTF-8", "", langEN},
		{"Chinese system", "", "zh_CN.UTF-8", "", langZH},
		{"other system language: English", "", "de_DE.UTF-8", "", langEN},
		{"LC_ALL wins", "zh_TW.UTF-8", "en_US.UTF-8", "", langZH},
		{"C locale is no choice", "C", "", "", langZH},
		{"C.UTF-8 (containers, minimal systems) is no choice either", "", "C.UTF-8", "", langZH},
		{"nor POSIX", "", "POSIX", "", langZH},
		{"the account wins", "", "en_US.UTF-8", "zh-CN", langZH},
		{"account without a choice keeps the system's", "", "en_US.UTF-8", "", langEN},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			t.Setenv("LC_ALL", s.lcAll)
			t.Setenv("LC_MESSAGES", "")
			t.Setenv("LANG", s.lang)
			var l shellLang
			l.Set(s.account)
			if got := l.Get(); got != s.want {
				t.Fatalf("got %s, want %s", got, s.want)
			}
		})
	}
}

// The shell speaks the language the user chose in the window: it follows the
// account's locale on the real server, through the window's own session.
func TestShellLanguageFollowsTheAccount(t *testing.T) {
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_MESSAGES", "")
	t.Setenv("LANG", "")
	env := servertest.New(t)
	env.Clock.Set(time.Now()) // the cookie jar expires cookies by the wall clock
	admin, me := env.Setup()
	p := proxyTo(t, env.HTTP.URL)
	front := httptest.NewServer(p)
	t.Cleanup(front.Close)
	a := &App{Proxy: p}
	ctx := context.Background()

	a.refreshLang(ctx) // signed out: the system's (here: none, so Chinese)
	if got := a.lang.Get(); got != langZH {
		t.Fatalf("signed out: %s", got)
	}
	signIn(t, front.URL)
	env.Must(http.StatusOK, "PATCH", "/api/v1/users/"+me.ID, admin, map[string]any{"locale": "en", "version": me.Version})
	a.refreshLang(ctx)
	if got := a.lang.Get(); got != langEN {
		t.Fatalf("account in English: %s", got)
	}
}
