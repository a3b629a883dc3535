package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"syscall"
	"time"

	"tack/backend/attendance"
	"tack/backend/backup"
	"tack/backend/drive/blobstore"
	"tack/backend/server"
	"tack/backend/store"
)

// adminCommands are the subcommands of `tack admin`.
var adminCommands = map[string]command{
	"backup":  {"back up the database and the drive's files to a directory (incremental)", runAdminBackup},
	"restore": {"restore a backup into an empty data dir / database", runAdminRestore},
	"verify":  {"check every drive chunk and reference (or a backup with --backup DIR)", runAdminVerify},
	"blobs":   {"move the drive's chunks to another store: blobs migrate --to s3://bucket/prefix", runAdminBlobs},

	"release-key": {"make the company's ed25519 release key pair for desktop client builds", runAdminReleaseKey},
	"sign-client": {"sign a desktop client build and add it to a --clients directory", runAdminSignClient},
}

// runAdmin dispatches `tack admin SUBCOMMAND`.
func runAdmin(ctx context.Context, env Env, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		adminUsage(env.Stdout)
		return nil
	}
	cmd, ok := adminCommands[args[0]]
	if !ok {
		adminUsage(env.Stderr)
		return fmt.Errorf("admin: unknown subcommand %q", args[0])
	}
	// Ctrl+C or SIGTERM (a cron timeout) stops the work cleanly: the GC
	// hold and the lock are released, LATEST is left alone.
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	return cmd.run(ctx, env, args[1:])
}

func adminUsage(w io.Writer) {
	fmt.Fprintln(w, "Usage: tack admin SUBCOMMAND [flags]\n\nSubcommands:")
	names := make([]string, 0, len(adminCommands))
	for n := range adminCommands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-11s %s\n", n, adminCommands[n].summary)
	}
	fmt.Fprintln(w, "\nRun `tack admin SUBCOMMAND -h` for its flags.")
}

// dataFlags are the flags naming a data set, as `tack serve` takes them.
func dataFlags(fs *flag.FlagSet, dataDir, dsn *string, blobs *blobSpec, defDataDir string) {
	fs.StringVar(dataDir, "data-dir", defDataDir, "data directory (SQLite database tack.db, drive chunks in drive/)")
	fs.StringVar(dsn, "db", os.Getenv("TACK_DB"), "PostgreSQL DSN (postgres://...); empty uses SQLite in the data dir")
	blobFlags(fs, &blobs.spec, &blobs.s3)
}

// blobSpec names the chunk store (--blobs and the --s3-* flags).
type blobSpec struct {
	spec string
	s3   blobstore.S3Config
}

// parseFlags parses args; -h prints the flags and ends the command.
func parseFlags(fs *flag.FlagSet, args []string) (help bool, err error) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return true, nil
		}
		return false, err
	}
	if fs.NArg() > 0 {
		return false, fmt.Errorf("%s: unexpected argument %q", fs.Name(), fs.Arg(0))
	}
	return false, nil
}

// openExisting opens the data set of a server without migrating it: a
// backup or verify must not change the schema under a running server.
func openExisting(ctx context.Context, dataDir, dsn string, blobs blobSpec) (backup.Source, func(), error) {
	if dsn == "" {
		if _, err := os.Stat(filepath.Join(dataDir, "tack.db")); err != nil {
			return backup.Source{}, nil, fmt.Errorf("no Tack database in %s (pass --data-dir, or --db for PostgreSQL): %w", dataDir, err)
		}
	}
	return openData(ctx, dataDir, dsn, blobs)
}

func openData(ctx context.Context, dataDir, dsn string, b blobSpec) (backup.Source, func(), error) {
	db, err := store.Open(ctx, store.Config{DSN: dsn, DataDir: dataDir})
	if err != nil {
		return backup.Source{}, nil, err
	}
	blobs, err := blobstore.OpenSpec(b.spec, filepath.Join(dataDir, "drive"), b.s3)
	if err != nil {
		_ = store.Close(db)
		return backup.Source{}, nil, err
	}
	return backup.Source{DB: db, Blobs: blobs}, func() { _ = store.Close(db) }, nil
}

