package store

import "strings"

// likeEscaper escapes LIKE's wildcards and its escape character.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// Contains is a LIKE pattern matching values that contain s literally: a
// "%" or "_" typed into a search box is a character, not a wildcard. Use it
// with an explicit escape clause, `col LIKE ? ESCAPE '\'` (SQLite has no
// default escape character; PostgreSQL's is the same backslash).
func Contains(s string) string { return "%" + likeEscaper.Replace(s) + "%" }
