package chat_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"tack/backend/chat"
	"tack/backend/identity"
	"tack/backend/org"
	"tack/backend/server/servertest"
)

// Sends that overlap share a transaction (send_batch.go). Here members of
// two groups send at once while, in the same moments, a stranger's sends
// are refused and one sender keeps retrying one key: every send gets its
// own answer, each group's sequence is gap-free in each sender's order,
// the refused sends write nothing and the retried key is one message.
func TestOverlappingSendsEachAnswered(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		w := newWorld(t, e)
		g1 := w.group(w.ta1, chat.KindTemporary, "甲", w.a2.ID, w.b1.ID)
		g2 := w.group(w.ta2, chat.KindTemporary, "乙", w.a1.ID)
		actor := func(u org.User) identity.Actor { return identity.Actor{UserID: u.ID, Name: u.Name} }
		const each = 20
		type sender struct {
			who  org.User
			conv string
		}
		senders := []sender{{w.a1, g1.ID}, {w.a2, g1.ID}, {w.b1, g1.ID}, {w.a1, g2.ID}, {w.a2, g2.ID}}
		var wg sync.WaitGroup
		errs := make(chan error, 100)
		for _, s := range senders {
			wg.Go(func() {
				for i := range each {
					m, err := e.Server.Chat.Send(context.Background(), actor(s.who), s.conv,
						chat.SendRequest{ClientKey: fmt.Sprintf("%s-%s-%d", s.conv, s.who.ID, i), Body: fmt.Sprint(i)})
					if err != nil {
						errs <- err
						return
					}
					if m.ConversationID != s.conv || m.SenderID != s.who.ID || m.Body != fmt.Sprint(i) || m.Seq < 1 {
						errs <- fmt.Errorf("answer %+v for %s's %d in %s", m.Message, s.who.Name, i, s.conv)
						return
					}
				}
			})
		}
		// b1 is not in g2: refused every time, in the middle of the others.
		wg.Go(func() {
			for i := range each {
				_, err := e.Server.Chat.Send(context.Background(), actor(w.b1), g2.ID, chat.SendRequest{ClientKey: fmt.Sprint("x", i), Body: "闯入"})
				if !errors.Is(err, chat.ErrNotFound) {
					errs <- fmt.Errorf("stranger's send: %v", err)
					return
				}
			}
		})
		// a2 retries one key all along, from two places at once.
		var retried sync.Map
		for range 2 {
			wg.Go(func() {
				for range each / 2 {
					m, err := e.Server.Chat.Send(context.Background(), actor(w.a2), g2.ID, chat.SendRequest{ClientKey: "same", Body: "重发"})
					if err != nil {
						errs <- err
						return
					}
					retried.Store(m.ID, m.Seq)
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		n := 0
		retried.Range(func(_, _ any) bool { n++; return true })
		if n != 1 {
			t.Fatalf("the retried key made %d messages", n)
		}
		for _, c := range []struct {
			conv  string
			token string
			want  int
		}{{g1.ID, w.ta1, 3 * each}, {g2.ID, w.ta1, 2*each + 1}} {
			p := w.messages(c.token, c.conv, "?before=1000000&limit=200")
			if len(p.Items) != c.want {
				t.Fatalf("%s: %d messages, want %d", c.conv, len(p.Items), c.want)
			}
			last := map[string]int{}
			lastSeq := map[string]int64{}
			for _, m := range p.Items {
				lastSeq[m.SenderID] = m.Seq
			}
			// Each sender has read up to their own last message, and every
			// message is in the search index.
			for uid, seq := range lastSeq {
				var read int64
				if err := e.Server.DB.Raw("SELECT read_seq FROM chat_members WHERE conversation_id = ? AND user_id = ?", c.conv, uid).Scan(&read).Error; err != nil || read < seq {
					t.Fatalf("%s: %s read up to %d, sent %d (%v)", c.conv, uid, read, seq, err)
				}
			}
			var indexed int64
			if err := e.Server.DB.Raw("SELECT COUNT(*) FROM chat_message_fts_doc d JOIN chat_messages m ON m.id = d.id WHERE m.conversation_id = ?", c.conv).
				Scan(&indexed).Error; err != nil || indexed != int64(c.want) {
				t.Fatalf("%s: %d of %d messages indexed (%v)", c.conv, indexed, c.want, err)
			}
			for i, m := range p.Items {
				if m.Seq != int64(i+1) {
					t.Fatalf("%s: message %d has seq %d", c.conv, i, m.Seq)
				}
				if m.Body == "重发" {
					continue
				}
				var k int
				fmt.Sscan(m.Body, &k)
				if prev, ok := last[m.SenderID]; (ok && k != prev+1) || (!ok && k != 0) {
					t.Fatalf("%s: sender %s out of order: %d after %d", c.conv, m.SenderID, k, prev)
				}
				last[m.SenderID] = k
			}
		}
	})
}
