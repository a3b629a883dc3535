package store_test

import (
	"errors"
	"sort"
	"testing"
	"time"

	"gorm.io/gorm"

	"tack/backend/store"
	"tack/backend/store/storetest"
)

var testMigrations = []store.Migration{
	{ID: "test-0001", SQL: `CREATE TABLE widgets (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, made_at TIMESTAMPTZ NOT NULL, data BYTEA);
		CREATE TABLE counters (seq BIGSERIAL PRIMARY KEY, label TEXT NOT NULL)`},
}

type widget struct {
	ID     string
	Name   string
	MadeAt time.Time
	Data   []byte
}

func TestMigrateRoundTripAndIdempotent(t *testing.T) {
	t.Parallel()
	storetest.Each(t, testMigrations, func(t *testing.T, db *gorm.DB) {
		if err := store.Migrate(db, testMigrations); err != nil {
			t.Fatalf("second Migrate: %v", err)
		}
		at := time.Date(2026, 3, 29, 1, 30, 0, 123456000, time.UTC)
		w := widget{ID: store.NewID(), Name: "a", MadeAt: at, Data: []byte{0, 1, 2}}
		if err := db.Create(&w).Error; err != nil {
			t.Fatal(err)
		}
		var got widget
		if err := db.First(&got, "id = ?", w.ID).Error; err != nil {
			t.Fatal(err)
		}
		if !got.MadeAt.Equal(at) || string(got.Data) != string(w.Data) {
			t.Fatalf("round trip: got %+v want %+v", got, w)
		}
		var n int64
		db.Model(&widget{}).Where("made_at > ?", at.Add(-time.Second)).Count(&n)
		if n != 1 {
			t.Fatalf("time comparison found %d rows", n)
		}
		dup := widget{ID: store.NewID(), Name: "a", MadeAt: at}
		if err := db.Create(&dup).Error; !store.IsDuplicate(err) {
			t.Fatalf("duplicate insert: got %v, want duplicate", err)
		}
		if err := db.Exec("INSERT INTO counters (label) VALUES ('x'), ('y')").Error; err != nil {
			t.Fatal(err)
		}
	})
}

func TestMigrateRejectsDuplicateIDs(t *testing.T) {
	t.Parallel()
	db := storetest.SQLite(t, nil)
	err := store.Migrate(db, []store.Migration{{ID: "a", SQL: "SELECT 1"}, {ID: "a", SQL: "SELECT 1"}})
	if err == nil {
		t.Fatal("duplicate migration ids accepted")
	}
}

func TestFailedMigrationLeavesNoRecord(t *testing.T) {
	t.Parallel()
	db := storetest.SQLite(t, nil)
	bad := []store.Migration{{ID: "bad-0001", SQL: "CREATE TABLE ok (id TEXT); CREATE TABLE broken ("}}
	if err := store.Migrate(db, bad); err == nil {
		t.Fatal("broken migration succeeded")
	}
	var n int64
	db.Table("schema_migrations").Where("id = ?", "bad-0001").Count(&n)
	if n != 0 {
		t.Fatal("failed migration was recorded")
	}
	if db.Migrator().HasTable("ok") {
		t.Fatal("partial migration left a table behind")
	}
}

func TestNewIDOrderedAndUnique(t *testing.T) {
	t.Parallel()
	ids := make([]string, 10000)
	seen := map[string]bool{}
	for i := range ids {
		ids[i] = store.NewID()
		if len(ids[i]) != 26 || seen[ids[i]] {
			t.Fatalf("bad or duplicate id %q", ids[i])
		}
		seen[ids[i]] = true
	}
	if !sort.StringsAreSorted(ids) {
		t.Fatal("ids not in creation order")
	}
}

// TestSQLiteTransactionsTakeTheWriteLockAtBegin: a read-write transaction
// that has only read so far already holds the write lock, so another writer
// waits for it instead of slipping in between (which would make the first
// transaction's later write fail with SQLITE_BUSY_SNAPSHOT).
func TestSQLiteTransactionsTakeTheWriteLockAtBegin(t *testing.T) {
	t.Parallel()
	db := storetest.SQLite(t, testMigrations)
	reading := make(chan struct{})
	wrote := make(chan time.Time, 1)
	var committed time.Time
	err := db.Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&widget{}).Count(&n).Error; err != nil {
			return err
		}
		close(reading)
		go func() {
			<-reading
			if err := db.Exec("INSERT INTO counters (label) VALUES ('other writer')").Error; err != nil {
				t.Error(err)
			}
			wrote <- time.Now()
		}()
		select {
		case <-wrote:
			return errors.New("another writer committed while this transaction was open")
		case <-time.After(300 * time.Millisecond):
		}
		committed = time.Now()
		return tx.Create(&widget{ID: store.NewID(), Name: "after read", MadeAt: time.Now()}).Error
	})
	if err != nil {
		t.Fatal(err)
	}
	if at := <-wrote; at.Before(committed) {
		t.Fatalf("the other writer finished at %s, before the transaction's write at %s", at, committed)
	}
}
