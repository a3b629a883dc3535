package backup

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"gorm.io/gorm"

	"tack/backend/store"
)

// snapshotTxOptions is the one read-only transaction the whole dump runs
// in. PostgreSQL: REPEATABLE READ fixes the snapshot at the first query.
// SQLite: the driver begins read-only transactions DEFERRED (not with the
// pool's BEGIN IMMEDIATE, which would block the server's writers for the
// whole dump); the WAL read snapshot is fixed at the first read.
func snapshotTxOptions(postgres bool) *sql.TxOptions {
	if postgres {
		return &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
	}
	return &sql.TxOptions{ReadOnly: true}
}

// dumpResult is what one snapshot transaction produced.
type dumpResult struct {
	migrations []string
	tables     []TableFile
	chunks     []chunkRef
}

// dump writes every table of db into dir/db/<table>.ndjson and returns the
// tables, the applied migrations and the chunks the drive rows reference,
// all read in one snapshot transaction.
func dump(ctx context.Context, db *gorm.DB, dir string, progress func(Progress)) (*dumpResult, error) {
	if err := os.MkdirAll(filepath.Join(dir, "db"), 0o700); err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	postgres := store.IsPostgres(db)
	res := &dumpResult{}
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		c := connOf(tx)
		var err error
		// The first query fixes the snapshot; everything below sees it.
		if res.migrations, err = appliedMigrations(ctx, c); err != nil {
			return err
		}
		tables, err := listTables(ctx, c, postgres, false)
		if err != nil {
			return err
		}
		for _, t := range tables {
			tf, err := dumpTable(ctx, c, postgres, t, dir, progress)
			if err != nil {
				return err
			}
			res.tables = append(res.tables, *tf)
		}
		res.chunks, err = referencedChunks(ctx, c)
		return err
	}, snapshotTxOptions(postgres))
	if err != nil {
		return nil, err
	}
	return res, nil
}

// dumpTable streams one table into its NDJSON file.
func dumpTable(ctx context.Context, c conn, postgres bool, table, dir string, progress func(Progress)) (*TableFile, error) {
	list, err := storedColumns(ctx, c, postgres, table)
	if err != nil {
		return nil, err
	}
	rows, err := c.QueryContext(ctx, "SELECT "+list+" FROM "+quote(table))
	if err != nil {
		return nil, fmt.Errorf("backup: read %s: %w", table, err)
	}
	defer rows.Close()
	cts, err := rows.ColumnTypes()
	if err != nil {
		return nil, fmt.Errorf("backup: columns of %s: %w", table, err)
	}
	tf := &TableFile{Name: table, File: "db/" + table + ".ndjson"}
	for _, ct := range cts {
		tf.Columns = append(tf.Columns, Column{Name: ct.Name(), Type: portableType(ct.DatabaseTypeName()), DBType: ct.DatabaseTypeName()})
	}
	out, err := createHashed(filepath.Join(dir, filepath.FromSlash(tf.File)))
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	enc := json.NewEncoder(out)
	vals := make([]any, len(cts))
	ptrs := make([]any, len(cts))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	line := make([]any, len(cts))
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			out.abort()
			return nil, fmt.Errorf("backup: read %s: %w", table, err)
		}
		for i, v := range vals {
			if line[i], err = encodeValue(tf.Columns[i].Type, v); err != nil {
				out.abort()
				return nil, fmt.Errorf("backup: %s.%s: %w", table, tf.Columns[i].Name, err)
			}
		}
		if err := enc.Encode(line); err != nil { // Encode ends each row with '\n'
			out.abort()
			return nil, fmt.Errorf("backup: write %s: %w", tf.File, err)
		}
		tf.Rows++
		if tf.Rows%5000 == 0 {
			report(progress, Progress{Phase: PhaseDatabase, Table: table, Rows: tf.Rows})
		}
	}
	if err := rows.Err(); err != nil {
		out.abort()
		return nil, fmt.Errorf("backup: read %s: %w", table, err)
	}
	if tf.Bytes, tf.SHA256, err = out.finish(); err != nil {
		return nil, fmt.Errorf("backup: write %s: %w", tf.File, err)
	}
	report(progress, Progress{Phase: PhaseDatabase, Table: table, Rows: tf.Rows})
	return tf, nil
}

// referencedChunks lists the chunks file versions consist of. Chunks named
// only by open upload sessions are left out: an upload asks again for any
// chunk it finds without a file, so a restored session is still whole.
func referencedChunks(ctx context.Context, c conn) ([]chunkRef, error) {
	rows, err := c.QueryContext(ctx, `SELECT hash, MAX(size) FROM drive_version_chunks GROUP BY hash ORDER BY hash`)
	if err != nil {
		return nil, fmt.Errorf("backup: list referenced chunks: %w", err)
	}
	defer rows.Close()
	var out []chunkRef
	for rows.Next() {
		var r chunkRef
		if err := rows.Scan(&r.Hash, &r.Size); err != nil {
			return nil, fmt.Errorf("backup: list referenced chunks: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// writeChunkList writes chunks.txt and returns its description.
func writeChunkList(dir string, refs []chunkRef) (ChunkList, error) {
	cl := ChunkList{File: chunkListFile, Count: len(refs)}
	out, err := createHashed(filepath.Join(dir, chunkListFile))
	if err != nil {
		return cl, fmt.Errorf("backup: %w", err)
	}
	w := bufio.NewWriter(out)
	for _, r := range refs {
		fmt.Fprintf(w, "%s %d\n", r.Hash, r.Size)
		cl.Bytes += r.Size
	}
	if err := w.Flush(); err != nil {
		out.abort()
		return cl, fmt.Errorf("backup: write chunk list: %w", err)
	}
	if _, cl.SHA256, err = out.finish(); err != nil {
		return cl, fmt.Errorf("backup: write chunk list: %w", err)
	}
	return cl, nil
}
