package store

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Config says which database to open. An empty DSN means a SQLite file
// "tack.db" in DataDir.
type Config struct {
	DSN     string
	DataDir string
	// WritesFirst puts this pool's SQLite writers ahead of the other pools'
	// at the process's write gate (writegate.go): the event dispatcher's.
	WritesFirst bool
	// MaxConns caps this pool's PostgreSQL connections (0:
	// DefaultPostgresConns). Replicas sharing a server add up: keep the
	// sum under its max_connections.
	MaxConns int
}

// DefaultPostgresConns is a PostgreSQL pool's size unless Config says.
const DefaultPostgresConns = 32

// IsPostgresDSN reports whether dsn names a PostgreSQL server.
func IsPostgresDSN(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") ||
		strings.Contains(dsn, "host=")
}

// Open connects to the configured database and checks it answers.
func Open(ctx context.Context, cfg Config) (*gorm.DB, error) {
	gcfg := &gorm.Config{
		Logger:                                   quietWhenAbandoned{logger.New(slogWriter{}, logger.Config{SlowThreshold: time.Second, LogLevel: logger.Warn, IgnoreRecordNotFoundError: true})},
		NowFunc:                                  func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) },
		DisableForeignKeyConstraintWhenMigrating: true,
		TranslateError:                           true,
		// Every multi-statement write runs in an explicit transaction
		// (Transaction / store helpers); gorm's own BEGIN/COMMIT around a
		// lone INSERT or UPDATE only added two round trips and, on SQLite,
		// an IMMEDIATE write lock taken earlier than needed.
		SkipDefaultTransaction: true,
	}
	var (
		db  *gorm.DB
		err error
	)
	if IsPostgresDSN(cfg.DSN) {
		pool, perr := openPostgresPool(cfg.DSN)
		if perr != nil {
			return nil, perr
		}
		db, err = gorm.Open(postgres.New(postgres.Config{Conn: pool}), gcfg)
	} else {
		path := cfg.DSN
		if path == "" {
			if cfg.DataDir == "" {
				return nil, fmt.Errorf("store: no DSN and no data dir")
			}
			if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
				return nil, fmt.Errorf("store: create data dir: %w", err)
			}
			path = filepath.Join(cfg.DataDir, "tack.db")
		}
		// No gorm PrepareStmt here: the driver (third_party/go-sqlite, a
		// patched glebarez/go-sqlite) keeps every connection's compiled
		// statements by their text itself, so plain Exec and Query reuse
		// them; gorm's cache would only add a prepare round per statement.
		// (PostgreSQL: pgx prepares and caches per connection by itself.)
		db, err = gorm.Open(sqlite.Dialector{DSN: sqliteDSN(path), Conn: openSQLitePool(sqliteDSN(path), gateFor(path), cfg.WritesFirst)}, gcfg)
	}
	if err != nil {
		return nil, fmt.Errorf("store: open: %w", err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, fmt.Errorf("store: pool: %w", err)
	}
	if !IsPostgres(db) {
		// One writer at a time is SQLite's rule anyway; a small pool keeps
		// readers concurrent under WAL while busy_timeout absorbs writer waits.
		sqlDB.SetMaxOpenConns(8)
	} else {
		// Idle connections stay up to the pool's size. database/sql keeps
		// two by default and closes the rest as each burst ends, so a busy
		// replica opened a PostgreSQL connection (a new server process,
		// authentication, and pgx's prepared statements from empty) for
		// most requests (issue 20). An idle one still goes after a while.
		n := cfg.MaxConns
		if n <= 0 {
			n = DefaultPostgresConns
		}
		sqlDB.SetMaxOpenConns(n)
		sqlDB.SetMaxIdleConns(n)
		sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := sqlDB.PingContext(pctx); err != nil {
		return nil, fmt.Errorf("store: ping: %w", err)
	}
	return db, nil
}

// sqliteDSN sets the pragmas on every pooled connection. busy_timeout must come
// first: the connection has to wait on a busy database before WAL mode is
// switched on, or a concurrent opener fails with SQLITE_BUSY.
//
// _txlock=immediate makes every read-write transaction take the write lock at
// BEGIN, so one that reads before it writes waits on busy_timeout instead of
// failing with SQLITE_BUSY_SNAPSHOT when another writer commits in between
// (read-only transactions, such as the backup's snapshot, stay deferred).
// No _time_format: glebarez/go-sqlite stops reading the DSN after it and
// would silently drop _txlock; its default already writes times in SQLite's
// sortable text form.
func sqliteDSN(path string) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "foreign_keys(1)")
	// Each pooled connection has its own page cache, and another
	// connection's commit empties it; reading through a memory map serves
	// those pages from the OS cache without copying, and a larger cache
	// (negative = KiB, per connection) holds a busy server's working set.
	q.Add("_pragma", "mmap_size(268435456)")
	q.Add("_pragma", "cache_size(-16384)")
	q.Add("_txlock", "immediate")
	return "file:" + path + "?" + q.Encode()
}

// IsPostgres reports whether db talks to PostgreSQL.
func IsPostgres(db *gorm.DB) bool { return db.Dialector.Name() == "postgres" }

// Close closes the pool behind db.
func Close(db *gorm.DB) error {
	sqlDB, err := db.DB()
	if err != nil {
		return err
	}
	forgetPool(sqlDB)
	return sqlDB.Close()
}

// quietWhenAbandoned drops the log line of a query that failed because its
// context ended (a client that went away, a job being stopped): that is not
// a database problem, and under load it would bury the lines that are.
type quietWhenAbandoned struct{ logger.Interface }

func (q quietWhenAbandoned) LogMode(l logger.LogLevel) logger.Interface {
	return quietWhenAbandoned{q.Interface.LogMode(l)}
}

func (q quietWhenAbandoned) Trace(ctx context.Context, begin time.Time, fc func() (string, int64), err error) {
	if err != nil && ctx.Err() != nil {
		return
	}
	q.Interface.Trace(ctx, begin, fc, err)
}

type slogWriter struct{}

func (slogWriter) Printf(format string, args ...any) {
	slog.Warn("store", "msg", fmt.Sprintf(format, args...))
}
