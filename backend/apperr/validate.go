package apperr

import (
	"strings"
	"unicode"
)

// Validator collects field errors so a request is checked whole before any
// write, and the user sees every problem at once.
type Validator struct {
	fields map[string]string
}

// Check records key for field when ok is false. The first failure of a field wins.
func (v *Validator) Check(ok bool, field, key string) {
	if ok {
		return
	}
	if v.fields == nil {
		v.fields = map[string]string{}
	}
	if _, seen := v.fields[field]; !seen {
		v.fields[field] = key
	}
}

// Valid reports whether no check failed.
func (v *Validator) Valid() bool { return len(v.fields) == 0 }

// Err returns nil when valid, else an Invalid error with key, msg and the fields.
func (v *Validator) Err(key, msg string) error {
	if v.Valid() {
		return nil
	}
	e := Invalid(key, msg)
	e.Fields = v.fields
	return e
}

// SingleLine reports whether s is free of control characters (C0, DEL, C1)
// and of the bidirectional overrides that make a name read differently from
// what it is ("invoice\u202Efdp.exe"). Names and titles are shown on one
// line in lists, notifications, CSV exports and logs, where a hidden
// character misleads: a newline forges a log line, a NUL truncates. The
// field-level key for a failure is ControlCharacter.
func SingleLine(s string) bool {
	return !strings.ContainsFunc(s, func(r rune) bool {
		return unicode.IsControl(r) || (r >= '\u202A' && r <= '\u202E') || (r >= '\u2066' && r <= '\u2069')
	})
}

// ControlCharacter is the field-level key of a name or title that fails SingleLine.
const ControlCharacter = "control_character"