func runAdminBackup(ctx context.Context, env Env, args []string) error {
	fs := flag.NewFlagSet("admin backup", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		fmt.Fprintln(env.Stderr, "Usage: tack admin backup --to DIR [--data-dir D] [--db DSN] [--keep N]\n\n"+
			"Takes a consistent snapshot of the database and copies the drive chunks it needs\n"+
			"into DIR (only chunks DIR lacks). Safe while the server runs. DIR/LATEST names the\n"+
			"newest complete snapshot.\n\nFlags:")
		fs.PrintDefaults()
	}
	var to, dataDir, dsn string
	var blobs blobSpec
	var keep int
	var quiet bool
	fs.StringVar(&to, "to", "", "backup directory, ideally on another disk (required)")
	dataFlags(fs, &dataDir, &dsn, &blobs, server.DefaultDataDir("server"))
	fs.IntVar(&keep, "keep", backup.DefaultKeep, "complete snapshots to keep; older ones and chunks only they need are removed")
	fs.BoolVar(&quiet, "quiet", false, "no progress on stderr (the summary is still printed)")
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	if to == "" {
		fs.Usage()
		return errors.New("admin backup: --to is required")
	}
	src, closeFn, err := openExisting(ctx, dataDir, dsn, blobs)
	if err != nil {
		return fmt.Errorf("admin backup: %w", err)
	}
	defer closeFn()
	pr := newProgressPrinter(env.Stderr, "backup", quiet)
	start := time.Now()
	res, err := backup.Backup(ctx, src, backup.Options{To: to, Keep: keep, TackVersion: env.Version, Progress: pr.update})
	pr.done()
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "backup %s complete in %s: %d tables, %d rows; %d chunks (%s), %d new (%s) copied; pruned %d old snapshots, %d chunks (%s)\n",
		res.Dir, time.Since(start).Round(time.Millisecond), res.Tables, res.Rows, res.Chunks, bytesText(res.ChunkBytes),
		res.Copied, bytesText(res.CopiedBytes), len(res.Pruned.Snapshots), res.Pruned.Chunks, bytesText(res.Pruned.Bytes))
	return nil
}

func runAdminRestore(ctx context.Context, env Env, args []string) error {
	fs := flag.NewFlagSet("admin restore", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		fmt.Fprintln(env.Stderr, "Usage: tack admin restore --from DIR [--snapshot NAME] --data-dir D [--db DSN]\n\n"+
			"Restores a snapshot (default: the one in DIR/LATEST) into an EMPTY target: a new data\n"+
			"dir (and, with --db, a new empty PostgreSQL database). A target that holds anything\n"+
			"is refused. A SQLite backup can be restored into PostgreSQL and vice versa.\n\nFlags:")
		fs.PrintDefaults()
	}
	var from, snapshot, dataDir, dsn string
	var blobs blobSpec
	var quiet bool
	fs.StringVar(&from, "from", "", "backup directory (required)")
	fs.StringVar(&snapshot, "snapshot", "", "snapshot name under DIR/snapshots (default: LATEST)")
	dataFlags(fs, &dataDir, &dsn, &blobs, "")
	fs.BoolVar(&quiet, "quiet", false, "no progress on stderr")
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	if from == "" || dataDir == "" {
		fs.Usage()
		return errors.New("admin restore: --from and --data-dir are required")
	}
	// Opening creates an empty tack.db in a new dir; Restore refuses a
	// database that has any table, so an existing one is left untouched.
	dst, closeFn, err := openData(ctx, dataDir, dsn, blobs)
	if err != nil {
		return fmt.Errorf("admin restore: %w", err)
	}
	defer closeFn()
	pr := newProgressPrinter(env.Stderr, "restore", quiet)
	res, err := backup.Restore(ctx, dst, backup.RestoreOptions{From: from, Snapshot: snapshot,
		Migrations: server.Migrations(), Progress: pr.update})
	pr.done()
	if err != nil {
		return err
	}
	where := "SQLite in " + dataDir
	if dsn != "" {
		where = "PostgreSQL"
	}
	where += ", chunks in " + dst.Blobs.String()
	fmt.Fprintf(env.Stdout, "restored snapshot %s (taken %s from %s, Tack %s) into %s:\n",
		res.Name, res.Manifest.CreatedAt.Format(time.RFC3339), res.Manifest.Source, res.Manifest.TackVersion, where)
	for _, t := range res.Manifest.Tables {
		if t.Rows > 0 {
			fmt.Fprintf(env.Stdout, "  %-28s %8d rows\n", t.Name, t.Rows)
		}
	}
	fmt.Fprintf(env.Stdout, "%d tables, %d rows, %d chunks (%s). Start the server with: tack serve --data-dir %s%s\n",
		res.Tables, res.Rows, res.Chunks, bytesText(res.ChunkBytes), dataDir, dbHint(dsn))
	return nil
}

func dbHint(dsn string) string {
	if dsn == "" {
		return ""
	}
	return " --db DSN"
}

