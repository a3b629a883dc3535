package store_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"tack/backend/store"
)

// The SQLite driver (third_party/go-sqlite, bind.go) matches each
// placeholder of a statement to its argument. These tests bind 2,000
// parameters of every placeholder form SQLite has and check that each value
// lands where its placeholder is; the benchmark shows the cost per
// parameter at 100, 1,000 and 10,000 (it grew with their number before).

const bindTestParams = 2000

func openBindConn(tb testing.TB) *sql.Conn {
	tb.Helper()
	db, err := store.Open(context.Background(), store.Config{DataDir: tb.TempDir()})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = store.Close(db) })
	pool, err := db.DB()
	if err != nil {
		tb.Fatal(err)
	}
	c, err := pool.Conn(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = c.Close() })
	// v has no declared type, so each value keeps the type it was bound with.
	if _, err := c.ExecContext(context.Background(), `CREATE TABLE slots (pos INTEGER PRIMARY KEY, v)`); err != nil {
		tb.Fatal(err)
	}
	return c
}

// bindValue is the value of argument k (1-based): the types rotate so that
// a value bound through the wrong branch, or to the wrong slot, shows.
func bindValue(k int) any {
	switch k % 5 {
	case 0:
		return int64(k * 7)
	case 1:
		return "text-" + strconv.Itoa(k)
	case 2:
		return float64(k) + 0.5
	case 3:
		return []byte("blob-" + strconv.Itoa(k))
	default:
		if k%10 == 4 {
			return nil
		}
		return k%20 == 9 // bool, stored as 0/1
	}
}

// stored is what SQLite gives back for bindValue(k), as database/sql scans it into any.
func stored(v any) string {
	switch x := v.(type) {
	case nil:
		return "<nil>"
	case bool:
		if x {
			return "int64 1"
		}
		return "int64 0"
	case []byte:
		return "[]byte " + string(x)
	}
	return fmt.Sprintf("%T %v", v, v)
}

