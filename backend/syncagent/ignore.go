package syncagent

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
)

// ignoreFile is the per-pair ignore file, in gitignore syntax, at the pair root.
const ignoreFile = ".tackignore"

// tempPrefix starts the name of every temp file the engine writes; such files
// are always ignored.
const tempPrefix = ".tack-tmp-"

// builtinIgnores are never synced: Office and LibreOffice lock files, OS
// metadata, editor swap files and our own temp files.
var builtinIgnores = []string{
	"~$*", ".~lock.*#", ".DS_Store", "Thumbs.db", "desktop.ini", "*.tmp", "*.swp", tempPrefix + "*",
}

type ignoreRule struct {
	re      *regexp.Regexp
	negate  bool
	dirOnly bool
	// Fast path for unanchored basename globs with at most one "*" (all the
	// built-ins, most user rules): prefix + "*" + suffix, or a literal name.
	simple         bool
	star           bool
	prefix, suffix string
}

func (r *ignoreRule) matches(p string) bool {
	if !r.simple {
		return r.re.MatchString(p)
	}
	base := p[strings.LastIndexByte(p, '/')+1:]
	if !r.star {
		return base == r.prefix
	}
	return len(base) >= len(r.prefix)+len(r.suffix) && strings.HasPrefix(base, r.prefix) && strings.HasSuffix(base, r.suffix)
}

// ignore matches slash-separated paths relative to the pair root against
// gitignore rules: "!" negation, a trailing "/" for directories only, a "/"
// inside or at the start anchoring to the root, "*", "?", "[...]" and "**".
// As in git, a path inside an ignored directory is ignored whatever later
// rules say. The zero value ignores only the built-ins after Compile.
type ignore struct {
	rules []ignoreRule
}

// newIgnore compiles the built-ins followed by the given gitignore lines.
func newIgnore(lines []string) (*ignore, error) {
	ig := &ignore{}
	for _, l := range append(append([]string(nil), builtinIgnores...), lines...) {
		if err := ig.add(l); err != nil {
			return nil, err
		}
	}
	return ig, nil
}

// loadIgnore reads root/.tackignore (missing is fine) on top of the built-ins.
func loadIgnore(root string) (*ignore, error) {
	f, err := os.Open(root + string(os.PathSeparator) + ignoreFile)
	if os.IsNotExist(err) {
		return newIgnore(nil)
	}
	if err != nil {
		return nil, fmt.Errorf("sync: read %s: %w", ignoreFile, err)
	}
	defer f.Close()
	lines, err := readLines(f)
	if err != nil {
		return nil, fmt.Errorf("sync: read %s: %w", ignoreFile, err)
	}
	return newIgnore(lines)
}

func readLines(r io.Reader) ([]string, error) {
	var lines []string
	s := bufio.NewScanner(r)
	for s.Scan() {
		lines = append(lines, s.Text())
	}
	return lines, s.Err()
}

func (ig *ignore) add(line string) error {
	line = strings.TrimSuffix(line, "\r")
	if !strings.HasSuffix(line, `\ `) {
		line = strings.TrimRight(line, " \t")
	}
	if line == "" || strings.HasPrefix(line, "#") {
		return nil
	}
	var r ignoreRule
	if strings.HasPrefix(line, "!") {
		r.negate = true
		line = line[1:]
	} else if strings.HasPrefix(line, `\!`) || strings.HasPrefix(line, `\#`) {
		line = line[1:]
	}
	if strings.HasSuffix(line, "/") {
		r.dirOnly = true
		line = strings.TrimRight(line, "/")
	}
	if line == "" {
		return nil
	}
	anchored := strings.Contains(line, "/")
	if !anchored && !strings.ContainsAny(line, "?[\\") && strings.Count(line, "*") <= 1 {
		r.simple = true
		r.prefix, r.suffix, r.star = strings.Cut(line, "*")
		ig.rules = append(ig.rules, r)
		return nil
	}
	line = strings.TrimPrefix(line, "/")
	expr := globToRegexp(line)
	if anchored {
		expr = "^" + expr + "$"
	} else {
		expr = "^(?:.*/)?" + expr + "$"
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		return fmt.Errorf("sync: bad ignore pattern %q: %w", line, err)
	}
	r.re = re
	ig.rules = append(ig.rules, r)
	return nil
}

// globToRegexp translates one gitignore glob (without leading "/" or
// trailing "/") to a regular expression body.
func globToRegexp(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); {
		switch {
		case strings.HasPrefix(p[i:], "**/") && (i == 0 || p[i-1] == '/'):
			b.WriteString("(?:.*/)?")
			i += 3
		case strings.HasPrefix(p[i:], "**") && i+2 == len(p) && (i == 0 || p[i-1] == '/'):
			b.WriteString(".*")
			i += 2
		case p[i] == '*':
			b.WriteString("[^/]*")
			i++
		case p[i] == '?':
			b.WriteString("[^/]")
			i++
		case p[i] == '\\' && i+1 < len(p):
			b.WriteString(regexp.QuoteMeta(p[i+1 : i+2]))
			i += 2
		case p[i] == '[':
			j := strings.IndexByte(p[i+1:], ']')
			if j < 0 {
				b.WriteString(`\[`)
				i++
				continue
			}
			class := p[i+1 : i+1+j]
			if strings.HasPrefix(class, "!") {
				class = "^" + class[1:]
			}
			b.WriteString("[" + strings.ReplaceAll(class, `\`, `\\`) + "]")
			i += j + 2
		default:
			b.WriteString(regexp.QuoteMeta(p[i : i+1]))
			i++
		}
	}
	return b.String()
}

// match evaluates the rules on one path alone; the last matching rule wins.
func (ig *ignore) match(p string, dir bool) bool {
	ignored := false
	for _, r := range ig.rules {
		if r.dirOnly && !dir {
			continue
		}
		if r.negate == ignored && r.matches(p) {
			ignored = !r.negate
		}
	}
	return ignored
}

// Match reports whether the path (relative, slash separated) is ignored.
// Ancestors are checked too: nothing inside an ignored directory is synced.
func (ig *ignore) Match(p string, dir bool) bool {
	if ig == nil {
		return false
	}
	for i := 0; i < len(p); i++ {
		if p[i] == '/' && ig.match(p[:i], true) {
			return true
		}
	}
	return ig.match(p, dir)
}

// MatchSelf is Match without the ancestor check, for walkers that already
// skipped ignored directories.
func (ig *ignore) MatchSelf(p string, dir bool) bool {
	if ig == nil {
		return false
	}
	return ig.match(p, dir)
}
