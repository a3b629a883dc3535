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
func NewHub() *Hub { return &Hub{subs: map[*Subscription]struct{}{}} }

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
}

// Close unregisters the subscriber.
func (s *Subscription) Close() {
	s.hub.mu.Lock()
	delete(s.hub.subs, s)
	s.hub.mu.Unlock()
}

// Online reports whether userID has a live subscriber on this process.
func (h *Hub) Online(userID string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs {
		if s.UserID == userID {
			return true
		}
	}
	return false
}

// Publish delivers ev to the subscribers among its recipients. A subscriber
// whose buffer is full misses it live; it gets it on reconnect (replay).
func (h *Hub) Publish(ev Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if ev.Type == TypeStreamsClosed {
		for s := range h.subs {
			if closes(ev, s) {
				close(s.C)
				delete(h.subs, s)
			}
		}
		return
	}
	for s := range h.subs {
		if !slices.Contains(ev.Recipients, s.UserID) {
			continue
		}
		select {
		case s.C <- ev:
		default:
		}
	}
}
