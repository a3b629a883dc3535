//go:build !windows

package app

// Only Windows keeps start at login in the registry (autostart_windows.go).
func runKeyEnabled() bool                 { return false }
func setRunKey(on bool, exe string) error { return nil }
