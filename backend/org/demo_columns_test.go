package org

import "testing"

// The demo logins table lines up in a terminal: the roles column starts at
// the same cell on every row, whether the name is Latin or Chinese.
func TestColumnsMeasureTerminalCells(t *testing.T) {
	got := columns([][]string{
		{"EMAIL", "NAME", "ROLES"},
		{"a@x", "王建国", "[admin]"},
		{"bob@example.com", "Bob", "[member]"},
	})
	want := "EMAIL            NAME    ROLES\n" +
		"a@x              王建国  [admin]\n" +
		"bob@example.com  Bob     [member]\n"
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
}
