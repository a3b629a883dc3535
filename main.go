// Command tack is the Tack desktop client and, with a command, the headless
// team server and tools. See README.md.
package main

import (
	"context"
	"embed"
	"io/fs"
	"os"

	"tack/backend/cli"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

//go:embed all:frontend/dist
var dist embed.FS

// uiFS returns the built frontend, or nil when the binary was built without it
// (dist holds only the placeholder), so the server can say so plainly.
func uiFS() fs.FS {
	sub, err := fs.Sub(dist, "frontend/dist")
	if err != nil {
		return nil
	}
	if _, err := fs.Stat(sub, "index.html"); err != nil {
		return nil
	}
	return sub
}

func main() {
	env := cli.Env{UI: uiFS(), Stdout: os.Stdout, Stderr: os.Stderr, Version: version}
	if len(os.Args) > 1 && !cli.IsDesktopArgs(os.Args[1:]) {
		os.Exit(cli.Run(context.Background(), env, os.Args[1:]))
	}
	os.Exit(runDesktop(env, os.Args[1:]))
}
