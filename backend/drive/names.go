package drive

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"tack/backend/apperr"
)

// MaxNameBytes bounds an entry name (UTF-8, after NFC): what every desktop
// file system the sync agent writes to accepts.
const MaxNameBytes = 255

// MaxDescription bounds an entry's description, in characters.
const MaxDescription = 2000

// windowsReserved are device names Windows refuses as a file name, with or
// without an extension ("CON", "con.txt", "LPT1.log").
var windowsReserved = map[string]bool{"CON": true, "PRN": true, "AUX": true, "NUL": true,
	"COM1": true, "COM2": true, "COM3": true, "COM4": true, "COM5": true, "COM6": true, "COM7": true, "COM8": true, "COM9": true,
	"LPT1": true, "LPT2": true, "LPT3": true, "LPT4": true, "LPT5": true, "LPT6": true, "LPT7": true, "LPT8": true, "LPT9": true}

// nameProblem returns the field-level key of what is wrong with an
// NFC-normalised name, or "".
func nameProblem(name string) string {
	switch {
	case name == "":
		return "required"
	case !utf8.ValidString(name):
		return "invalid_utf8"
	case len(name) > MaxNameBytes:
		return "too_long"
	case name == "." || name == "..":
		return "dot"
	case strings.ContainsAny(name, `/\`):
		return "slash"
	case strings.ContainsFunc(name, unicode.IsControl):
		return "control_character"
	case strings.ContainsAny(name, `<>:"|?*`):
		return "windows_character"
	case strings.TrimRight(name, ". ") != name || strings.TrimSpace(name) != name:
		return "trailing_dot_or_space"
	}
	base := name
	if i := strings.IndexByte(base, '.'); i >= 0 {
		base = base[:i]
	}
	if windowsReserved[strings.ToUpper(strings.TrimSpace(base))] {
		return "windows_reserved"
	}
	return ""
}

// CleanName NFC-normalises name and validates it. The error is
// drive.name_invalid with fields {"name": problem}; problems: required,
// invalid_utf8, too_long, dot, slash, control_character, windows_character,
// trailing_dot_or_space, windows_reserved.
func CleanName(name string) (string, error) {
	n := norm.NFC.String(name)
	if p := nameProblem(n); p != "" {
		return "", apperr.Invalid("drive.name_invalid", "this name cannot be used for a file or folder").WithField("name", p)
	}
	return n, nil
}

// nameKey is the case-insensitive uniqueness key of a clean name: two live
// siblings may not share it (Windows and macOS file systems fold case).
func nameKey(name string) string { return strings.ToLower(strings.ToUpper(name)) }

func checkDescription(d string) error {
	if utf8.RuneCountInString(d) > MaxDescription {
		return apperr.Invalid("drive.description_too_long", "the description is too long").WithField("description", "too_long")
	}
	return nil
}
