// Package clock is the only source of "now" for domain services, so tests can
// move time (SLA timers, reminders, DING escalation) without sleeping.
package clock

import (
	"sync"
	"time"
)

// Clock tells the time.
type Clock interface {
	Now() time.Time
}

// Real is the wall clock. It returns UTC truncated to microseconds because
// PostgreSQL keeps microseconds and SQLite compares times as text: one
// precision and one zone make both stores agree.
type Real struct{}

// Now returns the current UTC time.
func (Real) Now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// Fake is a settable clock for tests. The zero value starts at 2026-01-05 09:00 UTC (a Monday).
type Fake struct {
	mu sync.Mutex
	t  time.Time
}

// NewFake returns a fake clock set to t.
func NewFake(t time.Time) *Fake { return &Fake{t: t.UTC()} }

// Now returns the fake time.
func (f *Fake) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.t.IsZero() {
		f.t = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	}
	return f.t
}

// Advance moves the fake time forward by d.
func (f *Fake) Advance(d time.Duration) {
	now := f.Now()
	f.mu.Lock()
	f.t = now.Add(d)
	f.mu.Unlock()
}

// Set moves the fake time to t.
func (f *Fake) Set(t time.Time) {
	f.mu.Lock()
	f.t = t.UTC()
	f.mu.Unlock()
}
