package clientupdate

import (
	"strconv"
	"strings"
)

// ParseVersion reads "1.2.3", "1.2" or "v1.2.3" (a "-suffix" or "+build"
// after the numbers is ignored); ok is false for anything else, such as the
// commit hash of a development build (even an all-digit one: a version has
// a dot).
func ParseVersion(s string) (v [3]int, ok bool) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "v")
	if i := strings.IndexAny(s, "-+"); i >= 0 {
		s = s[:i]
	}
	parts := strings.Split(s, ".")
	if len(parts) < 2 || len(parts) > 3 {
		return v, false
	}
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || p == "" {
			return v, false
		}
		v[i] = n
	}
	return v, true
}

// Newer reports whether version a is strictly newer than b. A version that
// does not parse is never newer, and nothing is newer than one (a
// development build does not update itself).
func Newer(a, b string) bool {
	va, oka := ParseVersion(a)
	vb, okb := ParseVersion(b)
	if !oka || !okb {
		return false
	}
	for i := range va {
		if va[i] != vb[i] {
			return va[i] > vb[i]
		}
	}
	return false
}
