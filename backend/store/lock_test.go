package store_test

import (
	"context"
	"testing"

	"gorm.io/gorm"

	"tack/backend/store"
	"tack/backend/store/storetest"
)

// A job lock keeps a second runner of the same deployment out, but not a
// deployment in another schema of the same database.
func TestJobLockIsPerSchema(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a := storetest.Postgres(t, nil)
	other := storetest.Postgres(t, nil)
	ranA, err := store.WithJobLock(ctx, a, "job", func(*gorm.DB) error {
		again, err := store.WithJobLock(ctx, a, "job", func(*gorm.DB) error {
			t.Error("second runner in the same schema ran")
			return nil
		})
		if err != nil || again {
			t.Errorf("same schema: ran %v err %v", again, err)
		}
		ranOther, err := store.WithJobLock(ctx, other, "job", func(*gorm.DB) error { return nil })
		if err != nil || !ranOther {
			t.Errorf("other schema: ran %v err %v", ranOther, err)
		}
		ranName, err := store.WithJobLock(ctx, a, "another job", func(*gorm.DB) error { return nil })
		if err != nil || !ranName {
			t.Errorf("other name: ran %v err %v", ranName, err)
		}
		return nil
	})
	if err != nil || !ranA {
		t.Fatalf("first runner: ran %v err %v", ranA, err)
	}
	// Released: the next pass runs.
	if ran, err := store.WithJobLock(ctx, a, "job", func(*gorm.DB) error { return nil }); err != nil || !ran {
		t.Fatalf("after release: ran %v err %v", ran, err)
	}
}

// A job lock is released when its context ends during the job.
func TestJobLockReleasedWhenContextEnds(t *testing.T) {
	t.Parallel()
	db := storetest.Postgres(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	if _, err := store.WithJobLock(ctx, db, "job", func(*gorm.DB) error { cancel(); return nil }); err != nil {
		t.Fatal(err)
	}
	if ran, err := store.WithJobLock(context.Background(), db, "job", func(*gorm.DB) error { return nil }); err != nil || !ran {
		t.Fatalf("lock leaked: ran %v err %v", ran, err)
	}
}

// Transaction locks: shared holders exclude an exclusive taker of the same
// name in the same schema only.
func TestXactLocksArePerSchemaAndName(t *testing.T) {
	t.Parallel()
	a := storetest.Postgres(t, nil)
	other := storetest.Postgres(t, nil)
	err := a.Transaction(func(tx *gorm.DB) error {
		if err := store.XactLockShared(tx, "gc"); err != nil {
			return err
		}
		try := func(db *gorm.DB, name string) bool {
			var got bool
			if err := db.Transaction(func(tx2 *gorm.DB) error {
				var err error
				got, err = store.TryXactLock(tx2, name)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return got
		}
		if try(a, "gc") {
			t.Error("exclusive lock taken beside a shared holder")
		}
		if !try(other, "gc") {
			t.Error("another schema's lock was blocked")
		}
		if !try(a, "sla") {
			t.Error("another name's lock was blocked")
		}
		return a.Transaction(func(tx2 *gorm.DB) error { return store.XactLockShared(tx2, "gc") })
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestLocksAreNoOpsOnSQLite(t *testing.T) {
	t.Parallel()
	db := storetest.SQLite(t, nil)
	ran, err := store.WithJobLock(context.Background(), db, "job", func(*gorm.DB) error { return nil })
	if err != nil || !ran {
		t.Fatalf("ran %v err %v", ran, err)
	}
	err = db.Transaction(func(tx *gorm.DB) error {
		if err := store.XactLock(tx, "x"); err != nil {
			return err
		}
		ok, err := store.TryXactLock(tx, "x")
		if !ok {
			t.Error("try lock refused on SQLite")
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
