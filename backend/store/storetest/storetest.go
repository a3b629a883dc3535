// Package storetest opens real databases for tests: a SQLite file under
// t.TempDir(), and a fresh PostgreSQL database or schema when
// TACK_TEST_POSTGRES_DSN is set. Migrated databases of both kinds are copies
// of a template migrated once per test process and migration list.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"gorm.io/gorm"

	"tack/backend/store"
)

// EnvPostgres names the variable holding the PostgreSQL test DSN.
const EnvPostgres = "TACK_TEST_POSTGRES_DSN"

// SQLite opens a migrated SQLite file in a temp dir (see SQLiteDataDir).
func SQLite(t testing.TB, migrations []store.Migration) *gorm.DB {
	t.Helper()
	db, err := store.Open(context.Background(), store.Config{DataDir: SQLiteDataDir(t, migrations)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.Close(db) })
	// Applies nothing (the copy is migrated) unless the list grew meanwhile;
	// it still checks the list, e.g. for duplicate IDs.
	if err := store.Migrate(db, migrations); err != nil {
		t.Fatal(err)
	}
	return db
}

// SQLiteDataDir returns a new temp dir holding tack.db already migrated
// with migrations: a copy of a template migrated once per test process and
// list, since migrating every test's file took a large share of the suite.
func SQLiteDataDir(t testing.TB, migrations []store.Migration) string {
	t.Helper()
	img, err := sqliteTemplate(migrations)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "tack.db"), img, 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

// templates holds one migrated SQLite file image per migration list (their
// IDs joined), made on first use.
var templates struct {
	sync.Mutex
	imgs map[string]*template
}

type template struct {
	once sync.Once
	img  []byte
	err  error
}

func sqliteTemplate(migrations []store.Migration) ([]byte, error) {
	key := migrationKey(migrations)
	templates.Lock()
	if templates.imgs == nil {
		templates.imgs = map[string]*template{}
	}
	tp := templates.imgs[key]
	if tp == nil {
		tp = &template{}
		templates.imgs[key] = tp
	}
	templates.Unlock()
	tp.once.Do(func() { tp.img, tp.err = migrateTemplate(migrations) })
	return tp.img, tp.err
}

// migrateTemplate migrates a file in a scratch dir and returns its bytes.
// The WAL is checkpointed into the main file first, so the file alone is
// the whole database.
func migrateTemplate(migrations []store.Migration) ([]byte, error) {
	dir, err := os.MkdirTemp("", "tack-template-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	db, err := store.Open(context.Background(), store.Config{DataDir: dir})
	if err != nil {
		return nil, err
	}
	err = store.Migrate(db, migrations)
	if err == nil {
		err = db.Exec("PRAGMA wal_checkpoint(TRUNCATE)").Error
	}
	if cerr := store.Close(db); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("storetest: migrate template: %w", err)
	}
	return os.ReadFile(filepath.Join(dir, "tack.db"))
}

// PostgresDSN returns a DSN for a new, empty schema in the test database and
// drops the schema when the test ends. It skips when the variable is unset,
// except under CI=true, where a missing database fails the test: CI must
// always exercise the PostgreSQL path.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	base := postgresBase(t)
	admin, err := store.Open(context.Background(), store.Config{DSN: base})
	if err != nil {
		t.Fatal(err)
	}
	var rnd [6]byte
	_, _ = rand.Read(rnd[:])
	schema := "t_" + hex.EncodeToString(rnd[:])
	if err := admin.Exec("CREATE SCHEMA " + schema).Error; err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = admin.Exec("DROP SCHEMA " + schema + " CASCADE").Error
		_ = store.Close(admin)
	})
	return withSearchPath(base, schema)
}

// Postgres opens a migrated, isolated PostgreSQL database: with a non-empty
// migration list a clone of a template (see PostgresMigratedDSN), with none
// a new empty schema of the test database (see PostgresDSN; the lock tests
// compare schemas of one database).
func Postgres(t testing.TB, migrations []store.Migration) *gorm.DB {
	t.Helper()
	dsn := ""
	if len(migrations) > 0 {
		dsn = PostgresMigratedDSN(t, migrations)
	} else {
		dsn = PostgresDSN(t)
	}
	db, err := store.Open(context.Background(), store.Config{DSN: dsn})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.Close(db) })
	// Applies nothing (the clone is migrated) unless the list grew meanwhile;
	// it still checks the list, e.g. for duplicate IDs.
	if err := store.Migrate(db, migrations); err != nil {
		t.Fatal(err)
	}
	return db
}

// Each runs fn as a subtest against SQLite and against PostgreSQL.
func Each(t *testing.T, migrations []store.Migration, fn func(t *testing.T, db *gorm.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t, migrations)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t, migrations)) })
}

func postgresBase(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvPostgres)
	if base == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s must be set in CI", EnvPostgres)
		}
		t.Skipf("%s not set", EnvPostgres)
	}
	return base
}

func withSearchPath(dsn, schema string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err == nil {
			q := u.Query()
			q.Set("search_path", schema)
			u.RawQuery = q.Encode()
			return u.String()
		}
	}
	return dsn + " search_path=" + schema
}
