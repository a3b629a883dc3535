package fulltext

import (
	"fmt"
	"regexp"
	"strings"
)

// keyMark starts every access-key token. It is neither a letter, a digit
// nor CJK, so Tokens never emits it and no text or query word can equal a
// key; and it is not ASCII, so SQLite's ascii tokenizer keeps it inside the
// token (that tokenizer splits only on ASCII punctuation and spaces).
const keyMark = "§"

var keyPattern = regexp.MustCompile(`^[A-Za-z0-9]+$`)

func keyToken(k string) string {
	if !keyPattern.MatchString(k) {
		panic(fmt.Sprintf("fulltext: access key %q must be letters and digits", k))
	}
	return keyMark + strings.ToLower(k)
}

// keyTokens is the space-separated tokens of keys, each once.
func keyTokens(keys []string) string {
	seen := map[string]bool{}
	var out []string
	for _, k := range keys {
		t := keyToken(k)
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return strings.Join(out, " ")
}

// Within narrows the search to documents carrying at least one of keys
// (PutKeyed): the reader's own keys, so that the index walks only what the
// reader may see and a common word costs as little for a reader who sees
// one report in a thousand as for one who sees them all. It only narrows:
// the domain keeps its own permission filter on the same statement, which
// stays the authority (a key that went stale hides a document, never shows
// one). No keys leaves the search as it was.
func (s Search) Within(keys ...string) Search {
	out := s
	out.keys = nil
	for _, k := range keys {
		out.keys = append(out.keys, keyToken(k))
	}
	return out
}
