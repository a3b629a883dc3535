package chat_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"tack/backend/chat"
	"tack/backend/event"
	"tack/backend/identity"
	"tack/backend/notify"
	"tack/backend/org"
	"tack/backend/server/servertest"
	"tack/backend/store"
)

// Chat benchmarks (bench/RESULTS.md, "Chat"): message send rate, a message
// to a 500-member group reaching every member's live subscription, opening
// a conversation of 10,000 messages, and a one-row write transaction as the
// reference measured in the same run.
//
//	TACK_TEST_POSTGRES_DSN=... go test -run '^$' -bench Chat -benchtime 2s ./backend/chat/

func benchEnvs(b *testing.B, fn func(b *testing.B, e *servertest.Env)) {
	b.Run("sqlite", func(b *testing.B) { fn(b, servertest.New(b)) })
	b.Run("postgres", func(b *testing.B) { fn(b, servertest.NewPostgres(b)) })
}

// seedGroup makes n active people (straight into the table: hashing
// passwords is not what is measured) and a temporary group of them owned by
// the first; it returns the group and the people's actors.
func seedGroup(b testing.TB, e *servertest.Env, n int) (string, []identity.Actor) {
	b.Helper()
	db := e.Server.DB
	now := e.Clock.Now()
	var root org.Department
	if err := db.Where("parent_id IS NULL OR parent_id = ''").First(&root).Error; err != nil {
		root = org.Department{ID: store.NewID(), Name: "Co", Version: 1, CreatedAt: now, UpdatedAt: now}
		if err := db.Create(&root).Error; err != nil {
			b.Fatal(err)
		}
	}
	users := make([]org.User, n)
	actors := make([]identity.Actor, n)
	tag := store.NewID()
	for i := range users {
		users[i] = org.User{ID: store.NewID(), Email: fmt.Sprintf("u%d-%s@bench", i, tag), Name: fmt.Sprint("同事", i),
			DepartmentID: root.ID, Active: true, Version: 1, CreatedAt: now, UpdatedAt: now}
		actors[i] = identity.Actor{UserID: users[i].ID, Name: users[i].Name}
	}
	if err := db.CreateInBatches(users, 200).Error; err != nil {
		b.Fatal(err)
	}
	c := chat.Conversation{ID: store.NewID(), Kind: chat.KindTemporary, Name: "bench", OwnerID: users[0].ID,
		PostPolicy: chat.PolicyAll, AddPolicy: chat.PolicyAll, Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := db.Create(&c).Error; err != nil {
		b.Fatal(err)
	}
	ms := make([]chat.Member, n)
	for i, u := range users {
		role := chat.RoleMember
		if i == 0 {
			role = chat.RoleOwner
		}
		ms[i] = chat.Member{ConversationID: c.ID, UserID: u.ID, Role: role, JoinedAt: now}
	}
	if err := db.CreateInBatches(ms, 200).Error; err != nil {
		b.Fatal(err)
	}
	return c.ID, actors
}

// BenchmarkChatSend: one person sending into a 10-member group, one message
// after another (the write path: sequence, insert, search index, watermark,
// event row).
func BenchmarkChatSend(b *testing.B) {
	benchEnvs(b, func(b *testing.B, e *servertest.Env) {
		conv, people := seedGroup(b, e, 10)
		ctx := context.Background()
		b.ResetTimer()
		for i := 0; b.Loop(); i++ {
			if _, err := e.Server.Chat.Send(ctx, people[i%10], conv, chat.SendRequest{ClientKey: fmt.Sprint("k", i), Body: "下午三点评审，请准备原型"}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
	})
}

// BenchmarkChatSendParallel: 8 senders at once, each in their own
// 10-member group (different conversations do not share a sequence).
func BenchmarkChatSendParallel(b *testing.B) { sendParallel(b, 4) }

// BenchmarkChatSendParallel64: 64 senders at once in 64 groups (a busy
// company's morning): what the database gives when commits can overlap.
func BenchmarkChatSendParallel64(b *testing.B) { sendParallel(b, 32) }

// sendParallel runs GOMAXPROCS(2) × perProc senders, each in a group.
func sendParallel(b *testing.B, perProc int) {
	benchEnvs(b, func(b *testing.B, e *servertest.Env) {
		type room struct {
			conv   string
			people []identity.Actor
		}
		rooms := make([]room, 2*perProc)
		for i := range rooms {
			rooms[i].conv, rooms[i].people = seedGroup(b, e, 10)
		}
		var next, seq atomic.Int64
		ctx := context.Background()
		b.SetParallelism(perProc)
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			r := rooms[int(next.Add(1)-1)%len(rooms)]
			for pb.Next() {
				i := seq.Add(1)
				if _, err := e.Server.Chat.Send(ctx, r.people[i%10], r.conv, chat.SendRequest{ClientKey: fmt.Sprint("p", i), Body: "并发发送"}); err != nil {
					b.Error(err)
					return
				}
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
	})
}

// BenchmarkChatFanout500: a message to a 500-member group, from Send until
// every member's live subscription (the in-process hub the SSE streams read)
// holds the chat.message event; the dispatcher runs as on a server. This is
// in-process: no SSE sockets (see RESULTS.md for what is not measured).
func BenchmarkChatFanout500(b *testing.B) {
	benchEnvs(b, func(b *testing.B, e *servertest.Env) {
		conv, people := seedGroup(b, e, 500)
		ctx, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		wg.Add(1)
		go func() { defer wg.Done(); _ = e.Server.Notify.NewDispatcher().Serve(ctx) }()
		defer func() { cancel(); wg.Wait() }()
		hub := e.Server.Notify.Hub()
		subs := make([]*notifySub, len(people))
		for i, p := range people {
			subs[i] = &notifySub{s: hub.Subscribe(p.UserID)}
		}
		var lat []time.Duration
		b.ResetTimer()
		for i := 0; b.Loop(); i++ {
			start := time.Now()
			m, err := e.Server.Chat.Send(ctx, people[0], conv, chat.SendRequest{ClientKey: fmt.Sprint("f", i), Body: "全体注意"})
			if err != nil {
				b.Fatal(err)
			}
			var mu sync.Mutex
			var got sync.WaitGroup
			for _, s := range subs {
				got.Add(1)
				go func() {
					defer got.Done()
					d := s.await(m.ID, start)
					mu.Lock()
					lat = append(lat, d)
					mu.Unlock()
				}()
			}
			got.Wait()
		}
		b.StopTimer()
		slices.Sort(lat)
		if lat[0] < 0 {
			b.Fatal("a member never received the message")
		}
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
		b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "max-ms")
	})
}

type notifySub struct{ s *notify.Subscription }

// await reads the subscription until the chat.message of messageID arrives
// and returns how long after start that was (a minute: never, -1).
func (n *notifySub) await(messageID string, start time.Time) time.Duration {
	timeout := time.After(time.Minute)
	for {
		select {
		case ev, ok := <-n.s.C:
			if !ok {
				return -1
			}
			if ev.Type == event.ChatMessage && ev.Data["message_id"] == messageID {
				return time.Since(start)
			}
		case <-timeout:
			return -1
		}
	}
}

// BenchmarkChatOpen10k: opening a conversation of 10,000 messages as the
// sender of all of them (so every one of the last 50 carries its unread
// count, computed from the 50 members' watermarks): the conversation view
// and the newest 50 messages, the two calls the UI makes.
func BenchmarkChatOpen10k(b *testing.B) {
	benchEnvs(b, func(b *testing.B, e *servertest.Env) {
		conv, people := seedGroup(b, e, 50)
		seedMessages(b, e.Server.DB, conv, people[0].UserID, 10_000, e.Clock.Now())
		ctx := context.Background()
		b.ResetTimer()
		for b.Loop() {
			if _, err := e.Server.Chat.GetConversation(ctx, people[0], conv); err != nil {
				b.Fatal(err)
			}
			p, err := e.Server.Chat.ListMessages(ctx, people[0], conv, 0, 0, 50)
			if err != nil || len(p.Items) != 50 || p.Items[49].Seq != 10_000 || p.Items[0].Unread < 0 {
				b.Fatalf("%d items, %v", len(p.Items), err)
			}
		}
	})
}

// seedMessages writes n messages straight into the table (the send path is
// BenchmarkChatSend's subject) and moves the conversation's sequence and
// the members' watermarks: half the members have read up to the middle.
func seedMessages(b *testing.B, db *gorm.DB, conv, sender string, n int, at time.Time) {
	b.Helper()
	ms := make([]chat.Message, 0, 1000)
	for i := 1; i <= n; i++ {
		ms = append(ms, chat.Message{ID: store.NewID(), ConversationID: conv, Seq: int64(i), SenderID: sender, ClientKey: fmt.Sprint("s", i),
			Kind: chat.MessageText, Body: fmt.Sprintf("第 %d 条消息：进度更新", i), Mentions: []string{}, CreatedAt: at.Add(time.Duration(i) * time.Second)})
		if len(ms) == cap(ms) || i == n {
			if err := db.CreateInBatches(ms, 200).Error; err != nil {
				b.Fatal(err)
			}
			ms = ms[:0]
		}
	}
	if err := db.Model(&chat.Conversation{}).Where("id = ?", conv).Update("last_seq", n).Error; err != nil {
		b.Fatal(err)
	}
	var ids []string
	db.Model(&chat.Member{}).Where("conversation_id = ?", conv).Order("user_id").Pluck("user_id", &ids)
	if err := db.Model(&chat.Member{}).Where("conversation_id = ? AND user_id IN ?", conv, ids[:len(ids)/2]).Update("read_seq", n/2).Error; err != nil {
		b.Fatal(err)
	}
}

// BenchmarkChatReferenceWriteTx: the reference, measured in the same run:
// one write transaction updating one row (the floor under any send).
func BenchmarkChatReferenceWriteTx(b *testing.B) {
	benchEnvs(b, func(b *testing.B, e *servertest.Env) {
		conv, _ := seedGroup(b, e, 2)
		ctx := context.Background()
		b.ResetTimer()
		for b.Loop() {
			if err := store.WriteTx(ctx, e.Server.DB, func(tx *gorm.DB) error {
				return tx.Model(&chat.Conversation{}).Where("id = ?", conv).Update("version", gorm.Expr("version + 1")).Error
			}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "tx/s")
	})
}

// BenchmarkChatReferenceHealthz: the machine's reference, measured in the
// same run: GET /api/v1/healthz over the test server's loopback HTTP, one
// request after another (no database write; what a request costs at this
// minute's load).
func BenchmarkChatReferenceHealthz(b *testing.B) {
	benchEnvs(b, func(b *testing.B, e *servertest.Env) {
		b.ResetTimer()
		for b.Loop() {
			if r := e.Do("GET", "/api/v1/healthz", "", nil); r.Status != 200 {
				b.Fatalf("healthz: %d", r.Status)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	})
}
