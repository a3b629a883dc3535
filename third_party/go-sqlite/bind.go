// Tack's patch: binding arguments in time linear in their number.
//
// Upstream's conn.bind, for each of a statement's n parameters, asked
// SQLite for its name (sqlite3_bind_parameter_name walks the statement's
// list of named parameters: linear) and then scanned the arguments for the
// one to bind (linear, formatting each ordinal with strconv.Itoa for ?NNN
// and $NNN): n² steps a statement. A 500-ID IN list or a 100-row x
// 17-column insert spent more CPU binding than SQLite spent running it, and
// 1,000-row inserts took seconds (issue 16). Here the names are read once
// per compiled statement (kept in the statement cache) and each parameter
// finds its argument in constant time: by position when the ordinals are
// 1..n in order (database/sql always passes them so), else through a map
// built once per bind. Which argument a parameter gets is unchanged.

package sqlite

import (
	"database/sql/driver"
	"fmt"
	"time"

	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"
)

// paramNames returns the names of pstmt's parameters 1..n as SQLite
// reports them ("" for a bare ?), or nil when every one is a bare ?.
func (c *conn) paramNames(pstmt uintptr, n int) []string {
	var names []string
	for i := 1; i <= n; i++ {
		p := sqlite3.Xsqlite3_bind_parameter_name(c.tls, pstmt, int32(i))
		if p == 0 {
			continue
		}
		if names == nil {
			names = make([]string, n)
		}
		names[i-1] = libc.GoString(p)
	}
	return names
}

// bind binds args to the n parameters of pstmt, a statement compiled for
// this one run (the cached path has its names already: bindNamed).
func (c *conn) bind(pstmt uintptr, n int, args []driver.NamedValue) ([]uintptr, error) {
	return c.bindNamed(pstmt, n, c.paramNames(pstmt, n), args)
}

// argIndex finds the argument for a parameter, as upstream's scan did: the
// first argument (in args order) whose ordinal or name matches.
type argIndex struct {
	args      []driver.NamedValue
	inOrder   bool // args[j].Ordinal == j+1 for every j
	byOrdinal map[int]int
	byName    map[string]int
}

func newArgIndex(args []driver.NamedValue) *argIndex {
	x := &argIndex{args: args, inOrder: true}
	for j := range args {
		if args[j].Ordinal != j+1 {
			x.inOrder = false
			break
		}
	}
	return x
}

// ordinal returns the index in args of the first argument with ordinal k, or -1.
func (x *argIndex) ordinal(k int) int {
	if x.inOrder {
		if k >= 1 && k <= len(x.args) {
			return k - 1
		}
		return -1
	}
	if x.byOrdinal == nil {
		x.byOrdinal = make(map[int]int, len(x.args))
		for j := range x.args {
			if _, ok := x.byOrdinal[x.args[j].Ordinal]; !ok {
				x.byOrdinal[x.args[j].Ordinal] = j
			}
		}
	}
	if j, ok := x.byOrdinal[k]; ok {
		return j
	}
	return -1
}

// named returns the index in args of the first argument named name, or -1.
func (x *argIndex) named(name string) int {
	if x.byName == nil {
		x.byName = make(map[string]int)
		for j := range x.args {
			if n := x.args[j].Name; n != "" {
				if _, ok := x.byName[n]; !ok {
					x.byName[n] = j
				}
			}
		}
	}
	if j, ok := x.byName[name]; ok {
		return j
	}
	return -1
}

// find returns the index in args for parameter i named name, or -1.
func (x *argIndex) find(i int, name string) int {
	if name == "" {
		return x.ordinal(i)
	}
	rest := name[1:]
	j := -1
	// ?NNN and $NNN take the argument with ordinal NNN (upstream: NNN
	// equal to strconv.Itoa(ordinal), so no sign and no leading zero), so
	// that `select $1, $2` works without sql.Named.
	if name[0] == '?' || name[0] == '$' {
		if k, ok := plainNumber(rest); ok {
			j = x.ordinal(k)
		}
	}
	// SQLite allows the prefixes $, @ and : for names; database/sql names
	// start with a letter, so a name never also reads as NNN.
	if jn := x.named(rest); jn >= 0 && (j < 0 || jn < j) {
		j = jn
	}
	return j
}

// plainNumber parses s if strconv.Itoa would print it: digits only, no
// leading zero, small enough to be an ordinal.
func plainNumber(s string) (int, bool) {
	if s == "" || len(s) > 9 || (s[0] == '0' && len(s) > 1) {
		return 0, false
	}
	k := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		k = k*10 + int(s[i]-'0')
	}
	return k, true
}

// bindNamed binds args to the n parameters of pstmt, whose names are names
// (nil: all bare ?). On error it frees what it allocated.
func (c *conn) bindNamed(pstmt uintptr, n int, names []string, args []driver.NamedValue) (allocs []uintptr, err error) {
	defer func() {
		if err == nil {
			return
		}

		for _, v := range allocs {
			c.free(v)
		}
		allocs = nil
	}()

	idx := newArgIndex(args)
	for i := 1; i <= n; i++ {
		name := ""
		if names != nil {
			name = names[i-1]
		}
		j := idx.find(i, name)
		if j < 0 {
			if name != "" {
				return allocs, fmt.Errorf("missing named argument %q", name[1:])
			}

			return allocs, fmt.Errorf("missing argument with index %d", i)
		}
		v := args[j]

		var p uintptr
		switch x := v.Value.(type) {
		case int64:
			if err := c.bindInt64(pstmt, i, x); err != nil {
				return allocs, err
			}
		case float64:
			if err := c.bindDouble(pstmt, i, x); err != nil {
				return allocs, err
			}
		case bool:
			v := 0
			if x {
				v = 1
			}
			if err := c.bindInt(pstmt, i, v); err != nil {
				return allocs, err
			}
		case []byte:
			if p, err = c.bindBlob(pstmt, i, x); err != nil {
				return allocs, err
			}
		case string:
			if p, err = c.bindText(pstmt, i, x); err != nil {
				return allocs, err
			}
		case time.Time:
			if p, err = c.bindText(pstmt, i, c.formatTime(x)); err != nil {
				return allocs, err
			}
		case nil:
			if p, err = c.bindNull(pstmt, i); err != nil {
				return allocs, err
			}
		default:
			return allocs, fmt.Errorf("sqlite: invalid driver.Value type %T", x)
		}
		if p != 0 {
			allocs = append(allocs, p)
		}
	}
	return allocs, nil
}
