package cli

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"sort"
	"strings"
)

// Env is what every command gets: the built UI, the output streams and the version.
type Env struct {
	UI      fs.FS
	Stdout  io.Writer
	Stderr  io.Writer
	Version string
}

type command struct {
	summary string
	run     func(ctx context.Context, env Env, args []string) error
}

// commands is the table of subcommands: one line per command, its code in
// a file of its own.
var commands = map[string]command{
	"serve": {"run the team server (HTTP API + web UI)", runServe},
	"demo":  {"load a demo company into a data dir, then serve it", runDemo},
	"sync":  {"sync local folders with drive folders (headless desktop agent)", runSync},
	"admin": {"server administration: backup, restore, verify", runAdmin},
}

// Run runs the subcommand named by args[0] and returns the process exit code.
func Run(ctx context.Context, env Env, args []string) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(env.Stdout)
		return 0
	}
	if args[0] == "version" || args[0] == "--version" {
		fmt.Fprintln(env.Stdout, "tack", env.Version)
		return 0
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(env.Stderr, "tack: unknown command %q\n\n", args[0])
		usage(env.Stderr)
		return 2
	}
	if err := cmd.run(ctx, env, args[1:]); err != nil {
		fmt.Fprintln(env.Stderr, "tack:", err)
		return 1
	}
	return 0
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Tack — self-hosted workplace: approvals, meetings, company drive.")
	fmt.Fprintln(w, "\nUsage:\n  tack             open the desktop client\n  tack COMMAND [flags]\n\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-8s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun `tack COMMAND -h` for a command's flags.")
}

// IsDesktopArgs reports whether args are for the desktop window rather
// than a command: only --hidden and tack:// links, which the installer's
// start-at-login entry and URL scheme pass (app.ParseLaunch reads them).
func IsDesktopArgs(args []string) bool {
	if len(args) == 0 {
		return false
	}
	for _, a := range args {
		if a != "--hidden" && !strings.HasPrefix(strings.ToLower(a), "tack://") {
			return false
		}
	}
	return true
}
