package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"tack/backend/server"
	"tack/backend/syncagent"
)

type pairFlags []string

func (p *pairFlags) String() string     { return strings.Join(*p, ",") }
func (p *pairFlags) Set(v string) error { *p = append(*p, v); return nil }

// runSync runs folder pairs headless: until Ctrl+C, or once with --once.
func runSync(ctx context.Context, env Env, args []string) error {
	fs := flag.NewFlagSet("sync", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	var (
		pairs                  pairFlags
		remove                 pairFlags
		serverURL, token, dir  string
		email, password, user  string
		once, status, caseSens bool
		confirm                bool
		bwlimit                int64
		workers                int
	)
	fs.StringVar(&serverURL, "server", os.Getenv("TACK_SERVER"), "Tack server URL (http://host:port)")
	fs.StringVar(&token, "token", os.Getenv("TACK_TOKEN"), "API token (or use --email/--password)")
	fs.StringVar(&email, "email", "", "log in with this email")
	fs.StringVar(&password, "password", os.Getenv("TACK_PASSWORD"), "password for --email")
	fs.StringVar(&dir, "data-dir", server.DefaultDataDir("client"), "client data directory (the sync index lives in DATA_DIR/sync)")
	fs.Var(&pairs, "pair", "LOCAL=[SPACE_ID/]FOLDER_ID[:backup|two-way|mirror] (repeatable; remembered in the data dir; a space ID alone pairs with its root)")
	fs.Var(&remove, "remove", "forget the pair of this local folder (files are kept)")
	fs.BoolVar(&once, "once", false, "sync every pair once and exit")
	fs.BoolVar(&confirm, "confirm-deletes", false, "let held mass deletes go ahead (see the status)")
	fs.BoolVar(&status, "status", false, "print the pairs and exit")
	fs.StringVar(&user, "user-name", "", "your display name (names conflict copies of your local edits)")
	fs.BoolVar(&caseSens, "case-sensitive", false, "the server keeps names differing only by case apart")
	fs.Int64Var(&bwlimit, "bwlimit", 0, "transfer limit in KiB/s (0 = unlimited)")
	fs.IntVar(&workers, "workers", 4, "parallel transfers")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if serverURL == "" {
		return errors.New("sync: --server is required")
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	if token == "" && email != "" {
		t, err := syncagent.Login(ctx, serverURL, email, password)
		if err != nil {
			return fmt.Errorf("sync: login: %w", err)
		}
		token = t
	}
	if token == "" {
		return errors.New("sync: need --token or --email/--password")
	}
	syncagent.SetAgentMemoryLimit(once)
	client := syncagent.NewClient(serverURL, token)
	// A pair that stops for good ends the agent with an error, so a service
	// manager (systemd, launchd, a scheduled task) sees it and restarts it
	// or alerts, instead of a process that runs on and backs up nothing.
	ctx, stopAll := context.WithCancel(ctx)
	defer stopAll()
	var stopped atomic.Pointer[error]
	eng, err := syncagent.New(ctx, syncagent.Options{DataDir: dir, Client: client, UserName: user, CaseSensitive: caseSens,
		BandwidthLimit: bwlimit << 10, Workers: workers, NoWatch: once, ClientName: "tack sync " + env.Version,
		OnPairStopped: func(st syncagent.PairStatus) {
			fmt.Fprintf(env.Stderr, "%s sync: pair %s stopped: %s\n", time.Now().Format("15:04:05"), st.LocalPath, st.Error)
			err := fmt.Errorf("sync: pair %s stopped: %s", st.LocalPath, st.Error)
			stopped.CompareAndSwap(nil, &err)
			stopAll()
		},
		OnSignedOut: func() { // the token expired or was revoked: no retry helps
			err := fmt.Errorf("%w (run tack sync again with a new --token or --email/--password)", syncagent.ErrSignedOut)
			if !once { // --once returns the error itself
				fmt.Fprintf(env.Stderr, "%s %v\n", time.Now().Format("15:04:05"), err)
			}
			stopped.CompareAndSwap(nil, &err)
			stopAll()
		}})
	if err != nil {
		return err
	}
	defer eng.Close()
	for _, l := range remove {
		abs, _ := filepath.Abs(l)
		for _, p := range eng.Pairs() {
			if p.LocalPath == abs {
				if err := eng.RemovePair(ctx, p.ID); err != nil {
					return err
				}
			}
		}
	}
	for _, spec := range pairs {
		if err := addPairSpec(ctx, eng, client, spec); err != nil {
			return err
		}
	}
	if status {
		for _, p := range eng.Pairs() {
			fmt.Fprintf(env.Stdout, "%s\t%s\t%s/%s\tpaused=%v\n", p.ID, p.LocalPath, p.SpaceID, p.RemoteFolderID, p.Paused)
		}
		return nil
	}
	if len(eng.Pairs()) == 0 {
		return errors.New("sync: no pairs; add one with --pair LOCAL=REMOTE_FOLDER_ID[:mode]")
	}
	if confirm {
		for _, p := range eng.Pairs() {
			_ = eng.ConfirmDeletes(p.ID)
		}
	}
	if once {
		err := eng.SyncOnce(ctx)
		printStatus(env, eng)
		eng.Report()
		if errors.Is(err, syncagent.ErrSignedOut) {
			return fmt.Errorf("%w (run tack sync again with a new --token or --email/--password)", err)
		}
		return err
	}
	go func() {
		last := map[string]string{}
		for ev := range eng.Events() {
			line := describe(ev.Status)
			if last[ev.PairID] != line {
				last[ev.PairID] = line
				fmt.Fprintf(env.Stdout, "%s %s\n", time.Now().Format("15:04:05"), line)
			}
		}
	}()
	fmt.Fprintf(env.Stdout, "syncing %d pair(s); Ctrl+C to stop\n", len(eng.Pairs()))
	if err := eng.Serve(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	if err := stopped.Load(); err != nil {
		return *err
	}
	return nil
}

// addPairSpec parses LOCAL=REMOTE[:mode] and adds or updates the pair.
func addPairSpec(ctx context.Context, eng *syncagent.Engine, c *syncagent.Client, spec string) error {
	local, remote, ok := strings.Cut(spec, "=")
	if !ok || local == "" || remote == "" {
		return fmt.Errorf("sync: bad --pair %q (want LOCAL=REMOTE_FOLDER_ID[:mode])", spec)
	}
	mode := syncagent.ModeBackup
	if i := strings.LastIndex(remote, ":"); i >= 0 {
		m, err := syncagent.ParseMode(remote[i+1:])
		if err != nil {
			return err
		}
		mode, remote = m, remote[:i]
	}
	spaceID, folderID, ok := strings.Cut(remote, "/")
	if !ok { // FOLDER_ID alone: ask the drive which space it is in
		folderID = remote
		folder, err := c.Entry(ctx, folderID)
		if err == nil && folder.Kind != "folder" {
			return fmt.Errorf("sync: %s is not a drive folder", remote)
		}
		spaceID = folder.SpaceID
		if err != nil { // maybe a space root
			spaces, serr := c.Spaces(ctx)
			if serr != nil {
				return fmt.Errorf("sync: drive folder %s: %w", remote, err)
			}
			for _, sp := range spaces {
				if sp.RootID == folderID || sp.ID == folderID {
					spaceID, folderID = sp.ID, sp.RootID
				}
			}
			if spaceID == "" {
				return fmt.Errorf("sync: drive folder %s: %w (or give SPACE_ID/FOLDER_ID)", remote, err)
			}
		}
	}
	remote = folderID
	if err := os.MkdirAll(local, 0o755); err != nil {
		return err
	}
	abs, _ := filepath.Abs(local)
	for _, p := range eng.Pairs() {
		if p.LocalPath == abs {
			if p.RemoteFolderID == remote && p.Mode == mode {
				return nil
			}
			if err := eng.RemovePair(ctx, p.ID); err != nil {
				return err
			}
		}
	}
	_, err := eng.AddPair(ctx, syncagent.Pair{LocalPath: abs, SpaceID: spaceID, RemoteFolderID: remote, Mode: mode})
	return err
}

func describe(s syncagent.PairStatus) string {
	line := fmt.Sprintf("%s [%s] %s", s.LocalPath, s.Mode, s.State)
	switch {
	case s.State == syncagent.StateSyncing && s.FilesTotal > 0:
		line += fmt.Sprintf(" %d/%d files, %d/%d KiB", s.FilesDone, s.FilesTotal, s.BytesDone>>10, s.BytesTotal>>10)
	case s.PendingDelete > 0:
		line += fmt.Sprintf(": %d deletes wait for confirmation", s.PendingDelete)
	}
	if s.Error != "" {
		line += ": " + s.Error
	}
	if s.Degraded != "" {
		line += " (" + s.Degraded + ")"
	}
	if n := len(s.Skipped); n > 0 {
		var items []string
		for _, it := range s.Skipped[:min(n, 5)] {
			items = append(items, it.Path+" ("+it.Reason+")")
		}
		if n > 5 {
			items = append(items, fmt.Sprintf("and %d more", n-5))
		}
		line += fmt.Sprintf(" [%d not backed up: %s]", n, strings.Join(items, ", "))
	}
	if len(s.Clashes) > 0 {
		line += fmt.Sprintf(" [case clashes, not synced: %s]", strings.Join(s.Clashes, ", "))
	}
	if len(s.Refused) > 0 {
		names := make([]string, 0, len(s.Refused))
		for _, r := range s.Refused {
			where := ""
			if r.Folder != "" {
				where = " in " + r.Folder
			}
			names = append(names, fmt.Sprintf("%q%s (%s)", r.Name, where, r.Problem))
		}
		line += fmt.Sprintf(" [drive names that cannot be local file names, not synced: %s]", strings.Join(names, ", "))
	}
	return line
}

func printStatus(env Env, eng *syncagent.Engine) {
	for _, s := range eng.Status() {
		fmt.Fprintln(env.Stdout, describe(s))
	}
}
