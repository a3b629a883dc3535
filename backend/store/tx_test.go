package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"

	"tack/backend/store"
	"tack/backend/store/storetest"
)

var counterTable = []store.Migration{{ID: "test-0001-counter", Func: func(tx *gorm.DB) error {
	if err := tx.Exec("CREATE TABLE counters (id TEXT PRIMARY KEY, value BIGINT NOT NULL)").Error; err != nil {
		return err
	}
	return tx.Exec("INSERT INTO counters (id, value) VALUES ('c', 0)").Error
}}}

func counterValue(t *testing.T, db *gorm.DB) int64 {
	t.Helper()
	var v int64
	if err := db.Raw("SELECT value FROM counters WHERE id = 'c'").Scan(&v).Error; err != nil {
		t.Fatal(err)
	}
	return v
}

// Two transactions that read a value and then write it back, overlapping:
// on SQLite the second must wait at BEGIN for the first to commit (the
// IMMEDIATE lock), then read the new value. With a deferred BEGIN it would
// read the old value and fail with SQLITE_BUSY_SNAPSHOT at its write; this is
// why WriteTx needs no "UPDATE ... WHERE 1 = 0" to take the lock first.
func TestWriteTxReadThenWriteOnSQLite(t *testing.T) {
	t.Parallel()
	db := storetest.SQLite(t, counterTable)
	ctx := context.Background()
	increment := func(read chan<- struct{}, before <-chan struct{}) error {
		return store.WriteTx(ctx, db, func(tx *gorm.DB) error {
			var v int64
			if err := tx.Raw("SELECT value FROM counters WHERE id = 'c'").Scan(&v).Error; err != nil {
				return err
			}
			if read != nil {
				close(read)
				read = nil
			}
			if before != nil {
				<-before
			}
			return tx.Exec("UPDATE counters SET value = ? WHERE id = 'c'", v+1).Error
		})
	}
	aRead, bRead, aMayWrite := make(chan struct{}), make(chan struct{}), make(chan struct{})
	errs := make(chan error, 2)
	go func() { errs <- increment(aRead, aMayWrite) }()
	<-aRead
	go func() { errs <- increment(bRead, nil) }()
	// B cannot be seen waiting at BEGIN, only its read when the lock did not
	// stop it; give it that chance before A writes (a deferred BEGIN reads at
	// once). With the IMMEDIATE lock the test passes however long this takes.
	select {
	case <-bRead:
		t.Error("the second transaction read while the first held the write lock")
	case <-time.After(300 * time.Millisecond):
	}
	close(aMayWrite)
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatalf("read-then-write transaction failed: %v", err)
		}
	}
	if v := counterValue(t, db); v != 2 {
		t.Fatalf("counter = %d after two increments, want 2 (an update was lost)", v)
	}
}

// Two SERIALIZABLE transactions on PostgreSQL that both read a row and then
// update it: the second to update fails with a real serialization_failure
// (40001) once the first commits, and WriteTx runs it again, so both
// increments land.
func TestWriteTxRetriesSerializationFailureOnPostgres(t *testing.T) {
	t.Parallel()
	db := storetest.Postgres(t, counterTable)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var runs atomic.Int32
	var bothRead sync.WaitGroup
	bothRead.Add(2)
	increment := func(first *bool) error {
		return store.WriteTx(ctx, db, func(tx *gorm.DB) error {
			runs.Add(1)
			if err := tx.Exec("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE").Error; err != nil {
				return err
			}
			var v int64
			if err := tx.Raw("SELECT value FROM counters WHERE id = 'c'").Scan(&v).Error; err != nil {
				return err
			}
			if *first {
				*first = false
				bothRead.Done()
				bothRead.Wait()
			}
			return tx.Exec("UPDATE counters SET value = ? WHERE id = 'c'", v+1).Error
		})
	}
	errs := make(chan error, 2)
	for range 2 {
		go func() {
			first := true
			errs <- increment(&first)
		}()
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatalf("serializable transaction failed for good: %v", err)
		}
	}
	if v := counterValue(t, db); v != 2 {
		t.Fatalf("counter = %d, want 2", v)
	}
	if n := runs.Load(); n != 3 {
		t.Fatalf("fn ran %d times, want 3 (the loser once more)", n)
	}
}

type codedError int

func (e codedError) Error() string { return fmt.Sprintf("sqlite error %d", int(e)) }
func (e codedError) Code() int     { return int(e) }

func TestIsRetryableReadsCodesNotText(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"serialization failure", &pgconn.PgError{Code: "40001"}, true},
		{"deadlock, wrapped", fmt.Errorf("approval: act: %w", &pgconn.PgError{Code: "40P01"}), true},
		{"unique violation", &pgconn.PgError{Code: "23505", Message: "could not serialize access"}, false},
		{"text only", errors.New("ERROR: could not serialize access due to concurrent update (SQLSTATE 40001)"), false},
		{"sqlite busy", codedError(5), true},
		{"sqlite busy snapshot", fmt.Errorf("x: %w", codedError(517)), true},
		{"sqlite constraint", codedError(19), false},
		{"record not found", gorm.ErrRecordNotFound, false},
	}
	for _, c := range cases {
		if got := store.IsRetryable(c.err); got != c.want {
			t.Errorf("%s: IsRetryable = %v, want %v", c.name, got, c.want)
		}
	}
}

// A retryable error from the last attempt comes back to the caller; any
// other error stops at once.
func TestWriteTxGivesUp(t *testing.T) {
	t.Parallel()
	db := storetest.SQLite(t, nil)
	runs := 0
	err := store.WriteTx(context.Background(), db, func(*gorm.DB) error {
		runs++
		return &pgconn.PgError{Code: "40001"}
	})
	var pg *pgconn.PgError
	if !errors.As(err, &pg) || runs < 2 {
		t.Fatalf("err %v after %d runs, want the 40001 after several", err, runs)
	}
	runs = 0
	boom := errors.New("boom")
	if err := store.WriteTx(context.Background(), db, func(*gorm.DB) error { runs++; return boom }); !errors.Is(err, boom) || runs != 1 {
		t.Fatalf("err %v after %d runs, want boom after one", err, runs)
	}
}

// Inside another transaction WriteTx is a savepoint and leaves retrying to
// the outer WriteTx: once PostgreSQL has failed a statement, the whole outer
// transaction is aborted and running the inner part again cannot help.
func TestWriteTxNestedRunsOnce(t *testing.T) {
	t.Parallel()
	db := storetest.SQLite(t, nil)
	outer, inner := 0, 0
	err := store.WriteTx(context.Background(), db, func(tx *gorm.DB) error {
		outer++
		return store.WriteTx(context.Background(), tx, func(*gorm.DB) error {
			inner++
			return &pgconn.PgError{Code: "40001"}
		})
	})
	if !store.IsRetryable(err) || inner != outer || outer < 2 {
		t.Fatalf("err %v, outer ran %d, inner %d: want the inner once per outer run, the outer retried", err, outer, inner)
	}
}
