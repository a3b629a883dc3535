package org

import (
	"context"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"tack/backend/apperr"
	"tack/backend/clock"
)

// Throttling of secret checks (passwords and authenticator codes).
//
// Failures are counted per key inside a sliding window: per (account, IP)
// pair, per IP, and per user for authenticator codes and password changes.
// A key gets a few free failures; after that each further attempt must wait
// a delay that doubles with every failure (1 s, 2 s, 4 s, … at most
// maxDelay). There is no hard lock of an account: a stranger failing from
// their own address slows down only their own (account, IP) pair, so they
// cannot lock the owner out, and a shared proxy address slows down but never
// shuts out the company.
//
// The per-IP count slows password spraying. It does not apply to an
// (account, IP) pair that signed in successfully within knownFor: behind an
// office proxy (one address for everyone) colleagues who have signed in
// before are not slowed by a stranger's failures, only newcomers are.
//
// An attempt is reserved (counted as a failure) before the secret is
// checked and released or cleared on success, so a burst of parallel
// attempts cannot all pass the check before the first failure is recorded.
//
// The counters live in memory: with several replicas each enforces its own
// limit, which still bounds guessing to a small multiple.
const (
	loginWindow = 15 * time.Minute
	firstDelay  = time.Second
	maxDelay    = 15 * time.Minute
	knownFor    = 30 * 24 * time.Hour
)

// Key prefixes and their free failures.
const (
	keyPair     = "p:" // account and IP of a sign-in
	keyIP       = "i:" // IP of a sign-in, whatever the account (password spraying)
	keyCode     = "c:" // authenticator codes of a user (sign-in, enable, disable)
	keyPassword = "w:" // current-password checks of a signed-in user
)

func allowance(key string) int {
	if strings.HasPrefix(key, keyIP) {
		return 20
	}
	return 5
}

// ErrRateLimited refuses an attempt while its delay runs.
var ErrRateLimited = apperr.RateLimited("auth.rate_limited", "too many failed attempts; wait a moment and try again")

type limiter struct {
	mu    sync.Mutex
	clock clock.Clock
	fails map[string][]time.Time
	known map[string]time.Time // pair key -> last successful sign-in
}

func newLimiter(clk clock.Clock) *limiter {
	return &limiter{clock: clk, fails: map[string][]time.Time{}, known: map[string]time.Time{}}
}

// isKnown reports whether pair signed in successfully within knownFor.
func (l *limiter) isKnown(pair string) bool {
	t, ok := l.known[pair]
	return ok && l.clock.Now().Sub(t) < knownFor
}

// remember marks pair as known after a successful sign-in.
func (l *limiter) remember(pair string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.clock.Now()
	if len(l.known) >= 100000 {
		for k, t := range l.known {
			if now.Sub(t) >= knownFor {
				delete(l.known, k)
			}
		}
		if len(l.known) >= 100000 {
			clear(l.known) // worst case: everyone is a newcomer again
		}
	}
	l.known[pair] = now
}

// recent prunes and returns the failures of key inside the window.
func (l *limiter) recent(key string) []time.Time {
	cut := l.clock.Now().Add(-loginWindow)
	ts := l.fails[key]
	i := 0
	for i < len(ts) && !ts[i].After(cut) {
		i++
	}
	ts = ts[i:]
	if len(ts) == 0 {
		delete(l.fails, key)
	} else {
		l.fails[key] = ts
	}
	return ts
}

// wait is how long key must still wait before its next attempt (0: go ahead).
func (l *limiter) wait(key string) time.Duration {
	ts := l.recent(key)
	over := len(ts) - allowance(key)
	if over < 0 {
		return 0
	}
	d := maxDelay
	if over < 20 {
		d = min(firstDelay<<over, maxDelay)
	}
	return max(0, ts[len(ts)-1].Add(d).Sub(l.clock.Now()))
}

// attempt is a reservation: one failure recorded under each key until it is
// released (the secret was right).
type attempt struct {
	l    *limiter
	keys []string
	at   time.Time
}

