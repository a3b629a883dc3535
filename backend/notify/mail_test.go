package notify

import (
	"context"
	"errors"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"testing"
	"time"

	"tack/backend/event"
	"tack/backend/notify/smtptest"
)

// TestDeliverMailSecurityModes sends through a real SMTP server in each
// security mode and checks the message went encrypted when it should, with
// the credentials, and that each failure says which step failed.
func TestDeliverMailSecurityModes(t *testing.T) {
	t.Parallel()
	msg := []byte("Subject: hi\r\n\r\nhello\r\n")
	send := func(srv *smtptest.Server, security, user, password string, trust bool) error {
		es := EmailSettings{Host: "127.0.0.1", Port: srv.Port, Security: security, User: user, Password: password, From: "Tack <tack@corp.test>"}
		conf := srv.Client
		if !trust {
			conf = nil // the system's roots do not know the test certificate
		}
		return deliverMail(context.Background(), es, conf, "li@corp.test", msg)
	}
	step := func(err error) string {
		var mp *MailProblem
		if errors.As(err, &mp) {
			return mp.Step
		}
		return ""
	}
	scenarios := []struct {
		name           string
		mode           smtptest.Mode
		security, user string
		password       string
		trust          bool
		wantTLS        bool
		wantStep       string // "" for success
	}{
		{"SMTPS with a login", smtptest.TLS, SecurityTLS, "tack", "s3cret", true, true, ""},
		{"STARTTLS required", smtptest.StartTLS, SecurityStartTLS, "tack", "s3cret", true, true, ""},
		{"STARTTLS when offered", smtptest.StartTLS, SecurityAuto, "", "", true, true, ""},
		{"plain relay, nothing offered", smtptest.Plain, SecurityAuto, "", "", true, false, ""},
		{"plain relay on purpose", smtptest.StartTLS, SecurityNone, "", "", true, false, ""},
		{"STARTTLS required but not offered", smtptest.Plain, SecurityStartTLS, "", "", true, false, "tls"},
		{"untrusted certificate", smtptest.TLS, SecurityTLS, "", "", false, false, "tls"},
		{"wrong password", smtptest.TLS, SecurityTLS, "tack", "wrong", true, false, "auth"},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			srv := smtptest.Start(t, sc.mode)
			err := send(srv, sc.security, sc.user, sc.password, sc.trust)
			if got := step(err); got != sc.wantStep || (sc.wantStep == "" && err != nil) {
				t.Fatalf("error %v (step %q), want step %q", err, got, sc.wantStep)
			}
			msgs := srv.Messages()
			if sc.wantStep != "" {
				if len(msgs) != 0 {
					t.Fatalf("a message went through: %+v", msgs)
				}
				return
			}
			if len(msgs) != 1 || msgs[0].TLS != sc.wantTLS || msgs[0].From != "tack@corp.test" || msgs[0].To[0] != "li@corp.test" ||
				!strings.Contains(msgs[0].Data, "hello") {
				t.Fatalf("messages %+v", msgs)
			}
			if sc.user != "" && msgs[0].Auth != sc.user+":"+sc.password {
				t.Fatalf("auth %q", msgs[0].Auth)
			}
		})
	}
	t.Run("nobody listening", func(t *testing.T) {
		ln, _ := net.Listen("tcp", "127.0.0.1:0")
		port := ln.Addr().(*net.TCPAddr).Port
		ln.Close()
		err := deliverMail(context.Background(), EmailSettings{Host: "127.0.0.1", Port: port, From: "t@x.test"}, nil, "a@x.test", msg)
		if step(err) != "connect" {
			t.Fatalf("error %v", err)
		}
	})
}

