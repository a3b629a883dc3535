package drive

import (
	"encoding/base64"
	"strconv"
	"strings"
)

func itoa(i int) string { return strconv.Itoa(i) }

// encodeCursor makes an opaque list cursor from its parts.
func encodeCursor(parts ...string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strings.Join(parts, "\x00")))
}

// decodeCursor splits a cursor made by encodeCursor (nil when malformed).
func decodeCursor(c string, n int) []string {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return nil
	}
	parts := strings.Split(string(b), "\x00")
	if len(parts) != n {
		return nil
	}
	return parts
}

// pageOf trims items, read with limit+1, to one page with the role the caller
// has on all of them, and returns the cursor of the next page ("" at the
// end); key gives the cursor fields of the last entry kept.
func pageOf(items []Entry, limit int, role string, key func(Entry) []string) ([]Entry, string) {
	next := ""
	if len(items) > limit {
		items = items[:limit]
		next = encodeCursor(key(items[limit-1])...)
	}
	for i := range items {
		items[i].Role = role
	}
	return items, next
}

func itoa64(i int64) string { return strconv.FormatInt(i, 10) }
