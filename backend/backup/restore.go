package backup

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"tack/backend/store"
)

// ErrTargetNotEmpty is returned when Restore is pointed at a database or
// chunk directory that already holds something: a restore never merges.
var ErrTargetNotEmpty = errors.New("restore target is not empty")

// RestoreOptions configure Restore.
type RestoreOptions struct {
	From     string // the backup directory
	Snapshot string // snapshot name; "" means the one in LATEST
	// Migrations is this binary's full, ordered migration list
	// (server.Migrations()); Restore applies the ones the snapshot had.
	Migrations []store.Migration
	Progress   func(Progress)
}

// RestoreResult says what Restore loaded.
type RestoreResult struct {
	Name       string
	Manifest   *Manifest
	Tables     int
	Rows       int64
	Chunks     int
	ChunkBytes int64
}

// Restore loads a snapshot into target, which must be empty (no tables in
// the database, no chunk files). It checks the snapshot's files against
// the manifest first, copies and verifies the chunks, then in ONE
// transaction creates the schema at the snapshot's version and loads every
// table in foreign-key order. If the load fails, nothing stays in the
// database and the copied chunks are removed again, so the same target can
// be retried.
func Restore(ctx context.Context, target Source, opt RestoreOptions) (*RestoreResult, error) {
	r, err := openRepo(opt.From, false)
	if err != nil {
		return nil, err
	}
	name, m, err := pickSnapshot(r, opt.Snapshot)
	if err != nil {
		return nil, err
	}
	snapDir := r.snapshotDir(name)
	if err := checkSnapshotFiles(snapDir, m, opt.Progress); err != nil {
		return nil, err
	}
	migrations, err := migrationsFor(m, opt.Migrations)
	if err != nil {
		return nil, err
	}
	if err := checkEmpty(ctx, target); err != nil {
		return nil, err
	}
	refs, err := readChunkList(filepath.Join(snapDir, chunkListFile))
	if err != nil {
		return nil, err
	}
	res := &RestoreResult{Name: name, Manifest: m, Tables: len(m.Tables), Chunks: len(refs)}
	for _, c := range refs {
		res.ChunkBytes += c.Size
	}
	if _, err := copyChunks(ctx, r.chunks, target.Blobs, refs, opt.Progress); err != nil {
		removeChunks(target, refs)
		return nil, err
	}
	rows, err := load(ctx, target.DB, snapDir, m, migrations, opt.Progress)
	if err != nil {
		removeChunks(target, refs)
		return nil, err
	}
	res.Rows = rows
	return res, nil
}

