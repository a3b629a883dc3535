// Tack's patch: a per-connection cache of compiled statements.
//
// Upstream compiles the SQL text again on every Exec and Query (a
// "prepared" stmt only keeps the text), so under load SQLite's parser was
// about a fifth of the server's CPU (issue 14). Here each connection keeps
// the compiled form of the single-statement SQL texts it has run, and
// reuses it after sqlite3_reset + sqlite3_clear_bindings. database/sql
// hands a connection to one goroutine at a time, so the map needs no lock.
//
// A text is only cached when it compiles to exactly one statement; texts
// with several statements (or none) take upstream's path. A cached
// statement still in use by open rows (a query inside a loop over another
// query's rows with the same text) is not shared: the second use compiles
// its own, as upstream does.
//
// Column names are read once, at compile time. A statement compiled before
// a schema change would report the old ones (SQLite re-prepares it at the
// next step, after the names were handed out), so every connection drops
// its cache when any connection of this process has run DDL
// (schemaGeneration).

package sqlite

import (
	"context"
	"database/sql/driver"
	"strings"
	"sync/atomic"
	"unsafe"

	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"
)

// stmtCacheSize bounds the compiled statements kept per connection. Texts
// beyond it (IN lists of many lengths) evict others; each costs a few KiB
// of SQLite memory.
const stmtCacheSize = 256

// schemaGeneration counts DDL statements run by this process.
var schemaGeneration atomic.Int64

type cachedStmt struct {
	pstmt   uintptr
	nParams int
	names   []string // parameter names (paramNames); nil: all bare ?
	columns []string
	decl    []string // upper-case declared types of the columns
	busy    bool     // rows over it are open
	dropped bool     // left the cache while busy: finalize at release
}

type stmtCache struct {
	gen   int64
	stmts map[string]*cachedStmt
}

// isDDL reports whether query may change the schema.
func isDDL(query string) bool {
	q := strings.TrimLeft(query, " \t\r\n")
	if len(q) < 4 {
		return false
	}
	switch strings.ToUpper(q[:4]) {
	case "CREA", "ALTE", "DROP":
		return true
	}
	return false
}

// takeCached returns the compiled statement for query, marked busy, or
// ok=false when the query must take the uncached path.
func (c *conn) takeCached(query string) (cs *cachedStmt, ok bool, err error) {
	if isDDL(query) {
		schemaGeneration.Add(1)
		return nil, false, nil
	}
	if g := schemaGeneration.Load(); g != c.cache.gen {
		c.dropCache()
		c.cache.gen = g
	}
	if cs = c.cache.stmts[query]; cs != nil {
		if cs.busy || cs.pstmt == 0 {
			return nil, false, nil
		}
		cs.busy = true
		return cs, true, nil
	}
	cs, err = c.compileOne(query)
	if err != nil {
		return nil, false, err
	}
	if c.cache.stmts == nil {
		c.cache.stmts = make(map[string]*cachedStmt)
	}
	if len(c.cache.stmts) >= stmtCacheSize {
		c.evictOne()
	}
	// A text that is not exactly one statement is remembered as such
	// (pstmt 0) so that it is not compiled twice each time.
	c.cache.stmts[query] = cs
	if cs.pstmt == 0 {
		return nil, false, nil
	}
	cs.busy = true
	return cs, true, nil
}

// compileOne compiles query; pstmt is 0 unless it is exactly one statement.
func (c *conn) compileOne(query string) (*cachedStmt, error) {
	psql, err := libc.CString(query)
	if err != nil {
		return nil, err
	}
	defer c.free(psql)
	tail := psql
	pstmt, err := c.prepareV2(&tail)
	if err != nil {
		return nil, err
	}
	if pstmt == 0 || !onlySpace(tail) {
		if pstmt != 0 {
			c.finalize(pstmt)
		}
		return &cachedStmt{}, nil
	}
	cs := &cachedStmt{pstmt: pstmt}
	if cs.nParams, err = c.bindParameterCount(pstmt); err != nil {
		c.finalize(pstmt)
		return nil, err
	}
	cs.names = c.paramNames(pstmt, cs.nParams)
	n, err := c.columnCount(pstmt)
	if err != nil {
		c.finalize(pstmt)
		return nil, err
	}
	cs.columns = make([]string, n)
	for i := range cs.columns {
		if cs.columns[i], err = c.columnName(pstmt, i); err != nil {
			c.finalize(pstmt)
			return nil, err
		}
	}
	cs.decl = make([]string, n)
	for i := range cs.decl {
		cs.decl[i] = strings.ToUpper(c.columnDeclType(pstmt, i))
	}
	return cs, nil
}

