package notify

import (
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"
)

// cursor walks the events table in ID order for the dispatcher, and
// remembers above its safe mark what it has handled and what it still
// waits for.
//
// Outbox gaps: on PostgreSQL an ID is allocated before commit, so a lower ID
// can become visible after a higher one (or never, after a rollback). The
// cursor reads new events above the highest ID it has seen (hi), looks
// again for the IDs it skipped (the gaps below hi), and advances the safe
// mark past a missing ID only once the gap has been seen for the grace
// period. A gap never holds up the events after it: reading on from hi
// rather than from the safe mark is what keeps delivery on time while a
// slow transaction or a rollback leaves a hole under load.
//
// An event that is visible but not ready (a replica that does not write
// notifications waits for the writer to mark the event dispatched) is held:
// looked at again on every pass, and waited for without a grace period.
type cursor struct {
	safe    int64               // every ID <= safe is done or given up
	hi      int64               // the highest ID seen; every ID in (safe, hi] is in done, gapSeen or held
	done    map[int64]bool      // handled IDs above safe
	gapSeen map[int64]time.Time // IDs above safe and below hi not seen yet, and since when
	held    map[int64]bool      // IDs seen but not ready yet
	started bool
}

func (c *cursor) start(mark int64) {
	*c = cursor{safe: mark, hi: mark, done: map[int64]bool{}, gapSeen: map[int64]time.Time{}, held: map[int64]bool{}, started: true}
}

// pass hands the events visible now that ready accepts to handle, in
// batches in ID order, and returns how many it handled. When handle fails
// nothing of its batch counts as done, so the next pass offers it again.
func (c *cursor) pass(db *gorm.DB, grace time.Duration, ready func(Event) bool, handle func([]Event) error) (int, error) {
	n := 0
	// The waited-for IDs first: an event that committed late is the oldest one due.
	if len(c.gapSeen)+len(c.held) > 0 {
		ids := make([]int64, 0, len(c.gapSeen)+len(c.held))
		for id := range c.gapSeen {
			ids = append(ids, id)
		}
		for id := range c.held {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		for chunk := range slices.Chunk(ids, 500) {
			var evs []Event
			if err := db.Where("id IN ?", chunk).Order("id").Find(&evs).Error; err != nil {
				return n, fmt.Errorf("notify: read events: %w", err)
			}
			ok := split(evs, ready)
			if err := handle(ok); err != nil {
				return n, err
			}
			for _, ev := range evs {
				delete(c.gapSeen, ev.ID)
				c.held[ev.ID] = true
			}
			for _, ev := range ok {
				delete(c.held, ev.ID)
				c.done[ev.ID] = true
			}
			n += len(ok)
		}
	}
	for {
		var evs []Event
		if err := db.Where("id > ?", c.hi).Order("id").Limit(500).Find(&evs).Error; err != nil {
			return n, fmt.Errorf("notify: read events: %w", err)
		}
		ok := split(evs, ready)
		if err := handle(ok); err != nil {
			return n, err
		}
		now := time.Now() // wall time: a gap is about commit latency, not the business clock
		for _, ev := range evs {
			// A hole wider than maxGap is not transactions still in
			// flight (pruned or restored events): skip it, do not wait.
			for id := max(c.hi+1, ev.ID-maxGap); id < ev.ID; id++ {
				c.gapSeen[id] = now
			}
			c.held[ev.ID] = true
			c.hi = ev.ID
		}
		for _, ev := range ok {
			delete(c.held, ev.ID)
			c.done[ev.ID] = true
		}
		n += len(ok)
		if len(evs) < 500 {
			break
		}
	}
	c.advance(grace)
	return n, nil
}

// split returns the events ready accepts (all of them when ready is nil).
func split(evs []Event, ready func(Event) bool) []Event {
	if ready == nil {
		return evs
	}
	ok := make([]Event, 0, len(evs))
	for _, ev := range evs {
		if ready(ev) {
			ok = append(ok, ev)
		}
	}
	return ok
}

// maxGap bounds the IDs below a new event that are waited for as gaps.
const maxGap = 10_000

// advance moves the safe mark over done IDs and over gaps older than grace.
func (c *cursor) advance(grace time.Duration) {
	now := time.Now()
	for c.safe < c.hi {
		next := c.safe + 1
		first, waiting := c.gapSeen[next]
		switch {
		case c.done[next]:
			delete(c.done, next)
		case c.held[next]:
			return
		case waiting && now.Sub(first) >= grace:
			delete(c.gapSeen, next)
		case waiting:
			return
		} // neither: part of a hole wider than maxGap, not waited for
		c.safe = next
	}
}
