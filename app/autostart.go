package app

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// Start at login: the client starts hidden in the tray when the user logs
// in, because a backup client that does not run backs nothing up. On Linux
// that is an XDG autostart entry (~/.config/autostart/tack.desktop); on
// Windows the HKCU Run value the installer also writes
// (autostart_windows.go); macOS is planned as a LaunchAgent
// (docs/desktop-release.md).

// autostartPrefs is autostart.json: whether the user decided, and what.
type autostartPrefs struct {
	Set     bool `json:"set"` // false: never chosen, the default applies
	Enabled bool `json:"enabled"`
}

// Autostart is the start-at-login setting of one user account.
type Autostart struct {
	ConfigDir    string // the client's (autostart.json)
	AutostartDir string // ~/.config/autostart ("" = from XDG_CONFIG_HOME / HOME)
	Exe          string // the command to start ("" = this executable)
}

func (s *Autostart) entryPath() string {
	dir := s.AutostartDir
	if dir == "" {
		base := os.Getenv("XDG_CONFIG_HOME")
		if base == "" {
			home, _ := os.UserHomeDir()
			base = filepath.Join(home, ".config")
		}
		dir = filepath.Join(base, "autostart")
	}
	return filepath.Join(dir, "tack.desktop")
}

// Enabled reports whether the entry is there.
func (s *Autostart) Enabled() bool {
	if runtime.GOOS == "windows" && s.AutostartDir == "" {
		return runKeyEnabled()
	}
	_, err := os.Stat(s.entryPath())
	return err == nil
}

// Set records the user's choice and writes or removes the entry.
func (s *Autostart) Set(on bool) error {
	if err := writeJSONFile(s.ConfigDir, "autostart.json", autostartPrefs{Set: true, Enabled: on}); err != nil {
		return err
	}
	return s.apply(on)
}

// ApplyDefault turns the entry on when the user never chose and a sync
// pair exists (the default); a choice made is left as it is.
func (s *Autostart) ApplyDefault(hasPairs bool) error {
	var p autostartPrefs
	if err := readJSONFile(s.ConfigDir, "autostart.json", &p); err != nil {
		return err
	}
	if p.Set || !hasPairs || s.Enabled() {
		return nil
	}
	return s.apply(true)
}

func (s *Autostart) apply(on bool) error {
	if runtime.GOOS == "windows" && s.AutostartDir == "" {
		return setRunKey(on, s.Exe)
	}
	if runtime.GOOS != "linux" && runtime.GOOS != "freebsd" && s.AutostartDir == "" {
		return nil // macOS: not yet (docs/desktop-release.md)
	}
	path := s.entryPath()
	if !on {
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("app: remove autostart entry: %w", err)
		}
		return nil
	}
	exe := s.Exe
	if exe == "" {
		var err error
		if exe, err = os.Executable(); err != nil {
			return fmt.Errorf("app: autostart: %w", err)
		}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("app: autostart: %w", err)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(desktopEntry(exe)), 0o644); err != nil {
		return fmt.Errorf("app: autostart: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("app: autostart: %w", err)
	}
	return nil
}

// desktopEntry is the XDG autostart file: the executable quoted as the
// Desktop Entry spec says (so a path with spaces works), started hidden.
func desktopEntry(exe string) string {
	q := `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "`", "\\`", `$`, `\$`).Replace(exe) + `"`
	return "[Desktop Entry]\nType=Application\nName=Tack\nComment=Tack workplace and folder sync\n" +
		"Exec=" + q + " --hidden\nIcon=tack\nTerminal=false\nX-GNOME-Autostart-enabled=true\n"
}
