package org

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"

	"tack/backend/identity"
	"tack/backend/store"
)

// Session cache.
//
// Authenticate answers from an in-process map of session → actor instead of
// reading the session, the user and their roles on every request. It stays
// correct by these rules:
//   - Every write that changes what a session resolves to (a session ended, a
//     user deactivated, renamed, moved, given other roles or made to change
//     their password) runs in authWrite and names the user or session through
//     authChanged. While an authWrite runs, the service's own cache (on
//     SQLite: every cache of the process, as they share the one database
//     file) is bypassed; when it ends, committed or not, the named entries
//     are dropped from it.
//   - On PostgreSQL authChanged also sends NOTIFY tack_auth in the same
//     transaction, so every replica's SessionListener hears of it at commit
//     and drops the entries. A PostgreSQL replica serves from its cache only
//     while its listener has proven its connection alive within
//     listenProof; losing or replacing the connection empties the cache.
//   - A database read is kept only if no invalidation happened since it
//     began (a generation counter), so a read that raced a change cannot put
//     the old answer back.
//   - An entry is read again once it is a minute old (when the session's
//     expiry slides anyway), which bounds the damage of a missed change.
//
// Beside the sessions it keeps two per-user maps under the same rules and
// the same "u:" invalidation: display names (Names) and each signed-in
// user's own row (Profile, GET /me). So every write of a users column that
// GET /me shows names the user through authChanged; writes of hidden
// columns only (the TOTP step and pending secret) use UpdateColumns, which
// leaves updated_at alone.

const (
	// listenPing is how long the listener waits for a notification before it
	// proves its connection with a round trip.
	listenPing = 2 * time.Second
	// listenProof is how long a proof lets the replica serve from its cache.
	listenProof = 5 * time.Second
	// sessionCacheMax bounds the entries; a full cache starts over.
	sessionCacheMax = 100_000
	// authChannel is the PostgreSQL NOTIFY channel of session changes.
	authChannel = "tack_auth"
)

// sessionCaches holds every cache of the process: several servers may share
// one SQLite database in a process (tests do), and a write through one must
// reach the others' caches.
var sessionCaches sync.Map // *sessionCache → struct{}

type cachedSession struct {
	actor                      identity.Actor
	created, lastSeen, expires time.Time
}

type cachedUser struct {
	user   User // Roles not kept: the actor's are current
	readAt time.Time
}

type sessionCache struct {
	mu      sync.Mutex
	holds   atomic.Int64 // authWrites running; while not zero the cache does not answer
	gen     uint64
	entries map[string]cachedSession // by session ID (the token's hash)
	names   map[string]string        // user ID → display name (Names)
	users   map[string]cachedUser    // user ID → their own row (Profile)
	// needsProof: on PostgreSQL the cache answers only while provenUntil
	// (unix nanoseconds, real time) lies ahead.
	needsProof  bool
	provenUntil atomic.Int64
}

func newSessionCache(needsProof bool) *sessionCache {
	c := &sessionCache{entries: map[string]cachedSession{}, names: map[string]string{}, users: map[string]cachedUser{},
		needsProof: needsProof}
	sessionCaches.Store(c, struct{}{})
	return c
}

// usable reports whether the cache may answer and keep reads now.
func (c *sessionCache) usable() bool {
	if c.holds.Load() > 0 {
		return false
	}
	return !c.needsProof || time.Now().UnixNano() < c.provenUntil.Load()
}

// get returns the entry for session id when the cache may answer, and the
// generation to hand to put after a database read.
func (c *sessionCache) get(id string) (cachedSession, bool, uint64) {
	usable := c.usable()
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[id]
	return e, ok && usable, c.gen
}

// put keeps e unless an invalidation happened since gen was read.
func (c *sessionCache) put(id string, e cachedSession, gen uint64) {
	if !c.usable() {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		return
	}
	if len(c.entries) >= sessionCacheMax {
		clear(c.entries)
	}
	e.actor.Roles = slices.Clip(e.actor.Roles)
	c.entries[id] = e
}

// getNames returns the cached names of ids, the ids it lacks (all of them when
// the cache may not answer) and the generation to hand to putNames.
func (c *sessionCache) getNames(ids []string) (map[string]string, []string, uint64) {
	out := make(map[string]string, len(ids))
	if len(ids) == 0 {
		return out, nil, 0
	}
	usable := c.usable()
	c.mu.Lock()
	defer c.mu.Unlock()
	if !usable {
		return out, ids, c.gen
	}
	var missing []string
	for _, id := range ids {
		if n, ok := c.names[id]; ok {
			out[id] = n
		} else {
			missing = append(missing, id)
		}
	}
	return out, missing, c.gen
}

// putNames keeps names read from the database unless an invalidation
// happened since gen was read.
func (c *sessionCache) putNames(rows []struct{ ID, Name string }, gen uint64) {
	if !c.usable() {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		return
	}
	if len(c.names)+len(rows) > sessionCacheMax {
		clear(c.names)
	}
	for _, r := range rows {
		c.names[r.ID] = r.Name
	}
}

// getUser returns user id's cached row when the cache may answer and the
// row is younger than a minute, and the generation to hand to putUser.
func (c *sessionCache) getUser(id string) (User, bool, uint64) {
	usable := c.usable()
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.users[id]
	return e.user, ok && usable && time.Since(e.readAt) < time.Minute, c.gen
}

