package drive

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"tack/backend/apperr"
	"tack/backend/drive/entryname"
)

// MaxNameBytes bounds an entry name (UTF-8, after NFC): what every desktop
// file system the sync agent writes to accepts.
const MaxNameBytes = entryname.MaxBytes

// MaxDescription bounds an entry's description, in characters.
const MaxDescription = 2000

// nameProblem returns the field-level key of what is wrong with an
// NFC-normalised name, or "". The rules live in entryname, which the sync
// agent applies to the names it receives.
func nameProblem(name string) string { return entryname.Problem(name) }

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
