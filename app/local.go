package app

import (
	"context"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"path/filepath"

	"tack/backend/server"
)

// Local is the embedded workspace: a full Tack server with SQLite in
// <config dir>/tack/workspace, listening on loopback only, jobs running.
type Local struct {
	URL    *url.URL
	cancel context.CancelFunc
	done   chan error
	srv    *server.Server
}

// StartLocal opens the workspace in configDir/workspace and serves it on a
// random 127.0.0.1 port until Stop.
func StartLocal(ctx context.Context, configDir string, ui fs.FS, version string) (*Local, error) {
	cfg := server.Config{Addr: "127.0.0.1:0", DataDir: filepath.Join(configDir, "workspace"), Version: version}
	ctx, cancel := context.WithCancel(ctx)
	srv, err := server.New(ctx, cfg, ui, nil)
	if err != nil {
		cancel()
		return nil, fmt.Errorf("app: open workspace: %w", err)
	}
	ln, err := srv.Listen()
	if err != nil {
		cancel()
		srv.Close()
		return nil, err
	}
	hosts := loopbackHosts(ln.Addr().String())
	srv.Wrap(func(h http.Handler) http.Handler { return hostGuard(hosts, h) })
	l := &Local{URL: &url.URL{Scheme: "http", Host: ln.Addr().String()}, cancel: cancel, done: make(chan error, 1), srv: srv}
	go func() { l.done <- srv.Serve(ctx, ln) }()
	return l, nil
}

// Stop shuts the server down gracefully and closes the database.
func (l *Local) Stop() error {
	if l == nil {
		return nil
	}
	l.cancel()
	err := <-l.done
	if cerr := l.srv.Close(); err == nil {
		err = cerr
	}
	return err
}
