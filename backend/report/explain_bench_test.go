package report_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// explainInbox prints PostgreSQL's plans of the inbox's unread part, custom
// and generic (what a prepared statement runs after five executions), when
// TACK_REPORT_BENCH_EXPLAIN is set.
func explainInbox(b *testing.B, db *gorm.DB, head string) {
	if os.Getenv("TACK_REPORT_BENCH_EXPLAIN") == "" {
		return
	}
	q := `SELECT r.*, rr.read_at AS inbox_read_at FROM report_recipients rr JOIN reports r ON r.id = rr.report_id
		WHERE rr.user_id = $1 AND r.status = $2 AND rr.read_at IS NULL ORDER BY rr.report_id DESC LIMIT 51`
	err := db.Connection(func(tx *gorm.DB) error {
		if err := tx.Exec(`PREPARE inbox_unread(text, text) AS ` + q).Error; err != nil {
			return err
		}
		for _, mode := range []string{"force_custom_plan", "force_generic_plan"} {
			if err := tx.Exec(`SET plan_cache_mode = ` + mode).Error; err != nil {
				return err
			}
			var lines []string
			if err := tx.Raw("EXPLAIN (ANALYZE, BUFFERS) EXECUTE inbox_unread('" + head + "', 'submitted')").Scan(&lines).Error; err != nil {
				return err
			}
			b.Logf("%s:\n%s", mode, strings.Join(lines, "\n"))
		}
		return tx.Exec(`DEALLOCATE inbox_unread; RESET plan_cache_mode`).Error
	})
	if err != nil {
		b.Fatal(err)
	}
}

// traceLogger records each statement's time (TACK_REPORT_BENCH_EXPLAIN).
type traceLogger struct {
	logger.Interface
	lines *[]string
}

func (l traceLogger) Trace(ctx context.Context, begin time.Time, fc func() (string, int64), err error) {
	sql, rows := fc()
	if len(sql) > 160 {
		sql = sql[:160]
	}
	*l.lines = append(*l.lines, fmt.Sprintf("%7.2f ms %5d rows  %s", float64(time.Since(begin).Microseconds())/1000, rows, sql))
}

// traceRequest prints the statements one request runs, with their times.
func traceRequest(b *testing.B, db *gorm.DB, fn func()) {
	if os.Getenv("TACK_REPORT_BENCH_EXPLAIN") == "" {
		return
	}
	var lines []string
	old := db.Config.Logger
	db.Config.Logger = traceLogger{Interface: old, lines: &lines}
	t := time.Now()
	fn()
	db.Config.Logger = old
	b.Logf("%d statements, %s in all:\n%s", len(lines), time.Since(t), strings.Join(lines, "\n"))
}

// explainSearch prints the plan of the search statement one request runs
// (EXPLAIN ANALYZE on PostgreSQL, EXPLAIN QUERY PLAN and the time on SQLite)
// when TACK_REPORT_BENCH_EXPLAIN is set.
func explainSearch(b *testing.B, db *gorm.DB, name string, fn func()) {
	if os.Getenv("TACK_REPORT_BENCH_EXPLAIN") == "" {
		return
	}
	var stmts []string
	old := db.Config.Logger
	db.Config.Logger = sqlLogger{Interface: old, stmts: &stmts}
	fn()
	db.Config.Logger = old
	for _, s := range stmts {
		if !strings.Contains(s, "_fts") {
			continue
		}
		explain := "EXPLAIN QUERY PLAN "
		if db.Dialector.Name() == "postgres" {
			explain = "EXPLAIN (ANALYZE, BUFFERS) "
		}
		var lines []string
		rows, err := db.Raw(explain + s).Rows()
		if err != nil {
			b.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				b.Fatal(err)
			}
			lines = append(lines, fmt.Sprint(vals[len(vals)-1]))
		}
		rows.Close()
		b.Logf("%s: %s\n%s", name, s, strings.Join(lines, "\n"))
	}
}

// sqlLogger records each statement with its values in place.
type sqlLogger struct {
	logger.Interface
	stmts *[]string
}

func (l sqlLogger) Trace(ctx context.Context, begin time.Time, fc func() (string, int64), err error) {
	sql, _ := fc()
	*l.stmts = append(*l.stmts, sql)
}
