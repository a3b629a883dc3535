package syncagent

import (
	"context"
	"io"
	gosync "sync"
	"time"
)

// RateLimiter is a token bucket shared by all transfers of an engine:
// Rate bytes per second with a burst of one second's worth (at least 256 KiB
// so a whole chunk fits). A zero Rate means unlimited. Rate can be changed
// while running.
type RateLimiter struct {
	mu     gosync.Mutex
	rate   float64
	tokens float64
	last   time.Time
}

// NewRateLimiter returns a limiter of bytesPerSec (0 = unlimited).
func NewRateLimiter(bytesPerSec int64) *RateLimiter {
	l := &RateLimiter{rate: float64(bytesPerSec), last: time.Now()}
	l.tokens = l.burst() // start full: the first chunk goes at once
	return l
}

// SetRate changes the limit (0 = unlimited).
func (l *RateLimiter) SetRate(bytesPerSec int64) {
	l.mu.Lock()
	l.rate = float64(bytesPerSec)
	l.mu.Unlock()
}

// Rate is the current limit in bytes per second (0 = unlimited).
func (l *RateLimiter) Rate() int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return int64(l.rate)
}

func (l *RateLimiter) burst() float64 { return max(l.rate, 256<<10) }

// Wait blocks until n bytes may pass.
func (l *RateLimiter) Wait(ctx context.Context, n int) error {
	if l == nil {
		return nil
	}
	for {
		l.mu.Lock()
		if l.rate <= 0 {
			l.mu.Unlock()
			return nil
		}
		now := time.Now()
		l.tokens = min(l.burst(), l.tokens+now.Sub(l.last).Seconds()*l.rate)
		l.last = now
		need := min(float64(n), l.burst())
		if l.tokens >= need {
			l.tokens -= float64(n) // may go negative for n > burst: later callers wait it off
			l.mu.Unlock()
			return nil
		}
		wait := time.Duration((need - l.tokens) / l.rate * float64(time.Second))
		l.mu.Unlock()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
	}
}

// Reader throttles reads from r.
func (l *RateLimiter) Reader(ctx context.Context, r io.ReadCloser) io.ReadCloser {
	return &limitedReader{ctx: ctx, l: l, r: r}
}

type limitedReader struct {
	ctx context.Context
	l   *RateLimiter
	r   io.ReadCloser
}

func (lr *limitedReader) Read(p []byte) (int, error) {
	if len(p) > 64<<10 {
		p = p[:64<<10]
	}
	n, err := lr.r.Read(p)
	if n > 0 {
		if werr := lr.l.Wait(lr.ctx, n); werr != nil {
			return n, werr
		}
	}
	return n, err
}

func (lr *limitedReader) Close() error { return lr.r.Close() }
