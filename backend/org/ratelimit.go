package org

import (
	"sync"
	"time"

	"tack/backend/clock"
)

// Login throttling: failures within the window count; reaching the limit
// refuses further attempts (even correct ones) until old failures age out.
// The counters live in memory: with several replicas each enforces its own
// limit, which still bounds guessing to a small multiple.
const (
	loginWindow       = 15 * time.Minute
	loginLimitByEmail = 5
	loginLimitByIP    = 20
)

type limiter struct {
	mu    sync.Mutex
	clock clock.Clock
	fails map[string][]time.Time
}

func newLimiter(clk clock.Clock) *limiter {
	return &limiter{clock: clk, fails: map[string][]time.Time{}}
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

// blocked reports whether email or ip has used up its failures.
func (l *limiter) blocked(email, ip string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.recent("e:"+email)) >= loginLimitByEmail || (ip != "" && len(l.recent("i:"+ip)) >= loginLimitByIP)
}

// fail records a failed attempt for email and ip.
func (l *limiter) fail(email, ip string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.clock.Now()
	l.fails["e:"+email] = append(l.recent("e:"+email), now)
	if ip != "" {
		l.fails["i:"+ip] = append(l.recent("i:"+ip), now)
	}
	if len(l.fails) > 100000 { // bound memory under a spray of random emails
		for k := range l.fails {
			l.recent(k)
		}
	}
}

// succeed forgets the failures of email (not of the IP).
func (l *limiter) succeed(email string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.fails, "e:"+email)
}