// insertSlots runs one INSERT of len(want) rows (pos, v), where row r's v
// placeholder is place[r], and checks that row r holds want[r].
func insertSlots(t *testing.T, c *sql.Conn, place []string, args []any, want []any) {
	t.Helper()
	ctx := context.Background()
	if _, err := c.ExecContext(ctx, `DELETE FROM slots`); err != nil {
		t.Fatal(err)
	}
	var q strings.Builder
	q.WriteString(`INSERT INTO slots (pos, v) VALUES `)
	for r, p := range place {
		if r > 0 {
			q.WriteByte(',')
		}
		fmt.Fprintf(&q, "(%d, %s)", r, p)
	}
	if _, err := c.ExecContext(ctx, q.String(), args...); err != nil {
		t.Fatal(err)
	}
	rows, err := c.QueryContext(ctx, `SELECT pos, v FROM slots ORDER BY pos`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var pos int
		var v any
		if err := rows.Scan(&pos, &v); err != nil {
			t.Fatal(err)
		}
		if pos != n {
			t.Fatalf("row %d: pos %d", n, pos)
		}
		if got, w := stored(v), stored(want[pos]); got != w {
			t.Fatalf("row %d (placeholder %s): got %s, want %s", pos, place[pos], got, w)
		}
		n++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if n != len(want) {
		t.Fatalf("%d rows, want %d", n, len(want))
	}
}

func TestBindManyPositional(t *testing.T) {
	c := openBindConn(t)
	args := make([]any, bindTestParams)
	place := make([]string, bindTestParams)
	for k := range args {
		args[k] = bindValue(k + 1)
		place[k] = "?"
	}
	insertSlots(t, c, place, args, args)
	// The same text again: the cached statement, bound afresh.
	for k := range args {
		args[k] = bindValue(k + 7)
	}
	insertSlots(t, c, place, args, args)
}

// ?NNN and $NNN name an argument by its position; here they appear in a
// shuffled order, some twice, so text order and argument order differ.
// (One form per statement: SQLite gives $NNN the next free index, like a
// name, so a later ?NNN with that index would be the same parameter.)
func TestBindManyNumbered(t *testing.T) {
	for _, prefix := range []string{"?", "$"} {
		t.Run(prefix+"NNN", func(t *testing.T) {
			c := openBindConn(t)
			rng := rand.New(rand.NewPCG(16, 23))
			args := make([]any, bindTestParams)
			for k := range args {
				args[k] = bindValue(k + 1)
			}
			perm := rng.Perm(bindTestParams)
			// Every number appears once, then 200 rows repeat earlier numbers.
			var place []string
			var want []any
			for _, k := range perm {
				place = append(place, prefix+strconv.Itoa(k+1))
				want = append(want, args[k])
			}
			for i := range 200 {
				k := perm[i*7]
				place = append(place, prefix+strconv.Itoa(k+1))
				want = append(want, args[k])
			}
			insertSlots(t, c, place, args, want)
		})
	}
}

// :name, @name and $name, arguments passed in another order than the
// placeholders appear, some placeholders repeated.
func TestBindManyNamed(t *testing.T) {
	c := openBindConn(t)
	rng := rand.New(rand.NewPCG(23, 16))
	prefixes := []string{":", "@", "$"}
	args := make([]any, bindTestParams)
	vals := make(map[string]any, bindTestParams)
	for i, k := range rng.Perm(bindTestParams) {
		name := "p" + strconv.Itoa(k)
		v := bindValue(k + 3)
		vals[name] = v
		args[i] = sql.Named(name, v)
	}
	var place []string
	var want []any
	for i, k := range rng.Perm(bindTestParams) {
		name := "p" + strconv.Itoa(k)
		// A name keeps one prefix: SQLite counts :a and @a as two parameters.
		place = append(place, prefixes[k%3]+name)
		want = append(want, vals[name])
		if i%10 == 0 {
			place = append(place, prefixes[k%3]+name)
			want = append(want, vals[name])
		}
	}
	insertSlots(t, c, place, args, want)
}

// Bare ? after named placeholders take the next free index, and are matched
// to the argument with that ordinal.
func TestBindMixedNamedAndPositional(t *testing.T) {
	c := openBindConn(t)
	// Parameters: :a is 1, ? is 2, ?5 is 5, ? after it is 6 ($3, ?4 unused would be
	// an error from database/sql's count, so all of 1..6 appear).
	place := []string{":a", "?", "$3", "?4", "?5", "?", ":a"}
	args := []any{sql.Named("a", "named"), int64(2), int64(3), int64(4), int64(5), int64(6)}
	want := []any{"named", int64(2), int64(3), int64(4), int64(5), int64(6), "named"}
	insertSlots(t, c, place, args, want)
}

func TestBindMissingArgument(t *testing.T) {
	c := openBindConn(t)
	ctx := context.Background()
	_, err := c.ExecContext(ctx, `INSERT INTO slots (pos, v) VALUES (1, :a), (2, :b)`, sql.Named("a", 1), sql.Named("c", 2))
	if err == nil || !strings.Contains(err.Error(), `missing named argument "b"`) {
		t.Fatalf("named: %v", err)
	}
	_, err = c.ExecContext(ctx, `INSERT INTO slots (pos, v) VALUES (1, ?), (2, ?3)`, 1, 2)
	if err == nil || !strings.Contains(err.Error(), "missing") {
		t.Fatalf("numbered: %v", err)
	}
	var n int
	if err := c.QueryRowContext(ctx, `SELECT count(*) FROM slots`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("rows after failed inserts: %d, %v", n, err)
	}
}

// BenchmarkBindParams: one SELECT with an n-ID IN list, by placeholder form;
// "json" is the reference, the same IDs as one JSON parameter through
// json_each (what days_set.go does to avoid binding many parameters), i.e.
// the cost of SQLite's own work on n IDs with one bind. ns/param should stay
// flat as n grows.
func BenchmarkBindParams(b *testing.B) {
	for _, n := range []int{100, 1000, 10000} {
		for _, form := range []string{"positional", "numbered", "named", "json"} {
			b.Run(fmt.Sprintf("%s/n=%d", form, n), func(b *testing.B) {
				c := openBindConn(b)
				ctx := context.Background()
				if _, err := c.ExecContext(ctx, `INSERT INTO slots (pos, v) SELECT value, value FROM generate_series(1, 100)`); err != nil {
					// No generate_series in this build: insert one by one.
					for i := 1; i <= 100; i++ {
						if _, err := c.ExecContext(ctx, `INSERT INTO slots (pos, v) VALUES (?, ?)`, i, i); err != nil {
							b.Fatal(err)
						}
					}
				}
				ph := make([]string, n)
				args := make([]any, n)
				ids := make([]int, n)
				for i := range n {
					ids[i] = i*7 + 1
					switch form {
					case "positional":
						ph[i], args[i] = "?", ids[i]
					case "numbered":
						ph[i], args[i] = "?"+strconv.Itoa(i+1), ids[i]
					case "named":
						name := "id" + strconv.Itoa(i)
						ph[i], args[i] = ":"+name, sql.Named(name, ids[i])
					}
				}
				q := `SELECT count(*) FROM slots WHERE pos IN (` + strings.Join(ph, ",") + `)`
				if form == "json" {
					js, _ := json.Marshal(ids)
					q = `SELECT count(*) FROM slots WHERE pos IN (SELECT value FROM json_each(?))`
					args = []any{string(js)}
				}
				want := 0
				for _, id := range ids {
					if id <= 100 {
						want++
					}
				}
				// Compile outside the timer: the connection keeps the
				// compiled statement, the loop measures bind + run. (SQLite's
				// own parser is quadratic in named parameters: each name is
				// looked up in a list of the earlier ones.)
				start := time.Now()
				if _, err := c.ExecContext(ctx, q, args...); err != nil {
					b.Fatal(err)
				}
				first := time.Since(start)
				b.ResetTimer()
				for range b.N {
					var got int
					if err := c.QueryRowContext(ctx, q, args...).Scan(&got); err != nil {
						b.Fatal(err)
					}
					if got != want {
						b.Fatalf("count %d, want %d", got, want)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/param")
				b.ReportMetric(float64(first.Microseconds()), "first_us")
			})
		}
	}
}
