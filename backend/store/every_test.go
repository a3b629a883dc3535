package store_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"tack/backend/store"
)

// TestEveryRunsAtOnceRepeatsAndStops: the first run does not wait for the
// interval, an error does not end the loop, and the end of ctx does.
func TestEveryRunsAtOnceRepeatsAndStops(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var runs atomic.Int32
	done := make(chan error, 1)
	go func() {
		done <- store.Every(ctx, time.Millisecond, "test job", func(context.Context) error {
			if runs.Add(1) >= 3 {
				cancel()
			}
			return errors.New("failing runs go on")
		})
	}()
	select {
	case err := <-done:
		if err != nil || runs.Load() < 3 {
			t.Fatalf("Every returned %v after %d runs", err, runs.Load())
		}
	case <-time.After(time.Minute):
		t.Fatal("Every did not stop when ctx ended")
	}
}
