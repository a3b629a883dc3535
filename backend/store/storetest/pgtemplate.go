package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"

	"gorm.io/gorm"

	"tack/backend/store"
)

// Migrating a PostgreSQL schema per test took most of a PostgreSQL test's
// time (the approval package spent ~150 s on it). Instead each test process
// migrates one template database per migration list and every test gets
// CREATE DATABASE ... TEMPLATE of it: PostgreSQL copies the files, which
// beat replaying DDL (see bench/RESULTS.md, "Test suite time").
//
// Names carry the test process's pid: go test runs packages in parallel
// processes, each with its own templates, and a process that finds a
// database of a process no longer running drops it, since a test process
// has no hook at exit to drop its own templates (clones are dropped after
// each test, see pgDrops).
const (
	pgTemplatePrefix = "tacktmpl_"
	pgClonePrefix    = "tacktest_"
	// pgSchema is the schema the tables live in, in templates and clones:
	// not public, as deployments may name their own schema in the DSN.
	pgSchema = "tack"
)

// PostgresMigratedDSN returns a DSN for a new database already migrated
// with migrations (a clone of this process's template for that list) and
// drops the database when the test ends. It skips like PostgresDSN.
func PostgresMigratedDSN(t testing.TB, migrations []store.Migration) string {
	t.Helper()
	base := postgresBase(t)
	tmpl, err := pgTemplate(base, migrations)
	if err != nil {
		t.Fatal(err)
	}
	admin, err := pgAdminDB(base)
	if err != nil {
		t.Fatal(err)
	}
	var rnd [6]byte
	_, _ = rand.Read(rnd[:])
	name := pgClonePrefix + strconv.Itoa(os.Getpid()) + "_" + hex.EncodeToString(rnd[:])
	// WAL_LOG (PostgreSQL 15's default) rather than FILE_COPY: FILE_COPY
	// checkpoints twice per database, which parallel tests queue behind.
	if err := admin.Exec("CREATE DATABASE " + name + " TEMPLATE " + tmpl).Error; err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pgDropLater(admin, name) })
	return withSearchPath(withDatabase(base, name), pgSchema)
}

// pgDrops queues clones to drop. DROP DATABASE waits for a checkpoint
// (1-3 s on a loaded machine), so one goroutine drops them one after
// another while the next tests run, instead of each test waiting for its
// own drop. The queue is bounded so that tests wait once drops fall far
// behind (a queue of 4 did: api took 114 s instead of 78 s); clones still
// queued when the process exits are dropped by the next test process
// (dropDeadProcesses).
const pgDropBacklog = 64

var pgDrops struct {
	once sync.Once
	ch   chan string
}

func pgDropLater(admin *gorm.DB, name string) {
	pgDrops.once.Do(func() {
		pgDrops.ch = make(chan string, pgDropBacklog)
		go func() {
			for n := range pgDrops.ch {
				// FORCE: a server a test left running must not keep it.
				_ = admin.Exec("DROP DATABASE IF EXISTS " + n + " WITH (FORCE)").Error
			}
		}()
	})
	pgDrops.ch <- name
}

// pgAdmin is one connection pool per process to the test database, for
// CREATE and DROP DATABASE.
var pgAdmin struct {
	once sync.Once
	db   *gorm.DB
	err  error
}

func pgAdminDB(base string) (*gorm.DB, error) {
	pgAdmin.once.Do(func() {
		pgAdmin.db, pgAdmin.err = store.Open(context.Background(), store.Config{DSN: base})
		if pgAdmin.err == nil {
			dropDeadProcesses(pgAdmin.db)
		}
	})
	return pgAdmin.db, pgAdmin.err
}

var pgTemplates struct {
	sync.Mutex
	byKey map[string]*pgTmpl
}

type pgTmpl struct {
	once sync.Once
	name string
	err  error
}

func pgTemplate(base string, migrations []store.Migration) (string, error) {
	key := migrationKey(migrations)
	pgTemplates.Lock()
	if pgTemplates.byKey == nil {
		pgTemplates.byKey = map[string]*pgTmpl{}
	}
	tp := pgTemplates.byKey[key]
	if tp == nil {
		tp = &pgTmpl{name: pgTemplatePrefix + strconv.Itoa(os.Getpid()) + "_" + strconv.Itoa(len(pgTemplates.byKey))}
		pgTemplates.byKey[key] = tp
	}
	pgTemplates.Unlock()
	tp.once.Do(func() { tp.err = migratePGTemplate(base, tp.name, migrations) })
	return tp.name, tp.err
}

// migratePGTemplate creates and migrates the template and closes every
// connection to it: CREATE DATABASE ... TEMPLATE fails while the template
// has other sessions.
func migratePGTemplate(base, name string, migrations []store.Migration) error {
	admin, err := pgAdminDB(base)
	if err != nil {
		return err
	}
	if err := admin.Exec("CREATE DATABASE " + name).Error; err != nil {
		return fmt.Errorf("storetest: create template: %w", err)
	}
	ok := false
	defer func() {
		if !ok {
			_ = admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)").Error
		}
	}()
	db, err := store.Open(context.Background(), store.Config{DSN: withSearchPath(withDatabase(base, name), pgSchema)})
	if err != nil {
		return fmt.Errorf("storetest: open template: %w", err)
	}
	err = db.Exec("CREATE SCHEMA " + pgSchema).Error
	if err == nil {
		err = store.Migrate(db, migrations)
	}
	if cerr := store.Close(db); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("storetest: migrate template: %w", err)
	}
	ok = true
	return nil
}

// dropDeadProcesses drops templates and clones whose process (the pid in
// their name) is no longer running: templates of every earlier test
// process, and clones of one that was killed before its cleanups ran.
func dropDeadProcesses(admin *gorm.DB) {
	var names []string
	if err := admin.Raw(`SELECT datname FROM pg_database WHERE datname LIKE ? OR datname LIKE ?`,
		pgTemplatePrefix+"%", pgClonePrefix+"%").Scan(&names).Error; err != nil {
		return
	}
	for _, n := range names {
		rest := strings.TrimPrefix(strings.TrimPrefix(n, pgTemplatePrefix), pgClonePrefix)
		pid, err := strconv.Atoi(strings.SplitN(rest, "_", 2)[0])
		if err != nil || pid == os.Getpid() || processAlive(pid) {
			continue
		}
		_ = admin.Exec("DROP DATABASE IF EXISTS " + n + " WITH (FORCE)").Error
	}
}

func processAlive(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	err = p.Signal(syscall.Signal(0))
	return err == nil || errors.Is(err, syscall.EPERM)
}

func migrationKey(migrations []store.Migration) string {
	ids := make([]string, len(migrations))
	for i, m := range migrations {
		ids[i] = m.ID
	}
	return strings.Join(ids, "\n")
}

// withDatabase returns dsn naming database name instead of its own.
func withDatabase(dsn, name string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		if u, err := url.Parse(dsn); err == nil {
			u.Path = "/" + name
			return u.String()
		}
	}
	return dsn + " dbname=" + name
}
