package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Start at login on Linux: the XDG autostart entry is written and removed
// by the setting, starts the client hidden, and is on by default once a
// sync pair exists — unless the user turned it off.
func TestAutostartEntry(t *testing.T) {
	t.Parallel()
	auto := t.TempDir()
	s := &Autostart{ConfigDir: t.TempDir(), AutostartDir: auto, Exe: "/opt/My Apps/tack"}
	entry := filepath.Join(auto, "tack.desktop")

	if err := s.ApplyDefault(false); err != nil || s.Enabled() {
		t.Fatalf("no pairs: enabled=%v err=%v", s.Enabled(), err)
	}
	if err := s.ApplyDefault(true); err != nil || !s.Enabled() {
		t.Fatalf("a pair exists: enabled=%v err=%v", s.Enabled(), err)
	}
	b, _ := os.ReadFile(entry)
	for _, want := range []string{"[Desktop Entry]", "Type=Application", `Exec="/opt/My Apps/tack" --hidden`, "X-GNOME-Autostart-enabled=true"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("entry lacks %q:\n%s", want, b)
		}
	}

	if err := s.Set(false); err != nil || s.Enabled() {
		t.Fatalf("turned off: enabled=%v err=%v", s.Enabled(), err)
	}
	if _, err := os.Stat(entry); !os.IsNotExist(err) {
		t.Fatalf("entry still there: %v", err)
	}
	// The user's "off" sticks: a pair added later does not turn it back on.
	if err := s.ApplyDefault(true); err != nil || s.Enabled() {
		t.Fatalf("default overrode the user's choice: enabled=%v err=%v", s.Enabled(), err)
	}
	if err := s.Set(true); err != nil || !s.Enabled() {
		t.Fatalf("turned on: enabled=%v err=%v", s.Enabled(), err)
	}
	if err := s.Set(false); err != nil {
		t.Fatal(err)
	}
	if err := s.Set(false); err != nil {
		t.Fatalf("removing a missing entry: %v", err)
	}
}

func TestDesktopEntryQuoting(t *testing.T) {
	t.Parallel()
	got := desktopEntry(`/home/a"b/$x/tack`)
	if !strings.Contains(got, `Exec="/home/a\"b/\$x/tack" --hidden`) {
		t.Fatalf("entry:\n%s", got)
	}
}
