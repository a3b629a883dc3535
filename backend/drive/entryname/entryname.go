// Package entryname holds the rules for the name of a drive entry (a file
// or folder). The server applies them to every name it stores
// (drive.CleanName), and the desktop sync agent applies the same rules to
// every name a server sends before the name becomes part of a path on disk:
// a malicious or compromised server, or anyone in the middle of an http://
// connection, must not be able to name a file "../autostart" and have the
// agent write it beside the synced folder. The package is pure (no gorm) so
// the agent can import it without the server's code.
package entryname

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxBytes bounds an entry name (UTF-8, after NFC): what every desktop file
// system the sync agent writes to accepts.
const MaxBytes = 255

// windowsReserved are device names Windows refuses as a file name, with or
// without an extension ("CON", "con.txt", "LPT1.log").
var windowsReserved = map[string]bool{"CON": true, "PRN": true, "AUX": true, "NUL": true,
	"COM1": true, "COM2": true, "COM3": true, "COM4": true, "COM5": true, "COM6": true, "COM7": true, "COM8": true, "COM9": true,
	"LPT1": true, "LPT2": true, "LPT3": true, "LPT4": true, "LPT5": true, "LPT6": true, "LPT7": true, "LPT8": true, "LPT9": true}

// Problem returns what is wrong with an NFC-normalised name as a
// field-level key, or "" for a good name. The keys (translated under
// drive.nameProblem in the UI): required, invalid_utf8, too_long, dot,
// slash, control_character, windows_character, trailing_dot_or_space,
// windows_reserved.
func Problem(name string) string {
	switch {
	case name == "":
		return "required"
	case !utf8.ValidString(name):
		return "invalid_utf8"
	case len(name) > MaxBytes:
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
