package server

import (
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"
)

// certReloader serves the certificate in certFile/keyFile and picks up a
// renewed one (certbot, an ACME client, an operator's copy) without a
// restart: each handshake compares the files' modification times and sizes
// with the loaded pair's and reloads when they differ. A pair that does not
// load (a renewal caught halfway, the key not yet written) is logged and
// the previous certificate is kept until the files load.
type certReloader struct {
	certFile, keyFile string

	mu     sync.Mutex
	cert   *tls.Certificate
	stamp  [2]fileStamp // of the pair cert was loaded from
	failed [2]fileStamp // of the last pair that did not load (logged once)
}

type fileStamp struct {
	mod  time.Time
	size int64
}

func stampOf(path string) (fileStamp, error) {
	st, err := os.Stat(path)
	if err != nil {
		return fileStamp{}, err
	}
	return fileStamp{st.ModTime(), st.Size()}, nil
}

// newCertReloader loads the pair once, so a bad file stops the server at
// start rather than at the first visitor.
func newCertReloader(certFile, keyFile string) (*certReloader, error) {
	c := &certReloader{certFile: certFile, keyFile: keyFile}
	if err := c.reload(); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *certReloader) stamps() ([2]fileStamp, error) {
	a, err := stampOf(c.certFile)
	if err != nil {
		return [2]fileStamp{}, err
	}
	b, err := stampOf(c.keyFile)
	return [2]fileStamp{a, b}, err
}

// reload loads the pair if the files changed since the last load; call with
// mu held or before the reloader is shared.
func (c *certReloader) reload() error {
	st, err := c.stamps()
	if err != nil {
		return fmt.Errorf("server: TLS certificate: %w", err)
	}
	if c.cert != nil && (st == c.stamp || st == c.failed) {
		return nil
	}
	cert, err := tls.LoadX509KeyPair(c.certFile, c.keyFile)
	if err != nil {
		c.failed = st
		return fmt.Errorf("server: TLS certificate %s / %s: %w", c.certFile, c.keyFile, err)
	}
	c.cert, c.stamp = &cert, st
	return nil
}

// GetCertificate is tls.Config.GetCertificate.
func (c *certReloader) GetCertificate(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	had := c.cert
	if err := c.reload(); err != nil {
		slog.Error("server: keeping the previous TLS certificate", "err", err)
	} else if had != c.cert {
		slog.Info("server: TLS certificate reloaded", "cert", c.certFile)
	}
	if c.cert == nil {
		return nil, errors.New("server: no TLS certificate")
	}
	return c.cert, nil
}

// tlsConfig is the server's TLS configuration (TLS 1.2 and up).
func (c *certReloader) tlsConfig() *tls.Config {
	return &tls.Config{MinVersion: tls.VersionTLS12, GetCertificate: c.GetCertificate}
}
