//go:build !desktop

package main

import (
	"context"
	"fmt"

	"tack/backend/cli"
)

// runDesktop in a build without the desktop tag explains how to get a window
// instead of failing obscurely.
func runDesktop(env cli.Env, _ []string) int {
	fmt.Fprintln(env.Stderr, "This tack binary was built without the desktop window (build tag `desktop`).")
	fmt.Fprintln(env.Stderr, "Run `tack serve` for the team server, or build the desktop client with `make desktop`.")
	fmt.Fprintln(env.Stderr)
	cli.Run(context.Background(), env, nil)
	return 2
}
