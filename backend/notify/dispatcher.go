package notify

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"tack/backend/store"
)

// Dispatcher reads new events in ID order, turns them into notifications
// (exactly once across replicas: unique (event_id, user_id) + ON CONFLICT DO
// NOTHING) and fans them out to this process's live subscribers.
//
// Outbox gaps: on PostgreSQL an ID is allocated before commit, so a lower ID
// can become visible after a higher one (or never, after a rollback). The
// dispatcher reads new events above the highest ID it has seen (hi), looks
// again for the IDs it skipped (the gaps below hi), and advances the safe
// mark (saved for restarts) past a missing ID only once the gap has been
// seen for GapGrace. A gap never holds up the events after it: reading on
// from hi rather than from the safe mark is what keeps delivery on time
// while a slow transaction or a rollback leaves a hole under load.
type Dispatcher struct {
	S        *Service
	Interval time.Duration // poll interval (default 2 s when woken at commit, else 250 ms)
	GapGrace time.Duration // how long a missing ID may still appear (default 10 s)
	// DB is the dispatcher's own small pool (nil: the service's), so its
	// reads and inserts do not queue behind the requests whose events it
	// delivers. Commit wake-ups still come from the service's pool.
	DB *gorm.DB

	safe    int64               // every ID <= safe is done or given up
	hi      int64               // the highest ID seen; every ID in (safe, hi] is in done or gapSeen
	done    map[int64]bool      // processed IDs above safe
	gapSeen map[int64]time.Time // IDs above safe and below hi not seen yet, and since when
	started bool
}

// NewDispatcher returns a dispatcher with the defaults.
func (s *Service) NewDispatcher() *Dispatcher { return &Dispatcher{S: s} }

const stateDispatched = "dispatched"

