// Package fulltext is the one full-text search seam of Tack: chat messages,
// work reports and any other domain that lets people search its text use it,
// on SQLite and PostgreSQL alike.
//
// # Tokens
//
// The application tokenizes, not the database, so both databases index and
// query exactly the same tokens (Tokens): text is folded (full-width forms to
// ASCII, lower case); each run of CJK characters (Han, kana, Hangul) becomes
// its overlapping bigrams plus its last character alone ("项目进度" → 项目 目进
// 进度 度), each run of letters and digits one word ("Q3", "okr"); everything
// else (punctuation, spaces, emoji, symbols) separates tokens and is never
// indexed. FTS5's trigram tokenizer would find nothing for a two-character
// word; bigrams find every two-character word, and a longer word is the
// phrase of its bigrams, in order.
//
// A query (Parse) is the AND of its groups: a CJK run of two or more
// characters is a phrase of its bigrams (so "进度项目" does not find "项目进度");
// a single CJK character and every Latin or digit word match as prefixes
// ("报" finds 报告, "rep" finds report). The user's input only ever becomes
// quoted tokens: operators (AND, OR, NOT, NEAR, *, ^, :, quotes, parentheses)
// typed into a search box are separators, never syntax.
//
// # Storage
//
// A domain declares an Index once (fulltext.Index{Table: "chat_message_fts"})
// and appends ix.Migration("<d>-NNNN-fts") to its migrations. Both databases
// get the same plain table <Table>_doc (doc BIGSERIAL PRIMARY KEY, id TEXT
// UNIQUE, tokens TEXT): id is the domain row's string ID (store.NewID), tokens
// the space-separated tokens. Backups copy it like any table and a backup of
// one database restores into the other. The index over it is derived:
//
//   - SQLite: an external-content FTS5 table <Table> (tokenize 'ascii': it
//     splits on the spaces only) over <Table>_doc, keyed by doc, kept in step
//     by triggers, so a restore that inserts <Table>_doc rows rebuilds it. doc
//     is an explicit INTEGER PRIMARY KEY AUTOINCREMENT: VACUUM keeps it and it
//     only grows, so "newest first" is the order documents were first indexed.
//     A domain table's own rowid would not do: its rows have string keys, and
//     VACUUM may renumber an implicit rowid.
//   - PostgreSQL: a GIN index on fulltext_tsvector(tokens), the set of the
//     tokens (array_to_tsvector, in a PL/pgSQL function costed high so the
//     planner prefers the index for rare words: index.go), built without the
//     text-search parser, whose idea of a letter depends on the database's
//     locale (under LC_CTYPE=C it drops every Chinese character). The index
//     finds the documents holding one token of each group of the query (a
//     phrase's first bigram: the planner multiplies token frequencies as if
//     independent, and a word's bigrams are not); the whole phrase, in order,
//     is then checked on their token string by fulltext_phrase (' ' || tokens
//     || ' ' LIKE '% 项目 目进 进度 %').
//     Measured against pg_trgm in bench/RESULTS.md.
//
// # Writing and searching
//
// ix.Put(tx, id, text) and ix.Delete(tx, id) run inside the domain's own
// store.WriteTx, next to the change they index, so the index never disagrees
// with a committed row. A search is ix.Parse(userInput) then, on the domain's
// own query, .Scope(...): it keeps the matching rows and orders them newest
// first or best first. The domain adds its permission filter (who may read
// which row) and its limit to that same statement: permission checks stay in
// the domain, and a reader never sees a row they may not see. Newest is the
// order for a search box; Best and counts visit every match (seconds for a
// word in a fifth of a million documents: bench/RESULTS.md). For a domain
// whose reader check is not SQL, s.IDs(db, limit) returns matching IDs
// newest first.
//
// # Access keys
//
// A domain whose readers are few per document (work reports: the writer, the
// recipients, the heads of the department) indexes each document with its
// readers' keys (PutKeyed, PutAll: "u"+user, "d"+department, letters and
// digits) and searches Within the searcher's keys. A key is a token that
// starts with § — which Tokens never emits, so no text or query reaches it
// — and the index then walks only the documents the searcher may read: a
// common word costs a reader of one document in five hundred what it costs
// one who reads them all. The keys only narrow; the domain's permission
// filter stays on the statement and decides. With Index.Stored (migration
// StoredVector) PostgreSQL keeps the token set in a stored column, tsv, that
// the GIN index and a walk newest first both read, with statistics ANALYZE
// gathers, instead of the function computed per row; TokenStatistics makes
// those statistics name 10,000 tokens, so that the planner asks the index
// for a word outside the commonest thousand instead of walking every
// document newest first for it.
//
// The existing searches (people, approval titles and numbers, drive names)
// stay LIKE on purpose: they match short fields by substring, inside a word
// (a phone number's middle digits, "k\s" in back\slash, a file extension),
// which a word index cannot; LIKE already finds a two-character Chinese word
// there, and their candidate rows are few and narrowed first by an index.
package fulltext
