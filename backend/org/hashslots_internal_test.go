package org

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// More password checks than slots: the excess waits for a slot, and one that
// finds none within the wait is refused with auth.busy instead of adding
// another 19 MiB hash.
func TestHashSlotsBoundConcurrentHashes(t *testing.T) {
	t.Parallel()
	h := newHashSlots()
	h.wait = 50 * time.Millisecond
	n := cap(h.slots)
	release := make(chan struct{})
	started := make(chan struct{}, 3*n)
	var wg sync.WaitGroup
	errs := make(chan error, 3*n)
	for i := 0; i < 3*n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- h.run(context.Background(), func() { started <- struct{}{}; <-release })
		}()
	}
	for i := 0; i < n; i++ {
		<-started // every slot taken
	}
	busy := 0
	for i := 0; i < 2*n; i++ { // the rest give up while the slots stay taken
		if err := <-errs; !errors.Is(err, ErrBusy) {
			t.Fatalf("got %v, want ErrBusy", err)
		}
		busy++
	}
	close(release)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if h.peak.Load() != int64(n) || h.checks.Load() != int64(n) || busy != 2*n {
		t.Fatalf("peak %d, hashes %d, busy %d (slots %d)", h.peak.Load(), h.checks.Load(), busy, n)
	}
}
