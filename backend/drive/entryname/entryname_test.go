package entryname

import (
	"strings"
	"testing"
)

func TestProblem(t *testing.T) {
	scenarios := []struct{ name, want string }{
		{"报告.docx", ""},
		{".bashrc", ""},
		{"a..b", ""},
		{"", "required"},
		{"\xff", "invalid_utf8"},
		{strings.Repeat("a", MaxBytes+1), "too_long"},
		{".", "dot"},
		{"..", "dot"},
		{"../x", "slash"},
		{`a\b`, "slash"},
		{"a\x00b", "control_character"},
		{"a\nb", "control_character"},
		{"file.txt:stream", "windows_character"},
		{"a?", "windows_character"},
		{"name.", "trailing_dot_or_space"},
		{" name", "trailing_dot_or_space"},
		{"name ", "trailing_dot_or_space"},
		{"con", "windows_reserved"},
		{"LPT1.log", "windows_reserved"},
		{"console", ""},
	}
	for _, s := range scenarios {
		if got := Problem(s.name); got != s.want {
			t.Errorf("Problem(%q) = %q, want %q", s.name, got, s.want)
		}
	}
}
