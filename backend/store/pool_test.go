package store_test

import (
	"context"
	"sync"
	"testing"

	"tack/backend/store"
	"tack/backend/store/storetest"
)

// A burst of concurrent queries leaves its PostgreSQL connections in the
// pool for the next burst. With database/sql's default of two idle
// connections, every burst closed all but two and the next one opened
// them again: a new server process, authentication and an empty statement
// cache per request on a busy replica (issue 20's profile).
func TestPostgresPoolKeepsItsConnectionsBetweenBursts(t *testing.T) {
	db, err := store.Open(context.Background(), store.Config{DSN: storetest.PostgresDSN(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.Close(db) })
	pool, err := db.DB()
	if err != nil {
		t.Fatal(err)
	}
	burst := func() {
		// Every query holds its connection until all have one: 12 at once.
		var started, held sync.WaitGroup
		started.Add(12)
		held.Add(12)
		release := make(chan struct{})
		for range 12 {
			go func() {
				defer held.Done()
				tx, err := pool.Begin()
				if err != nil {
					t.Error(err)
					started.Done()
					return
				}
				defer func() { _ = tx.Rollback() }()
				if _, err := tx.Exec("SELECT 1"); err != nil {
					t.Error(err)
				}
				started.Done()
				<-release
			}()
		}
		started.Wait()
		close(release)
		held.Wait()
	}
	burst()
	opened := pool.Stats().OpenConnections
	burst()
	s := pool.Stats()
	if s.MaxIdleClosed != 0 || s.OpenConnections < 12 {
		t.Fatalf("after two bursts of 12: %d connections closed as surplus idle ones, %d open (after the first burst: %d); want 0 closed and 12 kept",
			s.MaxIdleClosed, s.OpenConnections, opened)
	}
}
