// Package storetest opens real databases for tests: a SQLite file under
// t.TempDir(), and a fresh PostgreSQL schema when TACK_TEST_POSTGRES_DSN is set.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"testing"

	"gorm.io/gorm"

	"tack/backend/store"
)

// EnvPostgres names the variable holding the PostgreSQL test DSN.
const EnvPostgres = "TACK_TEST_POSTGRES_DSN"

// SQLite opens a migrated SQLite file in a temp dir.
func SQLite(t testing.TB, migrations []store.Migration) *gorm.DB {
	t.Helper()
	db, err := store.Open(context.Background(), store.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.Close(db) })
	if err := store.Migrate(db, migrations); err != nil {
		t.Fatal(err)
	}
	return db
}

// PostgresDSN returns a DSN for a new, empty schema in the test database and
// drops the schema when the test ends. It skips when the variable is unset,
// except under CI=true, where a missing database fails the test: CI must
// always exercise the PostgreSQL path.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvPostgres)
	if base == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s must be set in CI", EnvPostgres)
		}
		t.Skipf("%s not set", EnvPostgres)
	}
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

// Postgres opens a migrated, isolated PostgreSQL schema (see PostgresDSN).
func Postgres(t testing.TB, migrations []store.Migration) *gorm.DB {
	t.Helper()
	db, err := store.Open(context.Background(), store.Config{DSN: PostgresDSN(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.Close(db) })
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
