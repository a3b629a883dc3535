//go:build !linux && !darwin

package app

// trayHostAvailable: Windows always has a notification area.
func trayHostAvailable() bool { return true }
