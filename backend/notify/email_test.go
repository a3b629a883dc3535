package notify_test

import (
	"context"
	"io"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"testing"
	"time"

	"tack/backend/notify"
	"tack/backend/notify/smtptest"
	"tack/backend/server/servertest"
)

func TestEmailChannelForOfflineUsers(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		adminTok, admin := e.Setup()
		u, uTok := e.NewUser(adminTok, "")
		sink := smtptest.Start(t, smtptest.Plain)
		port := sink.Port

		e.Must(403, "PUT", "/api/v1/settings/email", uTok, map[string]any{"enabled": true})
		r := e.Must(400, "PUT", "/api/v1/settings/email", adminTok, map[string]any{"enabled": true, "host": "", "from": "x"})
		if _, _, f := r.ErrorCode(); f["host"] != "required" || f["from"] != "invalid_email" {
			t.Fatalf("validation %s", r.Body)
		}
		var es notify.EmailSettings
		e.Must(200, "PUT", "/api/v1/settings/email", adminTok, map[string]any{"enabled": true, "host": "127.0.0.1", "port": port,
			"user": "", "password": "s3cret", "from": "tack@test.tack"}).JSON(t, &es)
		if es.Password != "" || !es.PasswordSet || es.Port != port {
			t.Fatalf("settings %+v", es)
		}
		body := string(e.Must(200, "GET", "/api/v1/settings/email", adminTok, nil).Body)
		if strings.Contains(body, "s3cret") {
			t.Fatal("password returned")
		}
		// saving without a password keeps the old one
		e.Must(200, "PUT", "/api/v1/settings/email", adminTok, map[string]any{"enabled": true, "host": "127.0.0.1", "port": port, "from": "tack@test.tack"}).JSON(t, &es)
		if !es.PasswordSet {
			t.Fatal("password dropped")
		}

		emit(t, e, &notify.Event{Type: "approval.task_assigned", ActorID: admin.ID, Recipients: []string{u.ID}, Data: map[string]any{"title": "Leave 2d", "link": "/approvals/1"}})
		dispatch(t, e)
		ctx := context.Background()
		send := func() int {
			n, err := e.Server.Notify.SendEmails(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		e.Clock.Advance(14 * time.Minute)
		if send() != 0 {
			t.Fatal("emailed before 15 minutes")
		}
		// a live connection (presence) holds email back
		e.Clock.Advance(time.Minute + time.Second)
		if err := e.Server.Notify.TouchPresence(ctx, u.ID); err != nil {
			t.Fatal(err)
		}
		if send() != 0 {
			t.Fatal("emailed a connected user")
		}
		e.Clock.Advance(2 * time.Minute) // presence expired
		if n := send(); n != 1 {
			t.Fatalf("sent %d, want 1", n)
		}
		if send() != 0 {
			t.Fatal("emailed twice")
		}
		msgs := sink.Messages()
		if len(msgs) != 1 || msgs[0].To[0] != u.Email {
			t.Fatalf("mail %+v", msgs)
		}
		// Chinese unless the person chose English; the link opens the app.
		text := mailText(t, msgs[0].Data)
		if !strings.Contains(text, "有一条审批待你处理：Leave 2d") || !strings.Contains(text, "查看：/approvals/1") {
			t.Fatalf("mail text %q", text)
		}
	})
}

