package fulltext

import (
	"fmt"
	"regexp"
	"strings"

	"gorm.io/gorm"

	"tack/backend/store"
)

// Index is one domain's full-text index, declared once as a package variable
// (var messageIndex = fulltext.Index{Table: "chat_message_fts"}). Table names
// the index; its documents live in Table+"_doc".
type Index struct {
	Table string
	// Stored says the PostgreSQL token set is a stored column, tsv, indexed
	// by GIN (StoredVector's migration), instead of the expression
	// fulltext_tsvector(tokens): a plan that walks the documents newest first
	// then reads each one's set instead of computing it per row.
	Stored bool
}

var tableName = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

func (ix Index) doc() string { return ix.Table + "_doc" }

func (ix Index) check() {
	if !tableName.MatchString(ix.Table) {
		panic(fmt.Sprintf("fulltext: index table %q must be a lower-case identifier", ix.Table))
	}
}

// tsvectorFunc is the PostgreSQL index expression over the token string:
// the set of its tokens, without positions (array_to_tsvector skips the
// text-search parser, whose idea of a letter depends on the database's
// locale: under LC_CTYPE=C it drops every Chinese character). Phrase order
// is checked on the token string itself (search.go). It is PL/pgSQL, never
// inlined, so that its COST stands: costed as the builtins, the planner
// walked a million rows backwards computing it to find a rare word (4 s)
// instead of asking the GIN index (7 ms); costed high, it asks the index for
// rare words and walks the newest rows only for frequent ones.
const tsvectorFunc = `CREATE OR REPLACE FUNCTION fulltext_tsvector(tokens TEXT) RETURNS tsvector
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE COST 1000 AS
$$ BEGIN RETURN array_to_tsvector(string_to_array(tokens, ' ')); END $$`

func tsvectorExpr(col string) string { return "fulltext_tsvector(" + col + ")" }

// phraseFunc checks a phrase on the token string (phraseLikes). A function,
// not a bare LIKE, so the planner keeps its default guess for it instead of
// a LIKE estimate that, multiplied by the token's, made a frequent phrase look
// rare: it then fetched and sorted all 63,000 matches (3.7 s) instead of
// walking the newest documents.
const phraseFunc = `CREATE OR REPLACE FUNCTION fulltext_phrase(tokens TEXT, pattern TEXT) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE COST 10 AS
$$ BEGIN RETURN ' ' || tokens || ' ' LIKE pattern; END $$`

// Migration creates the index (see the package comment); id is the domain's
// migration ID, e.g. "chat-0003-fts". Rows that exist already are not indexed
// by it: a domain adding search to existing data backfills them with Put in
// the same migration (a Func after this one's, or a later step).
func (ix Index) Migration(id string) store.Migration {
	ix.check()
	return store.Migration{ID: id, Func: func(tx *gorm.DB) error {
		stmts := []string{fmt.Sprintf(`CREATE TABLE %s (
			doc BIGSERIAL PRIMARY KEY,
			id TEXT NOT NULL UNIQUE,
			tokens TEXT NOT NULL)`, ix.doc())}
		if store.IsPostgres(tx) {
			stmts = append(stmts, tsvectorFunc, phraseFunc,
				fmt.Sprintf(`CREATE INDEX %s_tsv ON %s USING GIN (%s)`, ix.Table, ix.doc(), tsvectorExpr("tokens")))
		} else {
			t, d := ix.Table, ix.doc()
			stmts = append(stmts,
				fmt.Sprintf(`CREATE VIRTUAL TABLE %s USING fts5(tokens, content='%s', content_rowid='doc', tokenize='ascii')`, t, d),
				fmt.Sprintf(`CREATE TRIGGER %s_ai AFTER INSERT ON %s BEGIN
					INSERT INTO %s(rowid, tokens) VALUES (new.doc, new.tokens); END`, t, d, t),
				fmt.Sprintf(`CREATE TRIGGER %s_ad AFTER DELETE ON %s BEGIN
					INSERT INTO %s(%s, rowid, tokens) VALUES ('delete', old.doc, old.tokens); END`, t, d, t, t),
				fmt.Sprintf(`CREATE TRIGGER %s_au AFTER UPDATE ON %s BEGIN
					INSERT INTO %s(%s, rowid, tokens) VALUES ('delete', old.doc, old.tokens);
					INSERT INTO %s(rowid, tokens) VALUES (new.doc, new.tokens); END`, t, d, t, t, t))
		}
		for _, s := range stmts {
			if err := tx.Exec(store.Portable(tx, s)).Error; err != nil {
				return fmt.Errorf("fulltext: create %s: %w", ix.Table, err)
			}
		}
		return nil
	}}
}

// StoredVector is the migration that turns an existing index's PostgreSQL
// token set into the stored column tsv (see Index.Stored); declare the Index
// with Stored and append this after its Migration. Nothing on SQLite.
func (ix Index) StoredVector(id string) store.Migration {
	ix.check()
	return store.Migration{ID: id, Func: func(tx *gorm.DB) error {
		if !store.IsPostgres(tx) {
			return nil
		}
		d := ix.doc()
		for _, s := range []string{
			`ALTER TABLE ` + d + ` ADD COLUMN tsv tsvector GENERATED ALWAYS AS (array_to_tsvector(string_to_array(tokens, ' '))) STORED`,
			`DROP INDEX IF EXISTS ` + ix.Table + `_tsv`,
			`CREATE INDEX ` + ix.Table + `_tsv ON ` + d + ` USING GIN (tsv)`,
		} {
			if err := tx.Exec(s).Error; err != nil {
				return fmt.Errorf("fulltext: store %s vector: %w", ix.Table, err)
			}
		}
		return nil
	}}
}