// pickSnapshot resolves name ("" = LATEST) to a complete snapshot.
func pickSnapshot(r *repo, name string) (string, *Manifest, error) {
	if name == "" {
		var err error
		if name, err = r.latest(); err != nil {
			return "", nil, err
		}
		if name == "" {
			return "", nil, fmt.Errorf("backup: %s has no complete snapshot (no LATEST)", r.dir)
		}
	}
	if strings.HasSuffix(name, partialSuffix) || strings.ContainsAny(name, `/\`) {
		return "", nil, fmt.Errorf("backup: %q is not a complete snapshot", name)
	}
	m, err := readManifest(r.snapshotDir(name))
	if err != nil {
		return "", nil, fmt.Errorf("backup: snapshot %q: %w", name, err)
	}
	return name, m, nil
}

// checkSnapshotFiles compares every file of the snapshot with the size and
// SHA-256 the manifest records.
func checkSnapshotFiles(dir string, m *Manifest, progress func(Progress)) error {
	type file struct{ rel, sum string }
	files := []file{{m.Chunks.File, m.Chunks.SHA256}}
	for _, t := range m.Tables {
		files = append(files, file{t.File, t.SHA256})
	}
	for _, f := range files {
		report(progress, Progress{Phase: PhaseVerify, Table: f.rel})
		if !filepath.IsLocal(filepath.FromSlash(f.rel)) {
			return fmt.Errorf("backup: manifest names a file outside the snapshot: %q", f.rel)
		}
		_, sum, err := hashFile(filepath.Join(dir, filepath.FromSlash(f.rel)))
		if err != nil {
			return fmt.Errorf("backup: snapshot file %s: %w", f.rel, err)
		}
		if sum != f.sum {
			return fmt.Errorf("backup: snapshot file %s does not match its manifest hash (damaged backup)", f.rel)
		}
	}
	return nil
}

// migrationsFor returns the migrations of all that the snapshot had
// applied, in all's order. A snapshot from a newer Tack (an ID this binary
// does not know) is refused: its tables may not exist here.
func migrationsFor(m *Manifest, all []store.Migration) ([]store.Migration, error) {
	want := map[string]bool{}
	for _, id := range m.Migrations {
		want[id] = true
	}
	var out []store.Migration
	for _, mig := range all {
		if want[mig.ID] {
			out = append(out, mig)
			delete(want, mig.ID)
		}
	}
	if len(want) > 0 {
		var unknown []string
		for id := range want {
			unknown = append(unknown, id)
		}
		return nil, fmt.Errorf("backup: snapshot %s was made by a newer Tack (%s); restore it with that version",
			m.Name, strings.Join(unknown, ", "))
	}
	return out, nil
}

// checkEmpty refuses a target database with any table or a chunk store
// with any chunk.
func checkEmpty(ctx context.Context, t Source) error {
	tables, err := listTables(ctx, connOf(t.DB.WithContext(ctx)), store.IsPostgres(t.DB), true)
	if err != nil {
		return err
	}
	if len(tables) > 0 {
		return fmt.Errorf("backup: restore: the target database already has %d tables (e.g. %s): restore only into a new, empty database: %w",
			len(tables), tables[0], ErrTargetNotEmpty)
	}
	found := errors.New("found")
	err = t.Blobs.Walk(func(string, int64, time.Time) error { return found })
	if errors.Is(err, found) {
		return fmt.Errorf("backup: restore: %s already holds drive chunks: restore only into a new, empty data dir: %w", t.Blobs, ErrTargetNotEmpty)
	}
	if err != nil {
		return fmt.Errorf("backup: restore: look into %s: %w", t.Blobs, err)
	}
	return nil
}

func removeChunks(t Source, refs []chunkRef) {
	for _, c := range refs {
		_ = t.Blobs.Remove(c.Hash)
	}
}

// load creates the schema and loads every table in one transaction.
func load(ctx context.Context, db *gorm.DB, snapDir string, m *Manifest, migrations []store.Migration, progress func(Progress)) (int64, error) {
	postgres := store.IsPostgres(db)
	var total int64
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := store.Migrate(tx, migrations); err != nil {
			return fmt.Errorf("backup: restore: create schema: %w", err)
		}
		c := connOf(tx)
		tables, err := listTables(ctx, c, postgres, false)
		if err != nil {
			return err
		}
		fks, err := foreignKeys(ctx, c, postgres, tables)
		if err != nil {
			return err
		}
		byName := map[string]TableFile{}
		var names []string
		for _, t := range m.Tables {
			byName[t.Name] = t
			names = append(names, t.Name)
		}
		order, err := loadOrder(names, fks)
		if err != nil {
			return err
		}
		for _, name := range order {
			var self []foreignKey
			for _, fk := range fks {
				if fk.Table == name && fk.RefTable == name {
					self = append(self, fk)
				}
			}
			n, err := loadTable(ctx, c, postgres, snapDir, byName[name], self, progress)
			if err != nil {
				return err
			}
			total += n
		}
		if postgres {
			return fixSequences(ctx, c)
		}
		// SQLite updates sqlite_sequence itself when explicit ids are inserted.
		return nil
	})
	return total, err
}

// loadTable inserts one table's rows and checks their number against the
// manifest.
func loadTable(ctx context.Context, c conn, postgres bool, snapDir string, tf TableFile, self []foreignKey, progress func(Progress)) (int64, error) {
	have, err := targetColumns(ctx, c, tf.Name)
	if err != nil {
		return 0, err
	}
	cols := make([]string, len(tf.Columns))
	for i, col := range tf.Columns {
		if !have[col.Name] {
			return 0, fmt.Errorf("backup: restore: column %s.%s of the backup is not in the schema", tf.Name, col.Name)
		}
		cols[i] = quote(col.Name)
	}
	f, err := os.Open(filepath.Join(snapDir, filepath.FromSlash(tf.File)))
	if err != nil {
		return 0, fmt.Errorf("backup: restore: %w", err)
	}
	defer f.Close()
	dec := json.NewDecoder(f)
	dec.UseNumber()
	next := func() ([]any, error) {
		var raw []any
		if err := dec.Decode(&raw); err != nil {
			return nil, err
		}
		if len(raw) != len(tf.Columns) {
			return nil, fmt.Errorf("row has %d values for %d columns", len(raw), len(tf.Columns))
		}
		for i, v := range raw {
			if raw[i], err = decodeValue(tf.Columns[i].Type, v); err != nil {
				return nil, fmt.Errorf("column %s: %w", tf.Columns[i].Name, err)
			}
		}
		return raw, nil
	}
	ins := &inserter{ctx: ctx, c: c, postgres: postgres, table: tf.Name, cols: cols}
	if len(self) > 0 {
		// A table referencing itself (departments.parent_id) is read whole
		// and ordered parents first; such tables are small.
		var all [][]any
		for {
			row, err := next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return 0, fmt.Errorf("backup: restore: %s row %d: %w", tf.Name, len(all)+1, err)
			}
			all = append(all, row)
		}
		for _, row := range orderRows(all, tf.Columns, self) {
			if err := ins.add(row); err != nil {
				return 0, err
			}
		}
	} else {
		for {
			row, err := next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return 0, fmt.Errorf("backup: restore: %s row %d: %w", tf.Name, ins.n+int64(len(ins.batch))+1, err)
			}
			if err := ins.add(row); err != nil {
				return 0, err
			}
			if (ins.n+int64(len(ins.batch)))%5000 == 0 {
				report(progress, Progress{Phase: PhaseDatabase, Table: tf.Name, Rows: ins.n})
			}
		}
	}
	if err := ins.flush(); err != nil {
		return 0, err
	}
	if ins.n != tf.Rows {
		return 0, fmt.Errorf("backup: restore: %s: loaded %d rows, the manifest says %d", tf.Name, ins.n, tf.Rows)
	}
	report(progress, Progress{Phase: PhaseDatabase, Table: tf.Name, Rows: ins.n})
	return ins.n, nil
}

// targetColumns returns the column names the target table has.
func targetColumns(ctx context.Context, c conn, table string) (map[string]bool, error) {
	rows, err := c.QueryContext(ctx, "SELECT * FROM "+quote(table)+" WHERE 1 = 0")
	if err != nil {
		return nil, fmt.Errorf("backup: restore: table %s of the backup is not in the schema: %w", table, err)
	}
	defer rows.Close()
	names, err := rows.Columns()
	if err != nil {
		return nil, fmt.Errorf("backup: restore: columns of %s: %w", table, err)
	}
	out := map[string]bool{}
	for _, n := range names {
		out[n] = true
	}
	return out, nil
}

// inserter batches rows into multi-row INSERTs.
type inserter struct {
	ctx      context.Context
	c        conn
	postgres bool
	table    string
	cols     []string
	batch    [][]any
	n        int64
}

// maxParams keeps a statement under both databases' bind limits
// (SQLite 32766, PostgreSQL 65535).
const maxParams = 20000

func (in *inserter) add(row []any) error {
	in.batch = append(in.batch, row)
	if (len(in.batch)+1)*len(in.cols) > maxParams || len(in.batch) >= 500 {
		return in.flush()
	}
	return nil
}

func (in *inserter) flush() error {
	if len(in.batch) == 0 {
		return nil
	}
	var sb strings.Builder
	sb.WriteString("INSERT INTO " + quote(in.table) + " (" + strings.Join(in.cols, ", ") + ") VALUES ")
	args := make([]any, 0, len(in.batch)*len(in.cols))
	for i, row := range in.batch {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteByte('(')
		for j, v := range row {
			if j > 0 {
				sb.WriteString(", ")
			}
			args = append(args, v)
			if in.postgres {
				sb.WriteString("$" + strconv.Itoa(len(args)))
			} else {
				sb.WriteByte('?')
			}
		}
		sb.WriteByte(')')
	}
	if _, err := in.c.ExecContext(in.ctx, sb.String(), args...); err != nil {
		return fmt.Errorf("backup: restore: insert into %s: %w", in.table, err)
	}
	in.n += int64(len(in.batch))
	in.batch = in.batch[:0]
	return nil
}

// orderRows puts every row after the row it references through a
// self-referencing foreign key (parents before children).
func orderRows(rows [][]any, cols []Column, self []foreignKey) [][]any {
	index := func(name string) int {
		for i, c := range cols {
			if c.Name == name {
				return i
			}
		}
		return -1
	}
	type link struct{ from, to int }
	var links []link
	for _, fk := range self {
		if f, t := index(fk.Column), index(fk.RefColumn); f >= 0 && t >= 0 {
			links = append(links, link{f, t})
		}
	}
	key := func(v any) string { return fmt.Sprint(v) }
	out := make([][]any, 0, len(rows))
	state := make([]byte, len(rows)) // 0 new, 1 in progress, 2 emitted
	var visit func(i int)
	byRef := make([]map[string]int, len(links))
	for li, l := range links {
		byRef[li] = map[string]int{}
		for i, r := range rows {
			if r[l.to] != nil {
				byRef[li][key(r[l.to])] = i
			}
		}
	}
	visit = func(i int) {
		if state[i] != 0 {
			return // emitted, or a cycle: the database will say so
		}
		state[i] = 1
		for li, l := range links {
			if v := rows[i][l.from]; v != nil {
				if j, ok := byRef[li][key(v)]; ok && j != i {
					visit(j)
				}
			}
		}
		state[i] = 2
		out = append(out, rows[i])
	}
	for i := range rows {
		visit(i)
	}
	return out
}

// fixSequences moves every PostgreSQL sequence past the largest restored
// value, or the next insert would collide with a restored row.
func fixSequences(ctx context.Context, c conn) error {
	serials, err := serialColumns(ctx, c)
	if err != nil {
		return err
	}
	for table, col := range serials {
		q := fmt.Sprintf(`SELECT setval(pg_get_serial_sequence($1, $2), COALESCE((SELECT MAX(%s) FROM %s), 0) + 1, false)`,
			quote(col), quote(table))
		if _, err := c.ExecContext(ctx, q, quote(table), col); err != nil {
			return fmt.Errorf("backup: restore: sequence of %s.%s: %w", table, col, err)
		}
	}
	return nil
}
