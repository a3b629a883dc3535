package store_test

import (
	"context"
	"testing"
	"time"

	"tack/backend/store"
	"tack/backend/store/storetest"
)

// One of two replicas holds a lease; the other takes it when the holder
// releases it, and again, with a new generation, when the holder's session
// dies without a release (the database ended it, as when a replica is
// killed).
func TestLeaseOneHolderAndTakeover(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.Postgres(t, nil)
	a := &store.Lease{Name: "lease-test", Retry: 10 * time.Millisecond}
	b := &store.Lease{Name: "lease-test", Retry: 10 * time.Millisecond}
	defer a.Release()
	defer b.Release()
	genA, held, err := a.Hold(ctx, db)
	if err != nil || !held {
		t.Fatalf("a: held %v err %v", held, err)
	}
	if _, held, err := b.Hold(ctx, db); err != nil || held {
		t.Fatalf("b while a holds: held %v err %v", held, err)
	}
	if g, held, err := a.Hold(ctx, db); err != nil || !held || g != genA {
		t.Fatalf("a again: gen %d/%d held %v err %v", g, genA, held, err)
	}
	a.Release()
	holds := func(l *store.Lease) uint64 {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
			g, held, err := l.Hold(ctx, db)
			if err != nil {
				t.Fatal(err)
			}
			if held {
				return g
			}
			if time.Now().After(deadline) {
				t.Fatal("lease not taken within 10 s")
			}
		}
	}
	genB := holds(b)
	if _, held, _ := a.Hold(ctx, db); held {
		t.Fatal("a took the lease back while b holds it")
	}
	// b's session ends under it: the lock is gone with it, and a takes it.
	var pid int64
	err = db.Raw(`SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted
		AND classid::bigint = (hashtext(current_schema())::bigint & 4294967295)
		AND objid::bigint = (hashtext('lease-test')::bigint & 4294967295)`).Scan(&pid).Error
	if err != nil || pid == 0 {
		t.Fatalf("holder's pid %d: %v", pid, err)
	}
	if err := db.Exec("SELECT pg_terminate_backend(?)", pid).Error; err != nil {
		t.Fatal(err)
	}
	holds(a)
	// b finds out at its next check and does not think it still holds.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		g, held, err := b.Hold(ctx, db)
		if err == nil && !held {
			break
		}
		if held && g != genB {
			t.Fatalf("b holds a new generation %d while a holds the lease", g)
		}
		if time.Now().After(deadline) {
			t.Fatal("b still believes it holds the lease")
		}
	}
}
