//go:build !linux

package app

// newClickNotifier: beeep only (no click-to-open) outside Linux. Windows
// toasts would need a registered AppUserModelID and COM activation, and
// macOS UNUserNotificationCenter a signed bundle; neither is set up yet.
func newClickNotifier(func(string)) clickNotifier { return nil }