func runAdminVerify(ctx context.Context, env Env, args []string) error {
	fs := flag.NewFlagSet("admin verify", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		fmt.Fprintln(env.Stderr, "Usage: tack admin verify [--data-dir D] [--db DSN]\n       tack admin verify --backup DIR\n\n"+
			"Checks that every drive chunk's content matches its name, that every chunk the\n"+
			"database references exists and that the attendance records' hash chain is intact\n"+
			"(an edited, deleted or inserted punch is named); with --backup, checks a backup directory (manifests,\n"+
			"table files, chunks). Exits non-zero on any problem.\n\nFlags:")
		fs.PrintDefaults()
	}
	var dir, dataDir, dsn string
	var blobs blobSpec
	var quiet bool
	fs.StringVar(&dir, "backup", "", "verify this backup directory instead of the live data")
	dataFlags(fs, &dataDir, &dsn, &blobs, server.DefaultDataDir("server"))
	fs.BoolVar(&quiet, "quiet", false, "no progress on stderr")
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	pr := newProgressPrinter(env.Stderr, "verify", quiet)
	var rep *backup.VerifyReport
	var err error
	what := dir
	if dir != "" {
		rep, err = backup.VerifyBackup(ctx, dir, pr.update)
	} else {
		src, closeFn, oerr := openExisting(ctx, dataDir, dsn, blobs)
		if oerr != nil {
			return fmt.Errorf("admin verify: %w", oerr)
		}
		defer closeFn()
		what = dataDir
		rep, err = backup.VerifyData(ctx, src, pr.update)
		if err == nil {
			err = verifyAttendance(ctx, env, src, rep)
		}
	}
	pr.done()
	if err != nil {
		return err
	}
	for _, p := range rep.Problems {
		fmt.Fprintln(env.Stdout, "PROBLEM:", p)
	}
	summary := fmt.Sprintf("%d chunks (%s) hashed, %d referenced, %d corrupt, %d missing", rep.Chunks, bytesText(rep.Bytes),
		rep.Referenced, len(rep.Corrupt), len(rep.Missing))
	if dir != "" {
		summary += fmt.Sprintf(", %d snapshots checked, %d unfinished runs", rep.Snapshots, rep.Partial)
	} else {
		summary += fmt.Sprintf(", %d unreferenced (left to the GC)", rep.Unreferenced)
	}
	if !rep.OK() {
		fmt.Fprintf(env.Stdout, "verify %s: FAILED: %s\n", what, summary)
		return fmt.Errorf("admin verify: %d problems", len(rep.Problems))
	}
	fmt.Fprintf(env.Stdout, "verify %s: OK: %s\n", what, summary)
	return nil
}

// verifyAttendance checks the attendance records' hash chain and daily
// checkpoints (attendance/chain.go); a broken link is one more problem.
func verifyAttendance(ctx context.Context, env Env, src backup.Source, rep *backup.VerifyReport) error {
	var n int64
	if src.DB.WithContext(ctx).Raw(`SELECT COUNT(*) FROM attendance_chain_head`).Scan(&n).Error != nil {
		return nil // a database from before attendance
	}
	ar, err := attendance.VerifyChain(ctx, src.DB)
	if err != nil {
		return err
	}
	rep.Problems = append(rep.Problems, ar.Problems...)
	state := "OK"
	if !ar.OK() {
		state = "FAILED"
	}
	fmt.Fprintf(env.Stdout, "attendance records: %s: %d chained rows, %d daily checkpoints\n", state, ar.Rows, ar.Checkpoints)
	return nil
}

// progressPrinter shows progress on stderr: a line when the phase or table
// changes and at most one a second otherwise, so it reads well both on a
// terminal and in a cron mail.
type progressPrinter struct {
	w     io.Writer
	what  string
	quiet bool
	last  time.Time
	prev  backup.Progress
	shown bool
}

func newProgressPrinter(w io.Writer, what string, quiet bool) *progressPrinter {
	return &progressPrinter{w: w, what: what, quiet: quiet}
}

func (p *progressPrinter) update(pr backup.Progress) {
	if p.quiet {
		return
	}
	changed := pr.Phase != p.prev.Phase
	finished := pr.ChunksTotal > 0 && pr.Chunks == pr.ChunksTotal
	p.prev = pr
	if !changed && !finished && time.Since(p.last) < time.Second {
		p.shown = false
		return
	}
	p.print(pr)
}

func (p *progressPrinter) print(pr backup.Progress) {
	p.last, p.shown = time.Now(), true
	switch pr.Phase {
	case backup.PhaseDatabase:
		fmt.Fprintf(p.w, "%s: database: %s, %d rows\n", p.what, pr.Table, pr.Rows)
	case backup.PhaseChunks:
		fmt.Fprintf(p.w, "%s: chunks %d/%d (%s of %s), %d copied\n", p.what, pr.Chunks, pr.ChunksTotal,
			bytesText(pr.Bytes), bytesText(pr.BytesTotal), pr.Copied)
	case backup.PhaseVerify:
		if pr.Table != "" {
			fmt.Fprintf(p.w, "%s: checking %s\n", p.what, pr.Table)
		} else {
			fmt.Fprintf(p.w, "%s: chunks %d/%d hashed (%s)\n", p.what, pr.Chunks, pr.ChunksTotal, bytesText(pr.Bytes))
		}
	case backup.PhasePrune:
		fmt.Fprintf(p.w, "%s: pruning old snapshots\n", p.what)
	}
}

// done prints the last state if it was throttled away.
func (p *progressPrinter) done() {
	if !p.quiet && !p.shown && p.prev.Phase != "" {
		p.print(p.prev)
	}
}

func bytesText(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
