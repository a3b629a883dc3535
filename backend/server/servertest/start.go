package servertest

import (
	"testing"

	"tack/backend/server"
)

// Start starts a server on the given configuration (an existing data dir or
// DSN, e.g. one a test restored a backup into) with the same fake clock and
// cleanup as New.
func Start(t testing.TB, cfg server.Config) *Env {
	t.Helper()
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:0"
	}
	return start(t, cfg)
}
