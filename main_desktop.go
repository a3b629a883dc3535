//go:build desktop

package main

import (
	"fmt"
	"os"

	"tack/app"
	"tack/backend/cli"
)

// runDesktop opens the Wails window (or explains why it cannot).
func runDesktop(env cli.Env, args []string) int {
	ui := env.UI
	if dir := os.Getenv("TACK_DESKTOP_UI_DIR"); dir != "" { // development: a UI build on disk
		ui = os.DirFS(dir)
	}
	a := app.New(app.ConfigDir(), ui, env.Version)
	a.Launch = app.ParseLaunch(args)
	if err := app.Run(a); err != nil {
		fmt.Fprintln(env.Stderr, "tack:", err)
		return 1
	}
	return 0
}
