package drive

import (
	"strings"
	"unicode"
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

// ErrDepartmentName: a department's name is also its drive space's folder
// name, so it follows the rules of every other name (fields.name: the
// problem, as for drive.name_invalid).
var ErrDepartmentName = apperr.Invalid("drive.department_name_invalid",
	"a department's name is also the name of its drive folder and cannot be used as one")

// checkDepartmentName refuses a department name that is not a valid folder
// name (the org hook runs in the department's transaction: nothing is saved).
func checkDepartmentName(name string) error {
	if p := nameProblem(norm.NFC.String(name)); p != "" {
		return ErrDepartmentName.WithField("name", p)
	}
	return nil
}

// folderName turns a name from elsewhere (a company, a person, a department
// saved before its name was checked) into a valid folder name for a space
// root: characters no file system takes become "_", trailing dots and
// spaces go, a Windows device name gets a "_" suffix; fallback when
// nothing usable is left.
func folderName(name, fallback string) string {
	n := strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || strings.ContainsRune(`/\<>:"|?*`, r) {
			return '_'
		}
		return r
	}, norm.NFC.String(strings.ToValidUTF8(name, "_")))
	for len(n) > MaxNameBytes {
		_, size := utf8.DecodeLastRuneInString(n)
		n = n[:len(n)-size]
	}
	n = strings.TrimSpace(strings.TrimRight(n, ". "))
	if nameProblem(n) == "windows_reserved" && len(n) < MaxNameBytes {
		n += "_"
	}
	if nameProblem(n) != "" {
		return fallback
	}
	return n
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
