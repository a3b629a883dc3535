// Package cli implements the headless commands of the tack binary: serve,
// demo, admin and sync. main.go dispatches here whenever it has arguments.
package cli