// declType is ColumnTypeDatabaseTypeName read once per column: Next asks
// for it for every text value of every row, and upstream read it from
// SQLite, copied and upper-cased it each time (most of a 200-row page's
// CPU in the approvals inbox, issue 14).
func (r *rows) declType(i int) string {
	if r.decl == nil {
		r.decl = make([]string, len(r.columns))
		for j := range r.decl {
			r.decl[j] = strings.ToUpper(r.c.columnDeclType(r.pstmt, j))
		}
	}
	return r.decl[i]
}

// onlySpace reports whether the C string at p holds only white space and
// semicolons (what follows the last statement of a text).
func onlySpace(p uintptr) bool {
	for ; ; p++ {
		switch *(*byte)(unsafe.Pointer(p)) {
		case 0:
			return true
		case ' ', '\t', '\n', '\r', ';':
		default:
			return false
		}
	}
}

// giveBack readies a cached statement for its next use.
func (c *conn) giveBack(cs *cachedStmt, allocs []uintptr) {
	sqlite3.Xsqlite3_reset(c.tls, cs.pstmt)
	sqlite3.Xsqlite3_clear_bindings(c.tls, cs.pstmt)
	for _, v := range allocs {
		c.free(v)
	}
	cs.busy = false
}

func (c *conn) evictOne() {
	for q, cs := range c.cache.stmts {
		if cs.busy {
			continue
		}
		if cs.pstmt != 0 {
			c.finalize(cs.pstmt)
		}
		delete(c.cache.stmts, q)
		return
	}
}

// dropCache finalizes every statement no rows are open over; a busy one
// is finalized by its rows' Close.
func (c *conn) dropCache() {
	for q, cs := range c.cache.stmts {
		if cs.busy {
			cs.dropped = true
		} else if cs.pstmt != 0 {
			c.finalize(cs.pstmt)
		}
		delete(c.cache.stmts, q)
	}
}

func (c *conn) execCached(ctx context.Context, cs *cachedStmt, args []driver.NamedValue) (r driver.Result, err error) {
	var done int32
	if ctx != nil && ctx.Done() != nil {
		defer interruptOnDone(ctx, c, &done)()
	}
	var allocs []uintptr
	defer func() { c.release(cs, allocs) }()
	if cs.nParams != 0 {
		if allocs, err = c.bindNamed(cs.pstmt, cs.nParams, cs.names, args); err != nil {
			return nil, err
		}
	}
	rc, err := c.step(cs.pstmt)
	if err != nil {
		return nil, err
	}
	switch rc & 0xff {
	case sqlite3.SQLITE_DONE, sqlite3.SQLITE_ROW:
	default:
		return nil, c.errstr(int32(rc))
	}
	return newResult(c)
}

func (c *conn) queryCached(ctx context.Context, cs *cachedStmt, args []driver.NamedValue) (driver.Rows, error) {
	if ctx != nil {
		if err := ctx.Err(); err != nil {
			c.release(cs, nil)
			return nil, err
		}
	}
	var allocs []uintptr
	if cs.nParams != 0 {
		var err error
		if allocs, err = c.bindNamed(cs.pstmt, cs.nParams, cs.names, args); err != nil {
			c.release(cs, nil)
			return nil, err
		}
	}
	return &rows{c: c, pstmt: cs.pstmt, allocs: allocs, columns: cs.columns, decl: cs.decl, cached: cs}, nil
}

// release gives a statement back, or finalizes it if the cache dropped it
// while it was in use.
func (c *conn) release(cs *cachedStmt, allocs []uintptr) {
	c.giveBack(cs, allocs)
	if cs.dropped {
		c.finalize(cs.pstmt)
		cs.pstmt = 0
	}
}

// closeCache finalizes every cached statement before the connection closes.
func (c *conn) closeCache() {
	for q, cs := range c.cache.stmts {
		if cs.pstmt != 0 {
			c.finalize(cs.pstmt)
		}
		delete(c.cache.stmts, q)
	}
}
