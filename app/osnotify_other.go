//go:build !linux && !windows

package app

// newClickNotifier: beeep only (no click-to-open) on macOS, whose
// UNUserNotificationCenter needs a signed bundle (osnotify_windows.go for
// Windows, osnotify_linux.go for Linux).
func newClickNotifier(func(string)) clickNotifier { return nil }
