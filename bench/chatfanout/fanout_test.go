// Package chatfanout measures chat delivery over real event streams: 1,000
// clients hold GET /api/v1/events open over HTTP (one TCP connection each),
// 500 of them are members of one group, and a message to the group is timed
// from the send until each member's stream has read it. Run on one server
// (SQLite, PostgreSQL) and on two servers sharing PostgreSQL, the clients
// split between them and the message sent on the first (it reaches the
// second through the events table and LISTEN/NOTIFY).
//
//	TACK_TEST_POSTGRES_DSN='postgres://postgres@127.0.0.1:5432/test?sslmode=disable' \
//	  go test -run '^$' -bench . -benchtime 20x -timeout 30m ./bench/chatfanout/
//
// Results: bench/RESULTS.md, "Chat fan-out over SSE".
package chatfanout

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"tack/backend/chat"
	"tack/backend/identity"
	"tack/backend/org"
	"tack/backend/server"
	"tack/backend/server/servertest"
	"tack/backend/store"
)

const (
	clients = 1000
	members = 500
)

func BenchmarkChatFanoutSSE(b *testing.B) {
	b.Run("sqlite/one-server", func(b *testing.B) { run(b, servertest.New(b), false) })
	b.Run("postgres/one-server", func(b *testing.B) { run(b, servertest.NewPostgres(b), false) })
	b.Run("postgres/two-servers", func(b *testing.B) { run(b, servertest.NewPostgres(b), true) })
}

// person is a seeded account with a session token.
type person struct {
	actor identity.Actor
	token string
}

// seed makes n active people with a session each (straight into the tables:
// signing in 1,000 people is not what is measured) and a temporary group of
// the first m, owned by the first.
func seed(b *testing.B, e *servertest.Env, n, m int) (string, []person) {
	b.Helper()
	db := e.Server.DB
	now := e.Clock.Now()
	root := org.Department{ID: store.NewID(), Name: "Co", Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := db.Create(&root).Error; err != nil {
		b.Fatal(err)
	}
	users := make([]org.User, n)
	sessions := make([]org.Session, n)
	people := make([]person, n)
	tag := store.NewID()
	for i := range users {
		users[i] = org.User{ID: store.NewID(), Email: fmt.Sprintf("u%d-%s@bench", i, tag), Name: fmt.Sprint("同事", i),
			DepartmentID: root.ID, Active: true, Version: 1, CreatedAt: now, UpdatedAt: now}
		var raw [32]byte
		_, _ = rand.Read(raw[:])
		token := base64.RawURLEncoding.EncodeToString(raw[:])
		sum := sha256.Sum256([]byte(token)) // as org stores a session: the token's hash
		sessions[i] = org.Session{ID: hex.EncodeToString(sum[:]), UserID: users[i].ID, CreatedAt: now, LastSeenAt: now,
			ExpiresAt: now.Add(30 * 24 * time.Hour)}
		people[i] = person{actor: identity.Actor{UserID: users[i].ID, Name: users[i].Name}, token: token}
	}
	for _, batch := range []any{users, sessions} {
		if err := db.CreateInBatches(batch, 200).Error; err != nil {
			b.Fatal(err)
		}
	}
	c := chat.Conversation{ID: store.NewID(), Kind: chat.KindTemporary, Name: "fan-out", OwnerID: users[0].ID,
		PostPolicy: chat.PolicyAll, AddPolicy: chat.PolicyAll, Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := db.Create(&c).Error; err != nil {
		b.Fatal(err)
	}
	ms := make([]chat.Member, m)
	for i := range ms {
		role := chat.RoleMember
		if i == 0 {
			role = chat.RoleOwner
		}
		ms[i] = chat.Member{ConversationID: c.ID, UserID: users[i].ID, Role: role, JoinedAt: now}
	}
	if err := db.CreateInBatches(ms, 200).Error; err != nil {
		b.Fatal(err)
	}
	return c.ID, people
}

// arrival is one stream reading the awaited message.
type arrival struct {
	member bool
	after  time.Duration
}

func run(b *testing.B, e *servertest.Env, twoServers bool) {
	conv, people := seed(b, e, clients, members)
	ctx, cancel := context.WithCancel(context.Background())
	var jobs sync.WaitGroup
	defer func() { cancel(); jobs.Wait() }()
	servers := []*server.Server{e.Server}
	urls := []string{e.HTTP.URL}
	if twoServers {
		s2, h2, _ := e.Replica(b, "fanout")
		servers, urls = append(servers, s2), append(urls, h2.URL)
	}
	for _, s := range servers { // each replica delivers to its own streams
		jobs.Add(1)
		go func() { defer jobs.Done(); _ = s.Notify.NewDispatcher().Serve(ctx) }()
	}

	// Every client's stream; each reports the line carrying the awaited
	// body (unique per round) with the time since the round started.
	var want atomic.Pointer[string]
	var start atomic.Int64
	got := make(chan arrival, clients)
	tr := &http.Transport{MaxIdleConnsPerHost: clients, DisableCompression: true}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr}
	var connected sync.WaitGroup
	var failed atomic.Int32
	for i, p := range people {
		connected.Add(1)
		go func() {
			ok := false
			defer func() {
				if !ok {
					failed.Add(1)
					connected.Done()
				}
			}()
			req, _ := http.NewRequestWithContext(ctx, "GET", urls[i%len(urls)]+"/api/v1/events", nil)
			req.Header.Set("Authorization", "Bearer "+p.token)
			resp, err := hc.Do(req)
			if err != nil {
				return
			}
			defer resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				return
			}
			r := bufio.NewReaderSize(resp.Body, 16<<10)
			for {
				line, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if !ok && strings.HasPrefix(line, ": connected") { // subscribed (the server writes it after Subscribe)
					ok = true
					connected.Done()
				}
				if w := want.Load(); w != nil && strings.HasPrefix(line, "data: ") && strings.Contains(line, *w) {
					got <- arrival{member: i < members, after: time.Duration(time.Now().UnixNano() - start.Load())}
				}
			}
		}()
	}
	connected.Wait()
	if n := failed.Load(); n > 0 {
		b.Fatalf("%d of %d streams did not connect", n, clients)
	}
	var lat []time.Duration
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		body := fmt.Sprintf("全体注意 %d %s", i, store.NewID())
		want.Store(&body)
		start.Store(time.Now().UnixNano())
		if _, err := servers[0].Chat.Send(ctx, people[0].actor, conv, chat.SendRequest{ClientKey: body, Body: body}); err != nil {
			b.Fatal(err)
		}
		timeout := time.After(2 * time.Minute)
		for n := 0; n < members; n++ {
			select {
			case a := <-got:
				if !a.member {
					b.Fatal("a client outside the group received its message")
				}
				lat = append(lat, a.after)
			case <-timeout:
				b.Fatalf("round %d: %d of %d members received the message in 2 minutes", i, n, members)
			}
		}
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "max-ms")
	b.ReportMetric(float64(clients), "streams")
}