// mailText is the decoded text of a message as the SMTP server got it.
func mailText(t *testing.T, data string) string {
	t.Helper()
	m, err := mail.ReadMessage(strings.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(quotedprintable.NewReader(m.Body))
	if err != nil {
		t.Fatal(err)
	}
	subject, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	return subject + "\n" + string(b)
}

// TestEmailBatchesPerPersonInTheirLanguage: what is unread together goes in
// one email, in the person's language, with links to the site's address;
// after an email a person gets no other for 15 minutes.
func TestEmailBatchesPerPersonInTheirLanguage(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		adminTok, admin := e.Setup()
		zh, _ := e.NewUser(adminTok, "")
		en, _ := e.NewUser(adminTok, "")
		e.Must(200, "PATCH", "/api/v1/users/"+en.ID, adminTok, map[string]any{"locale": "en", "version": en.Version})
		sink := smtptest.Start(t, smtptest.Plain)
		e.Must(200, "PUT", "/api/v1/settings/email", adminTok, map[string]any{"enabled": true, "host": "127.0.0.1", "port": sink.Port,
			"security": "none", "from": "Tack <tack@corp.test>", "site_url": "https://tack.corp.test/"})
		send := func() int {
			n, err := e.Server.Notify.SendEmails(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		for _, title := range []string{"周会", "评审"} {
			emit(t, e, &notify.Event{Type: "meeting.invited", ActorID: admin.ID, Recipients: []string{zh.ID, en.ID}, Data: map[string]any{
				"title": title, "link": "/meetings/" + title, "start": "2026-01-06T02:00:00Z", "end": "2026-01-06T03:00:00Z",
				"time_zone": "Asia/Shanghai", "where": "松 3F"}})
		}
		dispatch(t, e)
		// Six minutes later a task for zh: too new for the first email.
		e.Clock.Advance(6 * time.Minute)
		emit(t, e, &notify.Event{Type: "task.assigned", ActorID: admin.ID, Recipients: []string{zh.ID}, Data: map[string]any{"title": "写方案", "due": "2026-01-09"}})
		dispatch(t, e)
		e.Clock.Advance(10 * time.Minute)
		if n := send(); n != 2 {
			t.Fatalf("sent %d emails, want one per person", n)
		}
		byTo := map[string]string{}
		for _, m := range sink.Messages() {
			byTo[m.To[0]] = mailText(t, m.Data)
		}
		for _, want := range []string{"[Tack] 你有 2 条未读通知", "你被邀请参加会议：周会", "你被邀请参加会议：评审",
			"时间：2026-01-06 周二 10:00–11:00 (中国标准时间)", "地点：松 3F", "查看：https://tack.corp.test/meetings/周会"} {
			if !strings.Contains(byTo[zh.Email], want) {
				t.Errorf("Chinese email lacks %q:\n%s", want, byTo[zh.Email])
			}
		}
		if !strings.Contains(byTo[en.Email], "[Tack] You have 2 unread notifications") || !strings.Contains(byTo[en.Email], "When: 2026-01-06 Tue 10:00–11:00") {
			t.Errorf("English email:\n%s", byTo[en.Email])
		}

		if strings.Contains(byTo[zh.Email], "写方案") {
			t.Fatalf("a 10-minute-old notice was emailed:\n%s", byTo[zh.Email])
		}
		// The task is unread for 15 minutes six minutes later, but zh had an email then: it waits.
		e.Clock.Advance(6 * time.Minute)
		if n := send(); n != 0 {
			t.Fatalf("emailed again within 15 minutes: %d", n)
		}
		e.Clock.Advance(10 * time.Minute)
		if n := send(); n != 1 {
			t.Fatalf("sent %d, want the waiting one", n)
		}
		msgs := sink.Messages()
		if last := mailText(t, msgs[len(msgs)-1].Data); !strings.Contains(last, "[Tack] 你有一项新任务：写方案") || !strings.Contains(last, "截止日期：2026-01-09") {
			t.Fatalf("last email %s", last)
		}
	})
}

// TestEmailSettingsTestSend: an administrator tries settings before saving
// them; a failure says which step failed, in the error's field.
func TestEmailSettingsTestSend(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		adminTok, admin := e.Setup()
		_, uTok := e.NewUser(adminTok, "")
		sink := smtptest.Start(t, smtptest.Plain)
		good := map[string]any{"host": "127.0.0.1", "port": sink.Port, "security": "none", "from": "tack@corp.test"}
		e.Must(403, "POST", "/api/v1/settings/email/test", uTok, good)
		e.Must(204, "POST", "/api/v1/settings/email/test", adminTok, good)
		if msgs := sink.Messages(); len(msgs) != 1 || msgs[0].To[0] != admin.Email || !strings.Contains(mailText(t, msgs[0].Data), "Tack 邮件通知测试") {
			t.Fatalf("test mail %+v", msgs)
		}
		// Nothing was saved by the test.
		var es notify.EmailSettings
		e.Must(200, "GET", "/api/v1/settings/email", adminTok, nil).JSON(t, &es)
		if es.Host != "" || es.Enabled {
			t.Fatalf("test send saved settings %+v", es)
		}
		r := e.Must(400, "POST", "/api/v1/settings/email/test", adminTok, map[string]any{"host": "127.0.0.1", "port": sink.Port,
			"security": "starttls", "from": "tack@corp.test"})
		if _, key, f := r.ErrorCode(); key != "settings.email_failed" || f["smtp"] != "tls" {
			t.Fatalf("STARTTLS missing: %s", r.Body)
		}
		r = e.Must(400, "POST", "/api/v1/settings/email/test", adminTok, map[string]any{"host": "127.0.0.1", "port": sink.Port,
			"security": "bogus", "from": "not an address", "site_url": "javascript:alert(1)"})
		if _, _, f := r.ErrorCode(); f["security"] != "invalid" || f["from"] != "invalid_email" || f["site_url"] != "invalid" {
			t.Fatalf("validation %s", r.Body)
		}
	})
}
