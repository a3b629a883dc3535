package store

import (
	"context"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"
)

// Writers waiting for SQLite's write lock go in the order they came, across
// the pools of a process, except that a WritesFirst pool's (the event
// dispatcher's) go first: while one transaction holds the lock, six writers
// on two pools queue one after another, then one on the WritesFirst pool;
// once the lock is free that one commits first, then the six in their order.
// Behind busy_timeout alone they would wake from their sleeps in whatever
// order and race.
func TestSQLiteWritersQueueInArrivalOrder(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	open := func(first bool) *gorm.DB {
		db, err := Open(ctx, Config{DataDir: dir, WritesFirst: first})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = Close(db) })
		return db
	}
	a, b, disp := open(false), open(false), open(true)
	if err := a.Exec("CREATE TABLE seq (n INTEGER)").Error; err != nil {
		t.Fatal(err)
	}
	g := gateFor(filepath.Join(dir, "tack.db"))
	holder := a.Begin()
	if err := holder.Exec("INSERT INTO seq (n) VALUES (0)").Error; err != nil {
		t.Fatal(err)
	}
	var (
		mu    sync.Mutex
		order []int
		wg    sync.WaitGroup
	)
	for i := 1; i <= 7; i++ {
		db := a
		if i == 7 {
			db = disp
		} else if i%2 == 0 {
			db = b
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := WriteTx(ctx, db, func(tx *gorm.DB) error {
				mu.Lock()
				order = append(order, i)
				mu.Unlock()
				return tx.Exec("INSERT INTO seq (n) VALUES (?)", i).Error
			})
			if err != nil {
				t.Error(err)
			}
		}()
		for deadline := time.Now().Add(10 * time.Second); g.waiting.Load() != int32(i); time.Sleep(time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("writer %d never queued (waiting %d)", i, g.waiting.Load())
			}
		}
	}
	if err := holder.Commit().Error; err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if want := []int{7, 1, 2, 3, 4, 5, 6}; !slices.Equal(order, want) {
		t.Fatalf("writers went in order %v, want %v", order, want)
	}
}

// Writers queued at the gate hold no connection of the pool: while a
// transaction holds the write lock and twelve writers wait (more than the
// pool's eight connections), a read still gets a connection at once. When
// each waiter held a connection from BEGIN, the queue took the whole pool
// and every read waited behind it (eight chat senders were slower than one).
func TestSQLiteGateWaitersLeaveConnectionsToReaders(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := Open(ctx, Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = Close(db) })
	if err := db.Exec("CREATE TABLE seq (n INTEGER)").Error; err != nil {
		t.Fatal(err)
	}
	g := gateFor(filepath.Join(dir, "tack.db"))
	release := make(chan struct{})
	held := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		_ = WriteTx(ctx, db, func(tx *gorm.DB) error {
			close(held)
			<-release
			return tx.Exec("INSERT INTO seq (n) VALUES (0)").Error
		})
	}()
	<-held
	const writers = 12
	for i := 1; i <= writers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := WriteTx(ctx, db, func(tx *gorm.DB) error { return tx.Exec("INSERT INTO seq (n) VALUES (?)", i).Error }); err != nil {
				t.Error(err)
			}
		}()
	}
	for deadline := time.Now().Add(10 * time.Second); g.waiting.Load() != writers; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			// Waiters that take a connection first fill the pool: the rest
			// never reach the gate.
			t.Fatalf("only %d of %d writers reached the gate", g.waiting.Load(), writers)
		}
	}
	sqlDB, _ := db.DB()
	if inUse := sqlDB.Stats().InUse; inUse != 1 {
		t.Errorf("%d connections in use while %d writers queue behind one transaction, want 1 (the holder's)", inUse, writers)
	}
	var n int
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() { // a read that waits for a connection would wait for the release: fail instead of hanging
		<-time.After(30 * time.Second)
		cancel()
	}()
	if err := db.WithContext(rctx).Raw("SELECT COUNT(*) FROM seq").Scan(&n).Error; err != nil || n != 0 {
		t.Errorf("read while writers queue: %d, %v", n, err)
	}
	close(release)
	wg.Wait()
	if err := db.Raw("SELECT COUNT(*) FROM seq").Scan(&n).Error; err != nil || n != writers+1 {
		t.Fatalf("%d rows after the queue, %v", n, err)
	}
}
