package fulltext

import (
	"strings"
	"unicode"
)

// maxWord bounds a Latin or digit word (in runes): longer ones are cut, on
// both sides alike, so a pasted hash or URL does not bloat the index.
const maxWord = 64

// maxGroups bounds how many groups a query has, so a pasted paragraph costs
// at most that many index lookups.
const maxGroups = 16

type class int

const (
	sep class = iota
	cjk
	word
)

// fold maps full-width ASCII forms (Ａ, １, ！) and the ideographic space to
// their ASCII counterparts, and lowers case.
func fold(r rune) rune {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E:
		r -= 0xFEE0
	case r == 0x3000:
		r = ' '
	}
	return unicode.ToLower(r)
}

func classOf(r rune) class {
	switch {
	case unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul):
		return cjk
	case unicode.IsLetter(r), unicode.IsDigit(r), unicode.IsMark(r):
		return word
	}
	return sep
}

// run is a maximal stretch of one class of characters.
type run struct {
	class class
	runes []rune
}

// runs splits folded text into its CJK and word runs, dropping separators.
func runs(text string) []run {
	var out []run
	var cur run
	flush := func() {
		if cur.class != sep && len(cur.runes) > 0 {
			out = append(out, cur)
		}
		cur = run{}
	}
	for _, r := range text {
		r = fold(r)
		c := classOf(r)
		if unicode.IsMark(r) {
			if cur.class == word {
				cur.runes = append(cur.runes, r)
				continue
			}
			c = sep // a mark with nothing to attach to separates
		}
		if c != sep && c == cur.class {
			cur.runes = append(cur.runes, r)
			continue
		}
		flush()
		cur.class = c
		if c != sep {
			cur.runes = append(cur.runes, r)
		}
	}
	flush()
	return out
}

func wordOf(rs []rune) string {
	if len(rs) > maxWord {
		rs = rs[:maxWord]
	}
	return string(rs)
}

// Tokens returns the tokens that index text, in order: each CJK run's
// overlapping bigrams followed by its last character alone, each Latin or
// digit run whole and lower-cased. Punctuation, symbols and emoji are not
// indexed.
func Tokens(text string) []string {
	var out []string
	for _, r := range runs(text) {
		if r.class == word {
			out = append(out, wordOf(r.runes))
			continue
		}
		for i := 0; i+1 < len(r.runes); i++ {
			out = append(out, string(r.runes[i:i+2]))
		}
		out = append(out, string(r.runes[len(r.runes)-1]))
	}
	return out
}

// group is one part of a query: a phrase of tokens that must appear in this
// order, the last one matched as a prefix when prefix is set.
type group struct {
	tokens []string
	prefix bool
}

// parse turns user input into query groups (see the package comment).
func parse(input string) []group {
	var out []group
	for _, r := range runs(input) {
		if len(out) == maxGroups {
			break
		}
		switch {
		case r.class == word:
			out = append(out, group{tokens: []string{wordOf(r.runes)}, prefix: true})
		case len(r.runes) == 1:
			out = append(out, group{tokens: []string{string(r.runes)}, prefix: true})
		default:
			g := group{}
			for i := 0; i+1 < len(r.runes); i++ {
				g.tokens = append(g.tokens, string(r.runes[i:i+2]))
			}
			out = append(out, g)
		}
	}
	return out
}

// fts5Query writes groups as an FTS5 MATCH expression: each group a quoted
// string (a phrase), "*" after a prefix group, groups separated by spaces
// (AND). Tokens hold no quote or operator character, and each is quoted
// anyway with FTS5's doubling of '"'.
func fts5Query(gs []group) string {
	var b strings.Builder
	for i, g := range gs {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteByte('"')
		b.WriteString(strings.ReplaceAll(strings.Join(g.tokens, " "), `"`, `""`))
		b.WriteByte('"')
		if g.prefix {
			b.WriteByte('*')
		}
	}
	return b.String()
}

// tsQuery writes groups as a PostgreSQL tsquery literal: every token quoted
// (” doubling, backslashes doubled), prefixes with :*, all joined with &.
// The order within a phrase is checked by phraseLikes.
func tsQuery(gs []group) string {
	q := strings.NewReplacer(`'`, `''`, `\`, `\\`)
	var parts []string
	for _, g := range gs {
		// A phrase asks the index for its first bigram only: the planner
		// multiplies the frequencies of a query's tokens as if independent,
		// and a word's bigrams are not (项目 and 目进 come together), so three
		// bigrams of a common word looked 100 times rarer than they are.
		p := "'" + q.Replace(g.tokens[0]) + "'"
		if g.prefix {
			p += ":*"
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, " & ")
}

// phraseLikes returns, for each group of several tokens, a LIKE pattern
// that the space-padded token string (' ' || tokens || ' ') matches when the
// tokens stand next to each other in this order. Tokens hold no LIKE
// wildcard; they are escaped anyway (LIKE's default escape, backslash).
func phraseLikes(gs []group) []string {
	esc := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	var out []string
	for _, g := range gs {
		if len(g.tokens) > 1 {
			out = append(out, "% "+esc.Replace(strings.Join(g.tokens, " "))+" %")
		}
	}
	return out
}
