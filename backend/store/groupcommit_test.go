package store

import (
	"context"
	"sync"
	"testing"
)

// Many goroutines at once: every job is written exactly once, by one
// writer at a time, in batches no larger than Max, each job's result is
// seen by its own caller, and jobs that queued together share a batch.
func TestGroupCommitWritesEachJobOnceInBatches(t *testing.T) {
	type job struct {
		n      int
		result int
	}
	g := &GroupCommit[*job]{Max: 8}
	var (
		mu       sync.Mutex
		writing  bool
		seen     = map[int]int{}
		batches  int
		maxBatch int
	)
	release := make(chan struct{})
	write := func(ctx context.Context, batch []*job) {
		mu.Lock()
		if writing {
			t.Error("two batches written at once")
		}
		writing = true
		batches++
		maxBatch = max(maxBatch, len(batch))
		mu.Unlock()
		<-release // the first batch holds the lead while the others queue
		mu.Lock()
		for _, j := range batch {
			seen[j.n]++
			j.result = j.n * 10
		}
		writing = false
		mu.Unlock()
	}
	const n = 100
	var wg sync.WaitGroup
	started := make(chan struct{}, n)
	for i := range n {
		wg.Go(func() {
			j := &job{n: i}
			started <- struct{}{}
			g.Do(context.Background(), j, write)
			if j.result != i*10 {
				t.Errorf("job %d: result %d", i, j.result)
			}
		})
	}
	for range n {
		<-started
	}
	close(release)
	wg.Wait()
	if len(seen) != n {
		t.Fatalf("%d jobs written, want %d", len(seen), n)
	}
	for i, c := range seen {
		if c != 1 {
			t.Errorf("job %d written %d times", i, c)
		}
	}
	if maxBatch > 8 {
		t.Errorf("a batch of %d, Max is 8", maxBatch)
	}
	if batches >= n {
		t.Errorf("%d batches for %d jobs queued together: nothing was shared", batches, n)
	}
}

// A leader whose request is cancelled still writes the batch: the others
// in it are waiting for their results.
func TestGroupCommitBatchOutlivesTheLeadersContext(t *testing.T) {
	var g GroupCommit[*int]
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	v := 0
	g.Do(ctx, &v, func(ctx context.Context, batch []*int) {
		if ctx.Err() != nil {
			t.Error("the batch's context is cancelled with the leader's")
		}
		*batch[0] = 7
	})
	if v != 7 {
		t.Fatalf("result %d, want 7", v)
	}
}
