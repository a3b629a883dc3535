package store_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"tack/backend/store"
)

// The SQLite driver keeps each connection's compiled statements
// (third_party/go-sqlite/stmtcache.go). These tests pin what reuse must not
// change: a reused SELECT sees later commits, a schema change reaches
// statements compiled before it, the same text can run while its rows are
// still open, and texts with several statements still run them all.

func openCacheDB(t *testing.T) (*sql.DB, *sql.Conn, *sql.Conn) {
	t.Helper()
	db, err := store.Open(context.Background(), store.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.Close(db) })
	pool, err := db.DB()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	a, err := pool.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	b, err := pool.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.Close(); _ = b.Close() })
	if _, err := a.ExecContext(ctx, `CREATE TABLE things (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)`); err != nil {
		t.Fatal(err)
	}
	return pool, a, b
}

func count(t *testing.T, c *sql.Conn) int {
	t.Helper()
	var n int
	if err := c.QueryRowContext(context.Background(), `SELECT count(*) FROM things`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// A statement left un-reset would keep its read snapshot: the connection
// would go on seeing the database as of its first run.
func TestStmtCacheReusedSelectSeesLaterCommits(t *testing.T) {
	_, a, b := openCacheDB(t)
	ctx := context.Background()
	for i := range 3 {
		if got := count(t, a); got != i {
			t.Fatalf("run %d: count %d, want %d", i, got, i)
		}
		if _, err := b.ExecContext(ctx, `INSERT INTO things (name) VALUES (?)`, string(rune('a'+i))); err != nil {
			t.Fatal(err)
		}
	}
	// A failed run (unique violation) leaves the statement usable, its
	// old arguments gone.
	if _, err := b.ExecContext(ctx, `INSERT INTO things (name) VALUES (?)`, "a"); err == nil || !strings.Contains(err.Error(), "UNIQUE") {
		t.Fatalf("duplicate insert: %v", err)
	}
	if _, err := b.ExecContext(ctx, `INSERT INTO things (name) VALUES (?)`, "z"); err != nil {
		t.Fatalf("same statement after its failure: %v", err)
	}
	if got := count(t, a); got != 4 {
		t.Fatalf("count %d, want 4", got)
	}
}

// SELECT * compiled before a migration adds a column must report the new
// column, not the names it was compiled with. (Upstream has the same limit
// across connections as this patch: a connection learns of another's
// schema change at its next step, after the names were read; only this
// process changes Tack's schema, and every DDL it runs empties every
// connection's cache.)
func TestStmtCacheSchemaChangeReachesCompiledStatements(t *testing.T) {
	_, a, _ := openCacheDB(t)
	ctx := context.Background()
	if _, err := a.ExecContext(ctx, `INSERT INTO things (name) VALUES ('x')`); err != nil {
		t.Fatal(err)
	}
	cols := func() []string {
		rows, err := a.QueryContext(ctx, `SELECT * FROM things`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		c, err := rows.Columns()
		if err != nil {
			t.Fatal(err)
		}
		vals := make([]any, len(c))
		ptrs := make([]any, len(c))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return c
	}
	if got := cols(); len(got) != 2 {
		t.Fatalf("columns before: %v", got)
	}
	if _, err := a.ExecContext(ctx, `ALTER TABLE things ADD COLUMN colour TEXT NOT NULL DEFAULT 'red'`); err != nil {
		t.Fatal(err)
	}
	if got := cols(); len(got) != 3 || got[2] != "colour" {
		t.Fatalf("columns after ALTER: %v", got)
	}
}

// A loop over a query's rows that runs the same query again (same
// connection, in a transaction) gets two independent result sets.
func TestStmtCacheSameTextWhileRowsOpen(t *testing.T) {
	pool, a, _ := openCacheDB(t)
	ctx := context.Background()
	if _, err := a.ExecContext(ctx, `INSERT INTO things (name) VALUES ('p'); INSERT INTO things (name) VALUES ('q')`); err != nil {
		t.Fatal(err)
	}
	if got := count(t, a); got != 2 {
		t.Fatalf("a text of two INSERTs ran %d of them", got)
	}
	tx, err := pool.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback() }()
	const q = `SELECT name FROM things WHERE id > ? ORDER BY id`
	outer, err := tx.QueryContext(ctx, q, 0)
	if err != nil {
		t.Fatal(err)
	}
	var pairs []string
	for outer.Next() {
		var o string
		if err := outer.Scan(&o); err != nil {
			t.Fatal(err)
		}
		inner, err := tx.QueryContext(ctx, q, 1)
		if err != nil {
			t.Fatal(err)
		}
		for inner.Next() {
			var i string
			if err := inner.Scan(&i); err != nil {
				t.Fatal(err)
			}
			pairs = append(pairs, o+i)
		}
		if err := inner.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if err := outer.Err(); err != nil {
		t.Fatal(err)
	}
	_ = outer.Close()
	if len(pairs) != 2 || pairs[0] != "pq" || pairs[1] != "qq" {
		t.Fatalf("nested runs of one text: %v, want [pq qq]", pairs)
	}
}
