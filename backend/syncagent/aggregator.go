package syncagent

import (
	"context"
	"sort"
	gosync "sync"
	"time"
)

// Not meant to be changed, but must be changeable for tests.
var (
	// notifyQuiet is how long a path must be quiet before it is scanned.
	notifyQuiet = 300 * time.Millisecond
	// notifyMax is the longest a busy path waits before it is scanned anyway.
	notifyMax = 3 * time.Second
	// maxFilesPerDir: above this many dirty children, the directory is scanned instead.
	maxFilesPerDir = 128
	// maxFiles: above this many dirty paths, the whole folder is scanned.
	maxFiles = 512
)

type pending struct {
	first, last time.Time
	rename      bool // renamed away: waits for its new name (AddRename)
}

// aggregator debounces raw change notifications per path: a path is handed
// on after notifyQuiet without new events, or after notifyMax at most while
// it keeps changing. Many paths in one directory collapse to the directory,
// too many paths collapse to the whole folder ("").
type aggregator struct {
	mu    gosync.Mutex
	paths map[string]*pending
	kick  chan struct{}
	out   chan []string
	now   func() time.Time
	// lastAdd is the time of the latest event of any path.
	lastAdd time.Time
}

// newAggregator returns an aggregator; read batches from C.
func newAggregator() *aggregator {
	return &aggregator{paths: map[string]*pending{}, kick: make(chan struct{}, 1), out: make(chan []string, 16), now: time.Now}
}

// C delivers batches of dirty paths (slash separated, relative; "" = everything).
func (a *aggregator) C() <-chan []string { return a.out }

// Add notes a change at p.
func (a *aggregator) Add(p string) {
	now := a.now()
	a.mu.Lock()
	if pd := a.paths[p]; pd != nil {
		pd.last = now
	} else {
		a.paths[p] = &pending{first: now, last: now}
	}
	a.lastAdd = now
	a.mu.Unlock()
	a.poke()
}

// AddRename notes that p was renamed away. Its new name is another event,
// which the watcher reports only once the watch on a moved folder is set
// up; were the two debounced apart, the pass seeing the new name alone
// would upload it as new. So p waits until the events after it are quiet
// (notifyMax at most, when nothing follows: moved out of the folder), and
// goes with everything pending then: both names reach one pass, which sees
// the move.
func (a *aggregator) AddRename(p string) {
	now := a.now()
	a.mu.Lock()
	pd := a.paths[p]
	if pd == nil {
		pd = &pending{first: now}
		a.paths[p] = pd
	}
	pd.last, pd.rename = now, true
	a.lastAdd = now
	a.mu.Unlock()
	a.poke()
}

// AddNow marks p dirty and hands it on without debounce (overflow, failed watch).
func (a *aggregator) AddNow(p string) {
	old := a.now().Add(-notifyMax - time.Second)
	a.mu.Lock()
	a.paths[p] = &pending{first: old, last: old}
	a.mu.Unlock()
	a.poke()
}

func (a *aggregator) poke() {
	select {
	case a.kick <- struct{}{}:
	default:
	}
}

// Serve runs the debounce loop until ctx ends.
func (a *aggregator) Serve(ctx context.Context) error {
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		batch, wait := a.due()
		if len(batch) > 0 {
			select {
			case a.out <- batch:
			case <-ctx.Done():
				return ctx.Err()
			}
			continue
		}
		timer.Reset(wait)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-a.kick:
		case <-timer.C:
		}
	}
}

// due pops the paths that are ready and says how long until the next one is.
func (a *aggregator) due() ([]string, time.Duration) {
	now := a.now()
	a.mu.Lock()
	defer a.mu.Unlock()
	var ready []string
	wait := time.Hour
	renamed := false
	for p, pd := range a.paths {
		deadline := pd.last.Add(notifyQuiet)
		if pd.rename {
			deadline = pd.first.Add(notifyMax) // until its new name shows up
			if a.lastAdd.After(pd.last) {
				deadline = a.lastAdd.Add(notifyQuiet)
			}
		}
		if hard := pd.first.Add(notifyMax); hard.Before(deadline) {
			deadline = hard
		}
		if !deadline.After(now) {
			ready = append(ready, p)
			delete(a.paths, p)
			renamed = renamed || pd.rename
		} else if d := deadline.Sub(now); d < wait {
			wait = d
		}
	}
	if renamed { // the new name goes with the old one, whatever its own debounce
		for p := range a.paths {
			ready = append(ready, p)
			delete(a.paths, p)
		}
	}
	return collapse(ready), wait
}

// collapse applies the per-directory and total limits.
func collapse(paths []string) []string {
	if len(paths) == 0 {
		return nil
	}
	if len(paths) > maxFiles {
		return []string{""}
	}
	perDir := map[string]int{}
	for _, p := range paths {
		perDir[parentOf(p)]++
	}
	seen := map[string]bool{}
	var out []string
	for _, p := range paths {
		if d := parentOf(p); perDir[d] > maxFilesPerDir {
			p = d
		}
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	out = minimalSubtrees(out)
	sort.Strings(out)
	return out
}