// putUser keeps u, read from the database at readAt, unless an
// invalidation happened since gen was read.
func (c *sessionCache) putUser(u User, readAt time.Time, gen uint64) {
	if !c.usable() {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		return
	}
	if len(c.users) >= sessionCacheMax {
		clear(c.users)
	}
	u.Roles = nil
	c.users[u.ID] = cachedUser{user: u, readAt: readAt}
}

// invalidate drops the entries named by keys: "u:<user id>" (all of that
// user's sessions), "s:<session id>", or "*" (everything).
func (c *sessionCache) invalidate(keys ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	for _, k := range keys {
		switch {
		case k == "*":
			clear(c.entries)
			clear(c.names)
			clear(c.users)
		case len(k) > 2 && k[:2] == "s:":
			delete(c.entries, k[2:])
		case len(k) > 2 && k[:2] == "u:":
			uid := k[2:]
			delete(c.names, uid)
			delete(c.users, uid)
			for id, e := range c.entries {
				if e.actor.UserID == uid {
					delete(c.entries, id)
				}
			}
		}
	}
}

// prove lets the cache answer for listenProof from now.
func (c *sessionCache) prove() { c.provenUntil.Store(time.Now().Add(listenProof).UnixNano()) }

// lost stops the cache answering and empties it.
func (c *sessionCache) lost() {
	c.provenUntil.Store(0)
	c.invalidate("*")
}

// authChanges collects the keys an authWrite's transaction named.
type authChanges struct {
	mu   sync.Mutex
	keys []string
}

type authChangesKey struct{}

var errAuthOutsideWrite = errors.New("org: a session-affecting change outside authWrite")

// authWrite runs fn in store.WriteTx for a change that alters what sessions
// resolve to; fn names what it changed through authChanged.
func (s *Service) authWrite(ctx context.Context, fn func(tx *gorm.DB) error) error {
	ch := &authChanges{}
	// PostgreSQL: this replica's cache; the others hear NOTIFY. SQLite: every
	// cache of the process.
	targets := []*sessionCache{s.sessions}
	if !s.sessions.needsProof {
		targets = targets[:0]
		sessionCaches.Range(func(c, _ any) bool {
			if !c.(*sessionCache).needsProof {
				targets = append(targets, c.(*sessionCache))
			}
			return true
		})
	}
	for _, c := range targets {
		c.holds.Add(1)
	}
	defer func() {
		ch.mu.Lock()
		keys := ch.keys
		ch.mu.Unlock()
		for _, c := range targets {
			if len(keys) > 0 {
				c.invalidate(keys...)
			}
			c.holds.Add(-1) // after the invalidation: reads during the hold carry the old generation
		}
	}()
	return store.WriteTx(context.WithValue(ctx, authChangesKey{}, ch), s.db, fn)
}

// authChanged names, inside an authWrite's transaction, the users ("u:"+id)
// or sessions ("s:"+id) whose cached actors must go; on PostgreSQL it tells
// the other replicas at commit.
func authChanged(tx *gorm.DB, keys ...string) error {
	ch, _ := tx.Statement.Context.Value(authChangesKey{}).(*authChanges)
	if ch == nil {
		return errAuthOutsideWrite
	}
	ch.mu.Lock()
	ch.keys = append(ch.keys, keys...)
	ch.mu.Unlock()
	if store.IsPostgres(tx) {
		for _, k := range keys {
			if err := tx.Exec("SELECT pg_notify(?, ?)", authChannel, k).Error; err != nil {
				return err
			}
		}
	}
	return nil
}

// SessionListener keeps a PostgreSQL replica's session cache in step with
// the changes committed on every replica (a server job; SQLite needs none).
type SessionListener struct {
	S   *Service
	DSN string
}

// Serve listens until ctx ends, reconnecting after errors; while it has no
// proven connection the cache does not answer.
func (l SessionListener) Serve(ctx context.Context) error {
	c := l.S.sessions
	for ctx.Err() == nil {
		err := c.listenOnce(ctx, l.DSN)
		c.lost()
		if ctx.Err() != nil {
			return nil
		}
		slog.Warn("org: session listener", "err", err)
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
	return nil
}

func (c *sessionCache) listenOnce(ctx context.Context, dsn string) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN "+authChannel); err != nil {
		return err
	}
	// Changes before LISTEN were never heard of: start empty.
	c.invalidate("*")
	c.prove()
	for {
		wctx, cancel := context.WithTimeout(ctx, listenPing)
		n, err := conn.WaitForNotification(wctx)
		cancel()
		switch {
		case err == nil:
			c.invalidate(n.Payload)
			c.prove()
		case ctx.Err() != nil:
			return nil
		case pgconn.Timeout(err):
			pctx, cancel := context.WithTimeout(ctx, listenPing)
			_, err := conn.Exec(pctx, "SELECT 1")
			cancel()
			if err != nil {
				return err
			}
			drainNotifications(ctx, conn, c)
			c.prove()
		default:
			return err
		}
	}
}

// drainNotifications applies the notifications pgx buffered while it read
// another answer (a wait on a done context returns only those).
func drainNotifications(ctx context.Context, conn *pgx.Conn, c *sessionCache) {
	done, cancel := context.WithCancel(ctx)
	cancel()
	for {
		n, _ := conn.WaitForNotification(done)
		if n == nil {
			return
		}
		c.invalidate(n.Payload)
	}
}