// Serve runs until ctx ends: wakes on PostgreSQL NOTIFY (events inserted by
// any replica) or SQLite's commit signal, and polls every Interval. When ctx ends it closes
// the hub, so open SSE streams end and the HTTP server can shut down.
func (d *Dispatcher) Serve(ctx context.Context) error {
	defer d.S.hub.Close()
	// Woken at commit (PostgreSQL: LISTEN, from any replica; SQLite: the
	// pool's commit signal), the dispatcher polls only as a safety net.
	iv, woken := d.Interval, false
	wake := make(chan struct{}, 1)
	if d.S.cfg.DSN != "" && store.IsPostgres(d.S.db) {
		go listen(ctx, d.S.cfg.DSN, wake)
		woken = true
	}
	commits, stop := store.CommitWake(d.S.db)
	defer stop()
	woken = woken || commits != nil
	if iv <= 0 {
		iv = 250 * time.Millisecond
		if woken {
			iv = 2 * time.Second
		}
	}
	t := time.NewTicker(iv)
	defer t.Stop()
	for {
		if _, err := d.RunOnce(ctx); err != nil && ctx.Err() == nil {
			slog.Error("notify: dispatch", "err", err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		case <-wake:
		case <-commits:
		}
	}
}

// RunOnce handles the events visible now and returns how many it processed.
func (d *Dispatcher) RunOnce(ctx context.Context) (int, error) {
	pool := d.DB
	if pool == nil {
		pool = d.S.db
	}
	db := pool.WithContext(ctx)
	if !d.started {
		// Start from the shared mark so a restart does not redo old events
		// (redoing would be harmless: inserts are idempotent).
		var last int64
		if err := db.Raw("SELECT COALESCE(MAX(last_id), 0) FROM notify_state WHERE name = ?", stateDispatched).Scan(&last).Error; err != nil {
			return 0, fmt.Errorf("notify: read dispatch mark: %w", err)
		}
		d.safe, d.hi, d.done, d.gapSeen, d.started = last, last, map[int64]bool{}, map[int64]time.Time{}, true
	}
	n := 0
	// The gaps first: an event that committed late is the oldest one due.
	if len(d.gapSeen) > 0 {
		ids := make([]int64, 0, len(d.gapSeen))
		for id := range d.gapSeen {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		for chunk := range slices.Chunk(ids, 500) {
			var evs []Event
			if err := db.Where("id IN ?", chunk).Order("id").Find(&evs).Error; err != nil {
				return n, fmt.Errorf("notify: read events: %w", err)
			}
			if err := d.S.deliver(db, evs); err != nil {
				return n, err
			}
			for _, ev := range evs {
				delete(d.gapSeen, ev.ID)
				d.done[ev.ID] = true
			}
			n += len(evs)
		}
	}
	for {
		var evs []Event
		if err := db.Where("id > ?", d.hi).Order("id").Limit(500).Find(&evs).Error; err != nil {
			return n, fmt.Errorf("notify: read events: %w", err)
		}
		if err := d.S.deliver(db, evs); err != nil {
			return n, err
		}
		now := time.Now() // wall time: a gap is about commit latency, not the business clock
		for _, ev := range evs {
			// A hole wider than maxGap is not transactions still in
			// flight (pruned or restored events): skip it, do not wait.
			for id := max(d.hi+1, ev.ID-maxGap); id < ev.ID; id++ {
				d.gapSeen[id] = now
			}
			d.done[ev.ID] = true
			d.hi = ev.ID
		}
		n += len(evs)
		if len(evs) < 500 {
			break
		}
	}
	old := d.safe
	d.advance()
	if d.safe != old {
		if err := d.saveMark(db); err != nil {
			return n, err
		}
	}
	return n, nil
}

// maxGap bounds the IDs below a new event that are waited for as gaps.
const maxGap = 10_000

// advance moves the safe mark over done IDs and over gaps older than GapGrace.
func (d *Dispatcher) advance() {
	grace := d.GapGrace
	if grace <= 0 {
		grace = 10 * time.Second
	}
	now := time.Now()
	for d.safe < d.hi {
		next := d.safe + 1
		first, waiting := d.gapSeen[next]
		switch {
		case d.done[next]:
			delete(d.done, next)
		case waiting && now.Sub(first) >= grace:
			delete(d.gapSeen, next)
		case waiting:
			return
		} // neither: part of a hole wider than maxGap, not waited for
		d.safe = next
	}
}

func (d *Dispatcher) saveMark(db *gorm.DB) error {
	res := db.Exec("UPDATE notify_state SET last_id = ? WHERE name = ? AND last_id < ?", d.safe, stateDispatched, d.safe)
	if res.Error != nil {
		return fmt.Errorf("notify: save dispatch mark: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		err := db.Exec(
			"INSERT INTO notify_state (name, last_id) VALUES (?, ?) ON CONFLICT (name) DO NOTHING", stateDispatched, d.safe).Error
		if err != nil {
			return fmt.Errorf("notify: save dispatch mark: %w", err)
		}
	}
	return nil
}

// notificationBatch bounds the rows of one INSERT (about 15 parameters
// each, well under SQLite's and PostgreSQL's parameter limits).
const notificationBatch = 300

// deliver creates the notifications of evs (idempotently) in a few
// multi-row INSERTs, then publishes each event live. One statement per batch
// instead of one transaction per event is what keeps the dispatcher ahead of
// the requests that emit events. Nothing is published before its
// notifications are stored, so a failure retries the whole batch (the
// inserts are idempotent) and no client sees an event twice from this run.
func (s *Service) deliver(db *gorm.DB, evs []Event) error {
	var ns []Notification
	now := s.clk.Now()
	for _, ev := range evs {
		for _, n := range notificationsFor(ev, store.NewID) {
			n.CreatedAt = now
			ns = append(ns, n)
		}
	}
	if len(ns) > 0 {
		err := db.Clauses(clause.OnConflict{
			Columns: []clause.Column{{Name: "event_id"}, {Name: "user_id"}}, DoNothing: true,
		}).CreateInBatches(&ns, notificationBatch).Error
		if err != nil {
			return fmt.Errorf("notify: create notifications for events %d..%d: %w", evs[0].ID, evs[len(evs)-1].ID, err)
		}
	}
	for _, ev := range evs {
		s.hub.Publish(ev)
	}
	return nil
}
