package fulltext

import (
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"tack/backend/store"
)

// Order is how Scope sorts the matching rows.
type Order int

const (
	// Newest puts the most recently indexed documents first (the document
	// number, which only grows; an update keeps it). With a LIMIT it stops
	// after that many visible matches.
	Newest Order = iota
	// Best puts the best matches first (bm25 on SQLite, ts_rank on
	// PostgreSQL); it ranks every match before the LIMIT applies.
	Best
	// Unordered leaves the order to the caller: for a count
	// (Select("count(*)")), which PostgreSQL refuses with an ORDER BY.
	Unordered
)

// Search is a parsed query on one index.
type Search struct {
	ix     Index
	groups []group
	keys   []string // key tokens, one of which a match must carry (Within)
}

// Parse reads a user's search input for this index. Any input is accepted:
// it becomes quoted tokens only (see the package comment).
func (ix Index) Parse(input string) Search {
	ix.check()
	return Search{ix: ix, groups: parse(input)}
}

// Empty reports that the input holds nothing to search for (only spaces,
// punctuation or emoji): the caller answers with no results instead of
// calling Scope.
func (s Search) Empty() bool { return len(s.groups) == 0 }

// Scope narrows a query on the domain's table to the rows whose document
// matches, sorted by order. table is the domain table as written in FROM
// ("chat_messages" or "chat_messages AS m"), idColumn its ID column as the
// query names it ("m.id"). The caller adds its own conditions (the reader's
// permission filter first of all), its limit and, when it did not Select,
// gets the table's columns:
//
//	s := messageIndex.Parse(q)
//	if s.Empty() { return nil, nil }
//	err := db.Scopes(s.Scope("chat_messages AS m", "m.id", fulltext.Newest)).
//		Where("m.conversation_id IN (?)", memberOf).Limit(50).Find(&msgs).Error
//
// On SQLite the FTS5 table leads the join (CROSS JOIN fixes the order), so
// the statement walks the matches newest first and stops at the limit; on
// PostgreSQL the planner picks between the GIN index (rare words) and the
// documents newest first (frequent ones). Either way the cost grows with the
// matches the reader may not see: a reader who sees 1% of the documents
// walks about 100 × limit matches (bench/RESULTS.md). An empty Search
// matches nothing.
func (s Search) Scope(table, idColumn string, order Order) func(*gorm.DB) *gorm.DB {
	s.ix.check()
	alias := table
	if f := strings.Fields(table); len(f) > 1 {
		alias = f[len(f)-1]
	}
	t, d := s.ix.Table, s.ix.doc()
	return func(db *gorm.DB) *gorm.DB {
		if s.Empty() {
			return db.Table(table).Where("1 = 0")
		}
		if len(db.Statement.Selects) == 0 {
			db = db.Select(alias + ".*")
		}
		if !store.IsPostgres(db) {
			db = db.Table(t+" CROSS JOIN "+d+" ON "+d+".doc = "+t+".rowid CROSS JOIN "+table+" ON "+idColumn+" = "+d+".id").
				Where(t+" MATCH ?", s.fts5())
			switch order {
			case Best:
				return db.Order(t + ".rank")
			case Unordered:
				return db
			}
			return db.Order(t + ".rowid DESC")
		}
		q := s.tsQuery()
		on := d + ".id = " + idColumn + " AND " + s.ix.vector() + " @@ ?::tsquery"
		args := []any{q}
		for _, like := range phraseLikes(s.groups) {
			on += " AND fulltext_phrase(" + d + ".tokens, ?)"
			args = append(args, like)
		}
		db = db.Table(table).Joins("JOIN "+d+" ON "+on, args...)
		switch order {
		case Best:
			return db.Order(clause.OrderBy{Expression: clause.Expr{
				SQL: "ts_rank(" + s.ix.vector() + ", ?::tsquery) DESC, " + idColumn + " DESC", Vars: []any{q}}})
		case Unordered:
			return db
		}
		// The document number, not the domain's ID: the planner then either
		// walks the documents newest first (a frequent word) or sorts the
		// few the GIN index found (a rare one); ordered by the domain's ID it
		// merge-joined the whole table for a rare word.
		return db.Order(d + ".doc DESC")
	}
}

// IDs returns the IDs of up to limit matching documents, newest first,
// without a domain table: for a domain whose permission check is not SQL,
// which then filters them itself (and asks for more when it dropped some).
func (s Search) IDs(db *gorm.DB, limit int) ([]string, error) {
	var ids []string
	if s.Empty() {
		return ids, nil
	}
	d := s.ix.doc()
	var err error
	if store.IsPostgres(db) {
		where := s.ix.vector() + " @@ ?::tsquery"
		args := []any{s.tsQuery()}
		for _, like := range phraseLikes(s.groups) {
			where += " AND fulltext_phrase(tokens, ?)"
			args = append(args, like)
		}
		err = db.Raw(`SELECT id FROM `+d+` WHERE `+where+` ORDER BY doc DESC LIMIT ?`, append(args, limit)...).Scan(&ids).Error
	} else {
		t := s.ix.Table
		err = db.Raw(`SELECT `+d+`.id FROM `+t+` CROSS JOIN `+d+` ON `+d+`.doc = `+t+`.rowid
			WHERE `+t+` MATCH ? ORDER BY `+t+`.rowid DESC LIMIT ?`, s.fts5(), limit).Scan(&ids).Error
	}
	return ids, err
}

// fts5 is the MATCH expression: the groups and, with keys, one of them.
func (s Search) fts5() string {
	q := fts5Query(s.groups)
	if len(s.keys) > 0 {
		q += ` AND ("` + strings.Join(s.keys, `" OR "`) + `")`
	}
	return q
}

// tsQuery is the tsquery: the groups and, with keys, one of them.
func (s Search) tsQuery() string {
	q := tsQuery(s.groups)
	if len(s.keys) > 0 {
		q += " & ('" + strings.Join(s.keys, "' | '") + "')"
	}
	return q
}
