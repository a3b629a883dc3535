package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"path/filepath"
	"time"

	"tack/backend/backup"
	"tack/backend/drive/blobstore"
	"tack/backend/server"
)

// runAdminBlobs is `tack admin blobs migrate`.
func runAdminBlobs(ctx context.Context, env Env, args []string) error {
	if len(args) == 0 || args[0] != "migrate" {
		fmt.Fprintln(env.Stderr, "Usage: tack admin blobs migrate --to s3://bucket/prefix [--data-dir D] [--db DSN] [--blobs FROM]")
		return errors.New("admin blobs: want the subcommand migrate")
	}
	fs := flag.NewFlagSet("admin blobs migrate", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		fmt.Fprintln(env.Stderr, "Usage: tack admin blobs migrate --to s3://bucket/prefix [--data-dir D] [--db DSN] [--blobs FROM]\n\n"+
			"Copies every drive chunk the database refers to (and those unfinished uploads sent)\n"+
			"from the current store (--blobs, default <data-dir>/drive) to --to, each checked\n"+
			"against its SHA-256 on the way, then checks the target holds them all. Safe while\n"+
			"the servers run (the drive's garbage collection pauses meanwhile). Chunks the target\n"+
			"already has are skipped, so an interrupted run resumes. To switch over: run it, restart\n"+
			"the servers with --blobs set to the target, run it again (it copies what the old\n"+
			"store got meanwhile), then `tack admin verify --blobs TARGET`.\n"+
			"The --s3-* flags describe whichever side is on S3.\n\nFlags:")
		fs.PrintDefaults()
	}
	var to, dataDir, dsn string
	var blobs blobSpec
	var deep, quiet bool
	fs.StringVar(&to, "to", "", "the target store: s3://bucket/prefix or a directory (required)")
	dataFlags(fs, &dataDir, &dsn, &blobs, server.DefaultDataDir("server"))
	fs.BoolVar(&deep, "deep", false, "re-read every chunk from the target afterwards and check its SHA-256")
	fs.BoolVar(&quiet, "quiet", false, "no progress on stderr")
	if help, err := parseFlags(fs, args[1:]); help || err != nil {
		return err
	}
	if to == "" {
		fs.Usage()
		return errors.New("admin blobs migrate: --to is required")
	}
	src, closeFn, err := openExisting(ctx, dataDir, dsn, blobs)
	if err != nil {
		return fmt.Errorf("admin blobs migrate: %w", err)
	}
	defer closeFn()
	dst, err := blobstore.OpenSpec(to, filepath.Join(dataDir, "drive"), blobs.s3)
	if err != nil {
		return fmt.Errorf("admin blobs migrate: %w", err)
	}
	if dst.String() == src.Blobs.String() {
		return fmt.Errorf("admin blobs migrate: the target %s is the current store", dst)
	}
	pr := newProgressPrinter(env.Stderr, "migrate", quiet)
	start := time.Now()
	rep, err := backup.MigrateBlobs(ctx, src, dst, backup.MigrateOptions{Deep: deep, Progress: pr.update})
	pr.done()
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "migrated %s to %s in %s: %d referenced chunks and %d of unfinished uploads, %d copied (%s), all present in the target\n",
		src.Blobs, dst, time.Since(start).Round(time.Millisecond), rep.Referenced, rep.Uploads, rep.Copied, bytesText(rep.CopiedBytes))
	return nil
}