// TestRenderMail: a person's unread notices as one email in their language,
// with when and where for meetings, due dates, and links that open Tack.
func TestRenderMail(t *testing.T) {
	t.Parallel()
	meetingData := map[string]any{"title": "产品评审", "link": "/meetings/m1", "start": "2026-12-08T02:00:00Z", "end": "2026-12-08T03:30:00Z",
		"time_zone": "Asia/Shanghai", "where": "松 · 大会议室 3F 东", "online_url": "https://meet.example.com/x"}
	notes := []Notification{
		{Type: "meeting.invited", Title: "产品评审", Link: "/meetings/m1", Data: meetingData},
		{Type: "approval.decided", Title: "请假 3 天", Link: "/approvals/a1", Data: map[string]any{"outcome": "approved"}},
		{Type: "task.assigned", Title: "整理清单", Link: "/tasks", Data: map[string]any{"due": "2026-12-10"}},
	}
	es := EmailSettings{SiteURL: "https://tack.corp.test"}
	subject, body := renderMail(es, Person{Locale: ""}, notes)
	if subject != "[Tack] 你有 3 条未读通知" {
		t.Fatalf("subject %q", subject)
	}
	for _, want := range []string{"你被邀请参加会议：产品评审", "时间：2026-12-08 周二 10:00–11:30 (中国标准时间)", "地点：松 · 大会议室 3F 东",
		"线上会议：https://meet.example.com/x", "查看：https://tack.corp.test/meetings/m1", "你的审批已通过：请假 3 天",
		"截止日期：2026-12-10", "查看：https://tack.corp.test/tasks", "请勿直接回复"} {
		if !strings.Contains(body, want) {
			t.Errorf("Chinese body lacks %q:\n%s", want, body)
		}
	}
	subject, body = renderMail(EmailSettings{}, Person{Locale: "en"}, notes[:1])
	if subject != "[Tack] You are invited to a meeting: 产品评审" || !strings.Contains(body, "When: 2026-12-08 Tue 10:00–11:30 (China Standard Time)") ||
		!strings.Contains(body, "Open: /meetings/m1") {
		t.Fatalf("English mail %q\n%s", subject, body)
	}

	// A colleague's DING names them: it comes from Tack's own address.
	ding := Notification{Type: "ding.received", Title: "请重新登录 http://evil.example/login", Link: "/ding/d1",
		Data: map[string]any{"sender_name": "张伟", "auto": false}}
	if subject, _ := renderMail(EmailSettings{}, Person{}, []Notification{ding}); subject != "[Tack] 张伟 的 DING：请重新登录 http://evil.example/login" {
		t.Errorf("DING mail subject %q", subject)
	}
	if subject, _ := renderMail(EmailSettings{}, Person{Locale: "en"}, []Notification{ding}); subject != "[Tack] DING from 张伟: 请重新登录 http://evil.example/login" {
		t.Errorf("DING mail subject %q", subject)
	}

	// A DING Tack wrote itself is said in the reader's language from its content.
	auto := Notification{Type: "ding.received", Title: "Unread (2): 请假; 年会", Link: "/ding/d2", Data: event.Data(event.Ding{
		SenderName: "Tack", Auto: true, Content: &event.DingContent{Kind: event.DingUnread, Count: 2,
			Items: []event.DingItem{{Title: "请假", TitleEn: "Leave"}, {Title: "年会"}}}})}
	if subject, _ := renderMail(EmailSettings{}, Person{}, []Notification{auto}); subject != "[Tack] Tack 的 DING：你有 2 条未读的重要通知：请假；年会" {
		t.Errorf("automatic DING mail subject %q", subject)
	}
	if subject, _ := renderMail(EmailSettings{}, Person{Locale: "en"}, []Notification{auto}); subject != "[Tack] DING from Tack: You have 2 unread important notices: Leave; 年会" {
		t.Errorf("automatic DING mail subject %q", subject)
	}

	raw, err := buildMessage("Tack <tack@corp.test>", "li@corp.test", subject, body, time.Date(2026, 12, 4, 8, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	m, err := mail.ReadMessage(strings.NewReader(string(raw)))
	if err != nil {
		t.Fatal(err)
	}
	dec := new(mime.WordDecoder)
	subj, _ := dec.DecodeHeader(m.Header.Get("Subject"))
	text, _ := io.ReadAll(quotedprintable.NewReader(m.Body))
	if subj != subject || !strings.Contains(string(text), "When: 2026-12-08") || m.Header.Get("Auto-Submitted") != "auto-generated" ||
		!strings.HasSuffix(m.Header.Get("Message-ID"), "@corp.test>") || m.Header.Get("Date") != "Fri, 04 Dec 2026 08:00:00 +0000" {
		t.Fatalf("message headers %v, text %q", m.Header, text)
	}
}
