package store

import (
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Migration is one versioned, forward-only schema step. ID must be unique and
// never change once released; by convention "<package>-NNNN-what".
// SQL is portable DDL (see Portable); Func runs after SQL for data steps.
type Migration struct {
	ID   string
	SQL  string
	Func func(tx *gorm.DB) error
}

type schemaMigration struct {
	ID        string `gorm:"primaryKey"`
	AppliedAt time.Time
}

func (schemaMigration) TableName() string { return "schema_migrations" }

// Migrate applies, in order, each migration not yet recorded in
// schema_migrations; each runs in its own transaction together with its record,
// so a crash leaves the schema at a whole step. Order is important: add new
// migrations at the end of a package's list.
func Migrate(db *gorm.DB, migrations []Migration) error {
	if err := db.Exec(Portable(db, `CREATE TABLE IF NOT EXISTS schema_migrations (
		id TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL)`)).Error; err != nil {
		return fmt.Errorf("store: create schema_migrations: %w", err)
	}
	seen := map[string]bool{}
	for _, m := range migrations {
		if seen[m.ID] {
			return fmt.Errorf("store: duplicate migration id %q", m.ID)
		}
		seen[m.ID] = true
	}
	if IsPostgres(db) {
		// Replicas may start together; one applies, the others wait here.
		return db.Transaction(func(tx *gorm.DB) error {
			if err := XactLock(tx, "store.migrate"); err != nil {
				return err
			}
			return applyAll(tx, migrations)
		})
	}
	return applyAll(db, migrations)
}

func applyAll(db *gorm.DB, migrations []Migration) error {
	var done []schemaMigration
	if err := db.Find(&done).Error; err != nil {
		return fmt.Errorf("store: read schema_migrations: %w", err)
	}
	applied := map[string]bool{}
	for _, d := range done {
		applied[d.ID] = true
	}
	for _, m := range migrations {
		if applied[m.ID] {
			continue
		}
		err := db.Transaction(func(tx *gorm.DB) error {
			for _, stmt := range splitStatements(Portable(tx, m.SQL)) {
				if err := tx.Exec(stmt).Error; err != nil {
					return fmt.Errorf("%s: %w", firstLine(stmt), err)
				}
			}
			if m.Func != nil {
				if err := m.Func(tx); err != nil {
					return err
				}
			}
			return tx.Create(&schemaMigration{ID: m.ID, AppliedAt: time.Now().UTC()}).Error
		})
		if err != nil {
			return fmt.Errorf("store: migration %s: %w", m.ID, err)
		}
	}
	return nil
}

// Portable rewrites the few type names that differ between the two databases.
// Write DDL with PostgreSQL names: TIMESTAMPTZ, BYTEA, BIGSERIAL PRIMARY KEY,
// BOOLEAN, BIGINT, TEXT. SQLite gets DATETIME (so the driver parses times),
// BLOB and INTEGER PRIMARY KEY AUTOINCREMENT.
func Portable(db *gorm.DB, sql string) string {
	if IsPostgres(db) {
		return sql
	}
	r := strings.NewReplacer(
		"BIGSERIAL PRIMARY KEY", "INTEGER PRIMARY KEY AUTOINCREMENT",
		"TIMESTAMPTZ", "DATETIME",
		"BYTEA", "BLOB",
	)
	return r.Replace(sql)
}

func splitStatements(sql string) []string {
	var out []string
	for _, s := range strings.Split(sql, ";") {
		if strings.TrimSpace(s) != "" {
			out = append(out, strings.TrimSpace(s))
		}
	}
	return out
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
