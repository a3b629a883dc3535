package cli

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"tack/backend/drive/blobstore"
	"tack/backend/server"
	"tack/backend/store"
)

// blobFlags are the flags naming the drive's chunk store (blobstore.OpenSpec).
func blobFlags(fs *flag.FlagSet, spec *string, s3 *blobstore.S3Config) {
	fs.StringVar(spec, "blobs", os.Getenv("TACK_BLOBS"), "where drive chunks live: empty = <data-dir>/drive, a directory, or s3://bucket/prefix "+
		"(credentials from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or ~/.aws/credentials)")
	fs.StringVar(&s3.Endpoint, "s3-endpoint", "", "S3 endpoint for --blobs s3://..., e.g. http://127.0.0.1:8333 (default $TACK_S3_ENDPOINT, else AWS)")
	fs.StringVar(&s3.Region, "s3-region", "", "S3 region (default $TACK_S3_REGION or $AWS_REGION)")
	fs.BoolVar(&s3.PathStyle, "s3-path-style", false, "bucket in the URL path, not the host name: self-hosted stores (or TACK_S3_PATH_STYLE=1)")
}

func serverFlags(fs *flag.FlagSet, cfg *server.Config) {
	fs.StringVar(&cfg.Addr, "addr", "127.0.0.1:8080", "listen address")
	fs.StringVar(&cfg.DataDir, "data-dir", server.DefaultDataDir("server"), "data directory (SQLite database, file blobs)")
	fs.StringVar(&cfg.DSN, "db", os.Getenv("TACK_DB"), "PostgreSQL DSN (postgres://...); empty uses SQLite in the data dir")
	fs.IntVar(&cfg.DBConns, "db-conns", 0, fmt.Sprintf("PostgreSQL connections for requests and jobs at most (default %d); each replica opens 4 more "+
		"(events, sessions): keep the sum over the replicas under the server's max_connections", store.DefaultPostgresConns))
	blobFlags(fs, &cfg.Blobs, &cfg.S3)
	fs.StringVar(&cfg.BlobsFallback, "blobs-fallback", "", "while moving to --blobs: the old store (same forms), read for chunks --blobs lacks; see tack admin blobs migrate")
	fs.Func("trusted-proxies", "reverse proxies (addresses or CIDRs, comma-separated) whose X-Forwarded-For and X-Forwarded-Proto are believed", func(v string) error {
		p, err := server.ParsePrefixes(v)
		cfg.TrustedProxies = append(cfg.TrustedProxies, p...)
		return err
	})
	fs.StringVar(&cfg.Role, "role", server.RoleAll, "what this replica does: web (serve the UI and API, no background jobs), "+
		"jobs (run the background jobs; answers only /api/v1/healthz and /api/v1/readyz) or all")
	fs.StringVar(&cfg.TLSCert, "tls-cert", "", "PEM certificate (chain) file: serve HTTPS; a renewed file is picked up without a restart")
	fs.StringVar(&cfg.TLSKey, "tls-key", "", "PEM private key file of --tls-cert")
	fs.IntVar(&cfg.MaxEventStreams, "max-event-streams", 0, "live event streams this server holds open at most (default 2000)")
	fs.IntVar(&cfg.MaxEventStreamsPerUser, "max-event-streams-per-user", 0, "live event streams one account may hold open (default 8)")
	fs.IntVar(&cfg.MaxWrites, "max-writes", 0, "writes run at once; more wait, and past -write-queue get 503 (default 4 per CPU, at least 8; -1: no limit)")
	fs.IntVar(&cfg.WriteQueue, "write-queue", 0, "writes that wait for a turn before the next gets 503 (default 32 per -max-writes slot, at least 256)")
	fs.StringVar(&cfg.ClientsDir, "clients", "", "directory of signed desktop client builds to offer for download and update (see tack admin sign-client)")
	fs.BoolVar(&cfg.TrustProxy, "trust-proxy", false, "deprecated: same as --trusted-proxies 127.0.0.1/8,::1 (a proxy on this machine)")
	days := func(dst *time.Duration, zero time.Duration) func(string) error {
		return func(v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 || (n == 0 && zero == 0) {
				return fmt.Errorf("want a number of days, got %q", v)
			}
			*dst = time.Duration(n) * 24 * time.Hour
			if n == 0 {
				*dst = zero
			}
			return nil
		}
	}
	fs.Func("drive-trash-days", "days the drive keeps trashed items (default 30)", days(&cfg.Drive.TrashRetention, 0))
	fs.Func("drive-version-days", "days the drive keeps old file versions, 0 = forever (default 180)", days(&cfg.Drive.VersionMaxAge, -1))
	fs.IntVar(&cfg.Drive.MaxVersions, "drive-versions", 50, "file versions the drive keeps per file")
	fs.Func("session-days", "days a sign-in lasts at most, however active (default 30)", days(&cfg.SessionLifetime, 0))
	fs.Int64Var(&cfg.Drive.PresignOver, "drive-presign-over", 0, "with --blobs s3://...: answer downloads of files of at least this many bytes with a redirect "+
		"to a presigned link of the object store (which clients must be able to reach at --s3-endpoint); 0 = off")
	fs.DurationVar(&cfg.Drive.PresignExpiry, "drive-presign-expiry", 5*time.Minute, "how long a presigned download link stays valid")
	fs.Int64Var(&cfg.Drive.DefaultQuota, "drive-quota", 0, "quota in bytes of each new drive space, 0 = unlimited (admins change it per space)")
}

func runServe(ctx context.Context, env Env, args []string) error {
	var cfg server.Config
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	serverFlags(fs, &cfg)
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg.Version = env.Version
	if cfg.TrustProxy {
		fmt.Fprintln(env.Stderr, "tack serve: --trust-proxy is deprecated and now trusts only a proxy on this machine (loopback); name your proxies with --trusted-proxies CIDR,...")
	}
	return serve(ctx, env, cfg, nil)
}

// serve builds the server, optionally prepares it (demo data), prints the URL
// and serves until SIGINT/SIGTERM.
func serve(ctx context.Context, env Env, cfg server.Config, prepare func(context.Context, *server.Server) error) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	srv, err := server.New(ctx, cfg, env.UI, nil)
	if err != nil {
		return err
	}
	defer srv.Close()
	// Bind before preparing: a busy port must fail before the demo company
	// is loaded, or its accounts would never be printed.
	ln, err := srv.Listen()
	if err != nil {
		return err
	}
	if prepare != nil {
		if err := prepare(ctx, srv); err != nil {
			ln.Close()
			return err
		}
	}
	where := "SQLite in " + srv.Config.DataDir
	if srv.Config.DSN != "" {
		where = "PostgreSQL"
	}
	if srv.Config.Role != server.RoleAll {
		where += "; role " + srv.Config.Role
	}
	fmt.Fprintf(env.Stdout, "Tack %s is running at %s://%s  (data: %s; Ctrl+C to stop)\n", env.Version, srv.Scheme(), ln.Addr(), where)
	return srv.Serve(ctx, ln)
}
