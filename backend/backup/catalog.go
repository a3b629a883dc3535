package backup

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"

	"gorm.io/gorm"
)

// conn is what the catalog and the dump need of a connection or transaction
// (gorm's ConnPool: *sql.DB or *sql.Tx). Raw database/sql keeps gorm's slow
// query log from printing row data (password hashes) on a big batch.
type conn interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// skipTables are not data: schema_migrations is recorded as the manifest's
// migration list and rebuilt by the migrations on restore; GC holds belong
// to processes of the source; sqlite_* are SQLite's own.
var skipTables = map[string]bool{"schema_migrations": true, "drive_gc_holds": true}

// foreignKey is one single-column reference Table.Column → RefTable.RefColumn.
type foreignKey struct {
	Table, Column, RefTable, RefColumn string
}

func quote(ident string) string { return `"` + strings.ReplaceAll(ident, `"`, `""`) + `"` }

// storedColumns is the select list of table's columns that a restore can
// write: generated columns (PostgreSQL's full-text token set, report_fts_doc.tsv)
// are derived from the others, exist on one database only and refuse
// inserted values, so they are left out and the target computes them again.
func storedColumns(ctx context.Context, c conn, postgres bool, table string) (string, error) {
	q := `SELECT name FROM pragma_table_xinfo(?) WHERE hidden NOT IN (2, 3) ORDER BY cid`
	if postgres {
		q = `SELECT column_name FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name = $1 AND is_generated = 'NEVER'
			ORDER BY ordinal_position`
	}
	names, err := queryStrings(ctx, c, q, table)
	if err != nil || len(names) == 0 {
		return "", fmt.Errorf("backup: columns of %s: %v", table, err)
	}
	for i, n := range names {
		names[i] = quote(n)
	}
	return strings.Join(names, ", "), nil
}

// listTables returns the user tables of the database, sorted, without the
// ones in skipTables unless all is set.
func listTables(ctx context.Context, c conn, postgres, all bool) ([]string, error) {
	// pragma_table_list types FTS5 tables "virtual" and their storage
	// "shadow": a full-text index is derived data, rebuilt on restore by the
	// triggers on its plain document table (backend/fulltext), so only that
	// table is dumped and a dump restores into PostgreSQL too.
	q := `SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\'`
	if postgres {
		q = `SELECT table_name FROM information_schema.tables
			WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`
	}
	names, err := queryStrings(ctx, c, q)
	if err != nil {
		return nil, fmt.Errorf("backup: list tables: %w", err)
	}
	out := names[:0]
	for _, n := range names {
		if all || !skipTables[n] {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out, nil
}

// foreignKeys returns the single-column foreign keys of the database.
func foreignKeys(ctx context.Context, c conn, postgres bool, tables []string) ([]foreignKey, error) {
	var out []foreignKey
	if postgres {
		rows, err := c.QueryContext(ctx, `
			SELECT kcu.table_name, kcu.column_name, ccu.table_name, ccu.column_name
			FROM information_schema.table_constraints tc
			JOIN information_schema.key_column_usage kcu
				ON kcu.constraint_name = tc.constraint_name AND kcu.constraint_schema = tc.constraint_schema
			JOIN information_schema.constraint_column_usage ccu
				ON ccu.constraint_name = tc.constraint_name AND ccu.constraint_schema = tc.constraint_schema
			WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = current_schema()`)
		if err != nil {
			return nil, fmt.Errorf("backup: foreign keys: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var fk foreignKey
			if err := rows.Scan(&fk.Table, &fk.Column, &fk.RefTable, &fk.RefColumn); err != nil {
				return nil, fmt.Errorf("backup: foreign keys: %w", err)
			}
			out = append(out, fk)
		}
		return out, rows.Err()
	}
	for _, t := range tables {
		rows, err := c.QueryContext(ctx, `SELECT "table", "from", "to" FROM pragma_foreign_key_list(?)`, t)
		if err != nil {
			return nil, fmt.Errorf("backup: foreign keys of %s: %w", t, err)
		}
		for rows.Next() {
			fk := foreignKey{Table: t}
			var to sql.NullString
			if err := rows.Scan(&fk.RefTable, &fk.Column, &to); err != nil {
				rows.Close()
				return nil, fmt.Errorf("backup: foreign keys of %s: %w", t, err)
			}
			// A reference without a column list means the primary key;
			// every Tack table's primary key is "id".
			fk.RefColumn = to.String
			if fk.RefColumn == "" {
				fk.RefColumn = "id"
			}
			out = append(out, fk)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// loadOrder sorts tables so that every table comes after the tables it
// references (self-references are handled row by row, see orderRows).
func loadOrder(tables []string, fks []foreignKey) ([]string, error) {
	deps := map[string]map[string]bool{}
	in := map[string]bool{}
	for _, t := range tables {
		in[t] = true
		deps[t] = map[string]bool{}
	}
	for _, fk := range fks {
		if in[fk.Table] && in[fk.RefTable] && fk.Table != fk.RefTable {
			deps[fk.Table][fk.RefTable] = true
		}
	}
	var out []string
	done := map[string]bool{}
	for len(out) < len(tables) {
		progressed := false
		for _, t := range tables { // tables is sorted: the order is deterministic
			if done[t] {
				continue
			}
			ready := true
			for d := range deps[t] {
				if !done[d] {
					ready = false
					break
				}
			}
			if ready {
				done[t] = true
				out = append(out, t)
				progressed = true
			}
		}
		if !progressed {
			return nil, fmt.Errorf("backup: foreign keys form a cycle between tables; cannot order the load")
		}
	}
	return out, nil
}

// serialColumns returns, on PostgreSQL, the columns filled from a sequence
// (BIGSERIAL), as table → column.
func serialColumns(ctx context.Context, c conn) (map[string]string, error) {
	rows, err := c.QueryContext(ctx, `SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND column_default LIKE 'nextval(%'`)
	if err != nil {
		return nil, fmt.Errorf("backup: serial columns: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var t, col string
		if err := rows.Scan(&t, &col); err != nil {
			return nil, fmt.Errorf("backup: serial columns: %w", err)
		}
		out[t] = col
	}
	return out, rows.Err()
}

// appliedMigrations returns the IDs in schema_migrations, in applied order.
func appliedMigrations(ctx context.Context, c conn) ([]string, error) {
	ids, err := queryStrings(ctx, c, `SELECT id FROM schema_migrations ORDER BY applied_at, id`)
	if err != nil {
		return nil, fmt.Errorf("backup: read schema_migrations: %w", err)
	}
	return ids, nil
}

func queryStrings(ctx context.Context, c conn, q string, args ...any) ([]string, error) {
	rows, err := c.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// connOf returns the raw connection or transaction behind a gorm handle.
func connOf(db *gorm.DB) conn { return db.Statement.ConnPool }
