package cli

import (
	"context"
	"flag"

	"tack/backend/server"
)

func runDemo(ctx context.Context, env Env, args []string) error {
	var cfg server.Config
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	serverFlags(fs, &cfg)
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg.Version = env.Version
	return serve(ctx, env, cfg, func(ctx context.Context, s *server.Server) error {
		return server.LoadDemo(ctx, s, env.Stdout)
	})
}
