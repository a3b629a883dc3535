package api

import (
	"net/http"
	"sync"
	"time"

	"tack/backend/apperr"
)

// Default caps of open event streams (GET /api/v1/events) on one server
// process. Each stream holds a goroutine, a buffered channel and a
// connection until the client leaves; without a cap one account (or a
// script with a stolen token) could open them until the process runs out
// of memory or file descriptors. A person has a few tabs, the desktop
// client and a phone.
const (
	DefaultMaxEventStreamsPerUser = 8
	DefaultMaxEventStreams        = 2000
)

var (
	errTooManyUserStreams = apperr.RateLimited("events.too_many_streams", "too many open live connections for this account; close some tabs or windows").WithRetryAfter(30 * time.Second)
	errTooManyStreams     = apperr.RateLimited("events.server_busy", "the server has too many live connections; try again later").WithRetryAfter(30 * time.Second)
)

// streamLimiter counts the open event streams of this process, per user and
// in total.
type streamLimiter struct {
	mu         sync.Mutex
	perUser    map[string]int
	total      int
	maxPerUser int
	maxTotal   int
}

func newStreamLimiter(maxPerUser, maxTotal int) *streamLimiter {
	if maxPerUser <= 0 {
		maxPerUser = DefaultMaxEventStreamsPerUser
	}
	if maxTotal <= 0 {
		maxTotal = DefaultMaxEventStreams
	}
	return &streamLimiter{perUser: map[string]int{}, maxPerUser: maxPerUser, maxTotal: maxTotal}
}

// acquire takes a slot for userID, or says why there is none.
func (l *streamLimiter) acquire(userID string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.perUser[userID] >= l.maxPerUser {
		return errTooManyUserStreams
	}
	if l.total >= l.maxTotal {
		return errTooManyStreams
	}
	l.perUser[userID]++
	l.total++
	return nil
}

// release gives back a slot taken by acquire.
func (l *streamLimiter) release(userID string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.total--
	if l.perUser[userID]--; l.perUser[userID] <= 0 {
		delete(l.perUser, userID)
	}
}

// openStream takes a stream slot for userID; when there is none it answers
// 429 (with Retry-After, as every 429) and returns false. The caller defers release.
func (h *Handler) openStream(w http.ResponseWriter, r *http.Request, userID string) bool {
	if err := h.streams.acquire(userID); err != nil {
		writeError(w, r, err)
		return false
	}
	return true
}
