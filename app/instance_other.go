//go:build !linux

package app

// handOver is Wails' single-instance lock alone elsewhere (instance_linux.go).
func handOver([]string) bool { return false }
