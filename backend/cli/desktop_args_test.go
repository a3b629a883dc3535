package cli

import "testing"

// Only the installer's arguments (start at login, tack:// links) open the
// window; anything else is a command.
func TestIsDesktopArgs(t *testing.T) {
	t.Parallel()
	scenarios := []struct {
		args []string
		want bool
	}{
		{nil, false},
		{[]string{"--hidden"}, true},
		{[]string{"tack://open?link=/approvals/1"}, true},
		{[]string{"--hidden", "TACK://open?link=/drive"}, true},
		{[]string{"serve"}, false},
		{[]string{"tack://open?link=/x", "serve"}, false},
		{[]string{"--hidden", "--addr"}, false},
	}
	for _, s := range scenarios {
		if got := IsDesktopArgs(s.args); got != s.want {
			t.Errorf("IsDesktopArgs(%q) = %v, want %v", s.args, got, s.want)
		}
	}
}
