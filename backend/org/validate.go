package org

import (
	"net/mail"
	"regexp"
	"strings"
	"unicode/utf8"

	"tack/backend/apperr"
)

// Field limits.
const (
	maxNameLen  = 64
	maxTitleLen = 64
	maxEmailLen = 254
)

var (
	roleIDRE = regexp.MustCompile(`^[a-z][a-z0-9_]{1,31}$`)
)

// normEmail is the stored form of an email: trimmed and lower-case.
func normEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// validEmail accepts a bare address (no display name) with a dotted domain.
func validEmail(s string) bool {
	if len(s) > maxEmailLen || strings.ContainsAny(s, " <>") {
		return false
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	return at > 0 && strings.Contains(s[at+1:], ".")
}

// textProblem returns "required" or "too_long" for a required text field, or "".
func textProblem(s string, max int) string {
	switch {
	case strings.TrimSpace(s) == "":
		return "required"
	case utf8.RuneCountInString(s) > max:
		return "too_long"
	case !apperr.SingleLine(s):
		return apperr.ControlCharacter
	}
	return ""
}

func check(v interface{ Check(bool, string, string) }, field, problem string) {
	v.Check(problem == "", field, problem)
}
