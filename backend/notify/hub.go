package notify

import (
	"slices"
	"sync"
)

// Hub fans events out to live subscribers of this process. The dispatcher
// publishes each event once it is visible in the table; subscribers filter by
// recipient.
type Hub struct {
	mu     sync.Mutex
	subs   map[*Subscription]struct{}
	byUser map[string][]*Subscription // the same subscriptions, by recipient
	closed bool
}

// Subscription receives the events addressed to one user. C is closed when
// the hub shuts down or the user's session ends (TypeStreamsClosed).
type Subscription struct {
	UserID    string
	SessionID string // the session that opened it ("" when unknown)
	C         chan Event
	hub       *Hub
}

// NewHub returns an empty hub.
func NewHub() *Hub {
	return &Hub{subs: map[*Subscription]struct{}{}, byUser: map[string][]*Subscription{}}
}

// Subscribe registers a live subscriber for userID.
func (h *Hub) Subscribe(userID string) *Subscription { return h.SubscribeSession(userID, "") }

// SubscribeSession registers a live subscriber for userID opened by the
// session sessionID, so revoking that session closes it.
func (h *Hub) SubscribeSession(userID, sessionID string) *Subscription {
	s := &Subscription{UserID: userID, SessionID: sessionID, C: make(chan Event, 256), hub: h}
	h.mu.Lock()
	if h.closed {
		close(s.C)
	} else {
		h.subs[s] = struct{}{}
		h.byUser[userID] = append(h.byUser[userID], s)
	}
	h.mu.Unlock()
	return s
}

// Close ends every subscription (their channels close, so SSE streams
// finish) and refuses new ones: the server is shutting down.
func (h *Hub) Close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return
	}
	h.closed = true
	for s := range h.subs {
		close(s.C)
	}
	clear(h.subs)
	clear(h.byUser)
}

// drop unregisters s; the caller holds mu.
func (h *Hub) drop(s *Subscription) {
	if _, ok := h.subs[s]; !ok {
		return
	}
	delete(h.subs, s)
	l := slices.DeleteFunc(h.byUser[s.UserID], func(x *Subscription) bool { return x == s })
	if len(l) == 0 {
		delete(h.byUser, s.UserID)
	} else {
		h.byUser[s.UserID] = l
	}
}

// Close unregisters the subscriber.
func (s *Subscription) Close() {
	s.hub.mu.Lock()
	s.hub.drop(s)
	s.hub.mu.Unlock()
}

// Online reports whether userID has a live subscriber on this process.
func (h *Hub) Online(userID string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.byUser[userID]) > 0
}

// Publish delivers ev to the subscribers among its recipients and never
// waits for one. A subscriber whose buffer is full (a client that stopped
// reading) is closed instead of silently missing the event: its stream ends,
// the client reconnects with Last-Event-ID and the replay gives it what it
// missed, so nothing is lost and a slow client cannot hold up the others.
func (h *Hub) Publish(ev Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if ev.Type == TypeStreamsClosed {
		for s := range h.subs {
			if closes(ev, s) {
				close(s.C)
				h.drop(s)
			}
		}
		return
	}
	for i, uid := range ev.Recipients {
		if slices.Contains(ev.Recipients[:i], uid) {
			continue
		}
		for _, s := range slices.Clone(h.byUser[uid]) {
			select {
			case s.C <- ev:
			default:
				close(s.C)
				h.drop(s)
			}
		}
	}
}
