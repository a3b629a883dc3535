package notify

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"tack/backend/store"
)

// Dispatcher reads new events in ID order, turns them into notifications
// and fans them out to this process's live subscribers (cursor.go says how
// it reads past the outbox's gaps).
//
// On SQLite (one process) it does both in one pass, as the events appear.
// On PostgreSQL several replicas share the events, and every replica must
// feed its own streams, but only one needs to write the notifications: the
// replica holding the "notify.dispatch" lease (store.Lease) writes them and
// marks each event dispatched; every replica, the writer included,
// publishes an event to its hub only once it is marked, so a client that
// hears of an event finds its notification stored whichever replica it is
// connected to. When the writer stops, another replica takes the lease
// within about a second and goes on from the shared mark; nothing is lost,
// and the unique (event_id, user_id) with ON CONFLICT DO NOTHING keeps a
// short overlap of two writers harmless.
type Dispatcher struct {
	S        *Service
	Interval time.Duration // poll interval (default 2 s when woken at commit, else 250 ms)
	GapGrace time.Duration // how long a missing ID may still appear (default 10 s)
	// DB is the dispatcher's own small pool (nil: the service's), so its
	// reads and inserts do not queue behind the requests whose events it
	// delivers. Commit wake-ups still come from the service's pool.
	DB *gorm.DB

	write   cursor // notifications written (SQLite: and published)
	publish cursor // PostgreSQL: events published to this process's hub
	wgen    uint64 // the lease holding the write cursor was started under
}

// NewDispatcher returns a dispatcher with the defaults.
func (s *Service) NewDispatcher() *Dispatcher { return &Dispatcher{S: s} }

const (
	stateDispatched = "dispatched"
	dispatchLease   = "notify.dispatch"
)

// Serve runs until ctx ends: wakes on PostgreSQL NOTIFY (events inserted,
// or marked dispatched, by any replica) or SQLite's commit signal, and polls
// every Interval. When ctx ends it gives up the write lease and closes the
// hub, so open SSE streams end and the HTTP server can shut down.
func (d *Dispatcher) Serve(ctx context.Context) error {
	defer d.S.hub.Close()
	defer d.S.lease.Release()
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

// RunOnce handles the events visible now and returns how many it processed:
// on SQLite, or on PostgreSQL while this process holds the write lease, the
// events it wrote notifications for; on PostgreSQL otherwise, the events it
// published to its hub.
func (d *Dispatcher) RunOnce(ctx context.Context) (int, error) {
	pool := d.DB
	if pool == nil {
		pool = d.S.db
	}
	db := pool.WithContext(ctx)
	grace := d.GapGrace
	if grace <= 0 {
		grace = 10 * time.Second
	}
	if !store.IsPostgres(db) {
		return d.writePass(db, grace, d.S.deliver)
	}
	if !d.publish.started {
		// Before any write pass moves the mark past events this replica
		// has not published yet.
		last, err := readMark(db)
		if err != nil {
			return 0, err
		}
		d.publish.start(last)
	}
	gen, lead, err := d.S.lease.Hold(ctx, pool)
	if err != nil {
		slog.Warn("notify: dispatch lease", "err", err) // publishing goes on
	}
	written := 0
	if lead {
		if gen != d.wgen {
			// Newly taken: another replica may have moved the shared
			// mark on meanwhile; start from it, not from where this
			// one left off.
			d.write.started, d.wgen = false, gen
		}
		if written, err = d.writePass(db, grace, d.S.writeDispatched); err != nil {
			return written, err
		}
	}
	published, err := d.publish.pass(db, grace, func(ev Event) bool { return ev.Dispatched }, d.S.publish)
	if lead {
		return written, err
	}
	return published, err
}

// writePass moves the write cursor on (from the shared mark on its first
// pass, so a restart does not redo old events) and saves the mark.
func (d *Dispatcher) writePass(db *gorm.DB, grace time.Duration, handle func(*gorm.DB, []Event) error) (int, error) {
	if !d.write.started {
		last, err := readMark(db)
		if err != nil {
			return 0, err
		}
		d.write.start(last)
	}
	old := d.write.safe
	n, err := d.write.pass(db, grace, nil, func(evs []Event) error { return handle(db, evs) })
	if err != nil {
		return n, err
	}
	if d.write.safe != old {
		if err := saveMark(db, d.write.safe); err != nil {
			return n, err
		}
	}
	return n, nil
}

func readMark(db *gorm.DB) (int64, error) {
	var last int64
	if err := db.Raw("SELECT COALESCE(MAX(last_id), 0) FROM notify_state WHERE name = ?", stateDispatched).Scan(&last).Error; err != nil {
		return 0, fmt.Errorf("notify: read dispatch mark: %w", err)
	}
	return last, nil
}

func saveMark(db *gorm.DB, safe int64) error {
	res := db.Exec("UPDATE notify_state SET last_id = ? WHERE name = ? AND last_id < ?", safe, stateDispatched, safe)
	if res.Error != nil {
		return fmt.Errorf("notify: save dispatch mark: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		err := db.Exec(
			"INSERT INTO notify_state (name, last_id) VALUES (?, ?) ON CONFLICT (name) DO NOTHING", stateDispatched, safe).Error
		if err != nil {
			return fmt.Errorf("notify: save dispatch mark: %w", err)
		}
	}
	return nil
}

// notificationBatch bounds the rows of one INSERT (about 15 parameters
// each, well under SQLite's and PostgreSQL's parameter limits).
const notificationBatch = 300

// deliver creates the notifications of evs, then publishes each event
// live: the whole of a SQLite dispatch pass. Nothing is published before
// its notifications are stored, so a failure retries the whole batch (the
// inserts are idempotent) and no client sees an event twice from this run.
func (s *Service) deliver(db *gorm.DB, evs []Event) error {
	if err := s.createNotifications(db, evs); err != nil {
		return err
	}
	return s.publish(evs)
}

// writeDispatched is the PostgreSQL writer's pass: the notifications of
// evs, then the dispatched mark that lets every replica publish them (a
// statement trigger NOTIFYs tack_events, so the other replicas wake).
func (s *Service) writeDispatched(db *gorm.DB, evs []Event) error {
	if len(evs) == 0 {
		return nil
	}
	if err := s.createNotifications(db, evs); err != nil {
		return err
	}
	ids := make([]int64, len(evs))
	for i, ev := range evs {
		ids[i] = ev.ID
	}
	if err := db.Model(&Event{}).Where("id IN ?", ids).Update("dispatched", true).Error; err != nil {
		return fmt.Errorf("notify: mark events %d..%d dispatched: %w", ids[0], ids[len(ids)-1], err)
	}
	return nil
}

// createNotifications stores the notifications of evs (idempotently) in a
// few multi-row INSERTs. One statement per batch instead of one transaction
// per event is what keeps the dispatcher ahead of the requests that emit
// events.
func (s *Service) createNotifications(db *gorm.DB, evs []Event) error {
	if len(evs) == 0 {
		return nil
	}
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
	s.written.Add(int64(len(evs)))
	return nil
}

// publish hands evs to this process's live subscribers.
func (s *Service) publish(evs []Event) error {
	for _, ev := range evs {
		s.hub.Publish(ev)
	}
	return nil
}

// EventsWritten is how many events this process has turned into
// notifications (a replica that does not hold the write lease writes none).
func (s *Service) EventsWritten() int64 { return s.written.Load() }

// Close gives up the dispatcher's write lease, if this process holds it.
func (s *Service) Close() { s.lease.Release() }