// reserve records an attempt under every key (empty keys are skipped), or
// refuses with ErrRateLimited when any key must still wait. The IP key is
// skipped when the pair key is a known one.
func (l *limiter) reserve(keys ...string) (*attempt, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	a := &attempt{l: l, at: l.clock.Now()}
	known := false
	for _, k := range keys {
		if strings.HasPrefix(k, keyPair) && l.isKnown(k) {
			known = true
		}
	}
	for _, k := range keys {
		if k == "" || strings.HasSuffix(k, ":") || (known && strings.HasPrefix(k, keyIP)) {
			continue
		}
		if w := l.wait(k); w > 0 {
			return nil, ErrRateLimited.WithRetryAfter(w)
		}
		a.keys = append(a.keys, k)
	}
	for _, k := range a.keys {
		l.fails[k] = append(l.recent(k), a.at)
	}
	if len(l.fails) > 100000 { // bound memory under a spray of random emails
		for k := range l.fails {
			l.recent(k)
		}
	}
	return a, nil
}

// release takes the attempt back (the secret was right, or was not checked)
// and forgets every failure of the keys in clear.
func (a *attempt) release(clear ...string) {
	if a == nil {
		return
	}
	l := a.l
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, k := range a.keys {
		ts := l.fails[k]
		for i := len(ts) - 1; i >= 0; i-- {
			if ts[i].Equal(a.at) {
				l.fails[k] = append(ts[:i:i], ts[i+1:]...)
				break
			}
		}
		if len(l.fails[k]) == 0 {
			delete(l.fails, k)
		}
	}
	for _, k := range clear {
		delete(l.fails, k)
	}
	a.keys = nil
}

// hashSlots bounds concurrent password hashes: each argon2id check holds
// 19 MiB and a CPU, so an unbounded burst of sign-ins would exhaust memory.
// An attempt that finds no free slot within hashWait is refused (429).
type hashSlots struct {
	slots    chan struct{}
	wait     time.Duration
	checks   atomic.Int64 // hashes computed (for tests and metrics)
	inFlight atomic.Int64
	peak     atomic.Int64
}

func newHashSlots() *hashSlots {
	return &hashSlots{slots: make(chan struct{}, max(2, runtime.NumCPU())), wait: 2 * time.Second}
}

// ErrBusy refuses a password check when every hashing slot stays taken.
var ErrBusy = apperr.RateLimited("auth.busy", "the server is busy; try again in a moment").WithRetryAfter(2 * time.Second)

// run computes fn in a slot.
func (h *hashSlots) run(ctx context.Context, fn func()) error {
	t := time.NewTimer(h.wait) // real time: this is about CPU, not the business clock
	defer t.Stop()
	select {
	case h.slots <- struct{}{}:
	case <-t.C:
		return ErrBusy
	case <-ctx.Done():
		return ErrBusy
	}
	defer func() { <-h.slots }()
	n := h.inFlight.Add(1)
	defer h.inFlight.Add(-1)
	for p := h.peak.Load(); n > p && !h.peak.CompareAndSwap(p, n); p = h.peak.Load() {
	}
	h.checks.Add(1)
	fn()
	return nil
}

// checkPassword compares pw with the encoded hash in a hashing slot.
func (s *Service) checkPassword(ctx context.Context, encoded, pw string) (bool, error) {
	var ok bool
	err := s.hashes.run(ctx, func() { ok = CheckPassword(encoded, pw) })
	return ok, err
}

// hashPassword hashes pw in a hashing slot.
func (s *Service) hashPassword(ctx context.Context, pw string) (string, error) {
	var h string
	var herr error
	if err := s.hashes.run(ctx, func() { h, herr = hashPassword(s.argon, pw) }); err != nil {
		return "", err
	}
	return h, herr
}

// PasswordWork reports how many password hashes this service has computed
// and the most it ever computed at once (tests and metrics).
func (s *Service) PasswordWork() (hashes, peak int64) {
	return s.hashes.checks.Load(), s.hashes.peak.Load()
}