// TokenStatisticsTarget is how many of a stored index's tokens PostgreSQL's
// ANALYZE keeps the frequency of (ten per unit: 10,000 tokens, from a
// 300,000-row sample). At the default (100: 1,000 tokens) every word outside
// the commonest thousand was guessed at half the rarest one's frequency: 650
// of 1,000,000 reports for a word in 148 or in none, so the planner walked
// the documents newest first and read all million to find no 50 (2.7 s)
// instead of asking the GIN index (milliseconds). With 10,000 tokens known the
// guess for an unknown word falls to a few dozen and the index is asked;
// a common word, known, is still found by the walk (bench/RESULTS.md "Work
// reports"). ANALYZE of a million documents takes seconds longer for it.
const TokenStatisticsTarget = 1000

// TokenStatistics is the migration that raises the statistics of a stored
// index's token set to TokenStatisticsTarget and gathers them at once (an
// installation that has the documents already would otherwise wait for
// autovacuum). Declare the Index with Stored and append this after its
// StoredVector. Nothing on SQLite: FTS5 has no planner to mislead, it merges
// the words' lists of documents.
func (ix Index) TokenStatistics(id string) store.Migration {
	ix.check()
	return store.Migration{ID: id, Func: func(tx *gorm.DB) error {
		if !store.IsPostgres(tx) {
			return nil
		}
		if !ix.Stored {
			return fmt.Errorf("fulltext: %s: token statistics need the stored token set (Index.Stored)", ix.Table)
		}
		d := ix.doc()
		for _, s := range []string{
			fmt.Sprintf(`ALTER TABLE %s ALTER COLUMN tsv SET STATISTICS %d`, d, TokenStatisticsTarget),
			`ANALYZE ` + d,
		} {
			if err := tx.Exec(s).Error; err != nil {
				return fmt.Errorf("fulltext: %s token statistics: %w", ix.Table, err)
			}
		}
		return nil
	}}
}

// vector is the PostgreSQL token set of the document table's row.
func (ix Index) vector() string {
	if ix.Stored {
		return ix.doc() + ".tsv"
	}
	return tsvectorExpr(ix.doc() + ".tokens")
}

// Put indexes text as the document of the domain row id, replacing what was
// indexed for it before. Call it in the transaction that writes the row. A
// text without any token removes the document.
func (ix Index) Put(tx *gorm.DB, id, text string) error {
	return ix.PutKeyed(tx, id, text, nil)
}

// PutKeyed is Put for a document that also carries access keys (Keys):
// who may read it, as the domain names them, e.g. "u" + a reader's ID and
// "d" + a department's; a search Within some keys finds only documents
// carrying one of them. Keys are letters and digits only (they are folded
// to lower case) and can never match a word of the text or of a query.
func (ix Index) PutKeyed(tx *gorm.DB, id, text string, keys []string) error {
	tokens := strings.Join(Tokens(text), " ")
	if tokens == "" {
		return ix.Delete(tx, id)
	}
	if k := keyTokens(keys); k != "" {
		tokens += " " + k
	}
	// An update keeps the document's doc number, so "newest first" stays the
	// order in which rows were first indexed.
	err := tx.Exec(`INSERT INTO `+ix.doc()+` (id, tokens) VALUES (?, ?)
		ON CONFLICT (id) DO UPDATE SET tokens = excluded.tokens WHERE `+ix.doc()+`.tokens <> excluded.tokens`, id, tokens).Error
	if err != nil {
		return fmt.Errorf("fulltext: index %s %s: %w", ix.Table, id, err)
	}
	return nil
}

// Doc is one document for PutAll.
type Doc struct {
	ID, Text string
	Keys     []string
}

// PutAll is PutKeyed for many documents in few statements (a backfill, a
// bulk load); documents without tokens are skipped, not deleted.
func (ix Index) PutAll(tx *gorm.DB, docs []Doc) error {
	const batch = 500
	var sql strings.Builder
	var args []any
	flush := func() error {
		if len(args) == 0 {
			return nil
		}
		err := tx.Exec(`INSERT INTO `+ix.doc()+` (id, tokens) VALUES `+sql.String()+`
			ON CONFLICT (id) DO UPDATE SET tokens = excluded.tokens WHERE `+ix.doc()+`.tokens <> excluded.tokens`, args...).Error
		sql.Reset()
		args = args[:0]
		if err != nil {
			return fmt.Errorf("fulltext: index %s: %w", ix.Table, err)
		}
		return nil
	}
	for _, d := range docs {
		tokens := strings.Join(Tokens(d.Text), " ")
		if tokens == "" {
			continue
		}
		if k := keyTokens(d.Keys); k != "" {
			tokens += " " + k
		}
		if len(args) > 0 {
			sql.WriteString(", ")
		}
		sql.WriteString("(?, ?)")
		args = append(args, d.ID, tokens)
		if len(args) == 2*batch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

// Delete removes the document of the domain row id; nothing when it has none.
func (ix Index) Delete(tx *gorm.DB, id string) error {
	if err := tx.Exec(`DELETE FROM `+ix.doc()+` WHERE id = ?`, id).Error; err != nil {
		return fmt.Errorf("fulltext: unindex %s %s: %w", ix.Table, id, err)
	}
	return nil
}
