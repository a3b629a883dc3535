package notify_test

import (
	"bufio"
	"context"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"tack/backend/notify"
	"tack/backend/server/servertest"
)

// smtpSink is a tiny SMTP server on 127.0.0.1 that keeps each message.
type smtpSink struct {
	ln   net.Listener
	mu   sync.Mutex
	msgs []string
	rcpt []string
}

func newSMTPSink(t *testing.T) *smtpSink {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &smtpSink{ln: ln}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(c)
		}
	}()
	return s
}

func (s *smtpSink) serve(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	w := func(l string) { c.Write([]byte(l + "\r\n")) }
	w("220 sink ESMTP")
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			w("250 sink")
		case strings.HasPrefix(cmd, "RCPT TO:"):
			s.mu.Lock()
			s.rcpt = append(s.rcpt, strings.Trim(strings.TrimSpace(line)[8:], "<>"))
			s.mu.Unlock()
			w("250 ok")
		case strings.HasPrefix(cmd, "DATA"):
			w("354 go on")
			var b strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				b.WriteString(l)
			}
			s.mu.Lock()
			s.msgs = append(s.msgs, b.String())
			s.mu.Unlock()
			w("250 queued")
		case strings.HasPrefix(cmd, "QUIT"):
			w("221 bye")
			return
		default:
			w("250 ok")
		}
	}
}

func TestEmailChannelForOfflineUsers(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		adminTok, admin := e.Setup()
		u, uTok := e.NewUser(adminTok, "")
		sink := newSMTPSink(t)
		port := sink.ln.Addr().(*net.TCPAddr).Port

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
		sink.mu.Lock()
		defer sink.mu.Unlock()
		if len(sink.msgs) != 1 || sink.rcpt[0] != u.Email || !strings.Contains(sink.msgs[0], "An approval is waiting for you: Leave 2d") ||
			!strings.Contains(sink.msgs[0], "/approvals/1") {
			t.Fatalf("mail %v %q", sink.rcpt, sink.msgs)
		}
	})
}
