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
