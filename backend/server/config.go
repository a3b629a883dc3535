package server

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"time"

	"tack/backend/drive"
	"tack/backend/drive/blobstore"
	"tack/backend/org"
)

// Config is everything a server needs. Zero values get defaults in Validate.
type Config struct {
	Addr       string // listen address, default 127.0.0.1:8080
	DataDir    string // SQLite file and the drive's chunks (<DataDir>/drive); default <user config dir>/tack/server
	DSN        string // PostgreSQL DSN; empty means SQLite in DataDir
	DBConns    int    // PostgreSQL: the request pool's connections at most (0: store.DefaultPostgresConns)
	TrustProxy bool   // deprecated: Validate turns it into TrustedProxies loopback (a proxy on this machine)
	Version    string
	// SessionLifetime is how long a sign-in lasts at most, however active
	// (0: org.DefaultSessionLifetime, 30 days).
	SessionLifetime time.Duration

	// TrustedProxies are the reverse proxies (addresses or CIDRs) whose
	// X-Forwarded-For / -Proto / -Host are believed; none by default.
	TrustedProxies []netip.Prefix
	// TLSCert and TLSKey are PEM files; with them the server speaks HTTPS
	// only, and picks up renewed files without a restart.
	TLSCert, TLSKey string
	// MaxEventStreams and MaxEventStreamsPerUser cap the live event
	// streams one process holds open (0 = the api package's defaults).
	MaxEventStreams, MaxEventStreamsPerUser int
	// MaxWrites and WriteQueue bound the writes in handlers at once and
	// those waiting for a turn (0 = the api package's defaults; MaxWrites
	// negative: no limit).
	MaxWrites, WriteQueue int

	// PasswordCost is the argon2id cost of new password hashes; zero is
	// org's default. Only test servers lower it (servertest): no flag sets it.
	PasswordCost org.PasswordCost

	// ClientsDir holds the desktop client builds the server offers for
	// download and update (<dir>/<os>-<arch>/<version>/, written by
	// `tack admin sign-client`); empty offers none.
	ClientsDir string

	// Blobs is where the drive's chunks live: "" is <DataDir>/drive, an
	// s3://bucket/prefix URL an S3-compatible object store (S3 gives its
	// endpoint, region and path style; credentials come from the
	// environment), anything else a directory (blobstore.OpenSpec).
	Blobs string
	S3    blobstore.S3Config
	// BlobsFallback is the store being moved away from (same forms as
	// Blobs): chunks Blobs lacks are read from it (blobstore.Fallback).
	BlobsFallback string

	// Role is what this replica does: RoleAll (default) serves requests
	// and runs the background jobs, RoleWeb only serves requests, RoleJobs
	// only runs the jobs (and answers the health checks). See role.go.
	Role string

	// Drive holds the drive's policies (trash retention, versions kept,
	// quotas, GC grace); zero values are the drive's defaults. With
	// PostgreSQL replicas, DataDir must be storage all replicas share.
	Drive drive.Config
}

// DefaultDataDir is <user config dir>/tack/<sub>.
func DefaultDataDir(sub string) string {
	dir, err := os.UserConfigDir()
	if err != nil {
		dir = "."
	}
	return filepath.Join(dir, "tack", sub)
}

// Validate fills defaults and rejects impossible settings.
func (c *Config) Validate() error {
	if c.Addr == "" {
		c.Addr = "127.0.0.1:8080"
	}
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return fmt.Errorf("server: bad --addr %q: %w", c.Addr, err)
	}
	if c.DataDir == "" {
		c.DataDir = DefaultDataDir("server")
	}
	if c.DataDir == "" && c.DSN == "" {
		return errors.New("server: need --data-dir or --db")
	}
	if c.DBConns < 0 || c.DBConns > 10000 {
		return fmt.Errorf("server: --db-conns %d: want 1 to 10000 (0: the default)", c.DBConns)
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		return errors.New("server: --tls-cert and --tls-key go together")
	}
	if c.TrustProxy {
		c.TrustedProxies = append(c.TrustedProxies, netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128"))
		c.TrustProxy = false // applied; Validate may run again
	}
	if c.Version == "" {
		c.Version = "dev"
	}
	if err := c.validateRole(); err != nil {
		return err
	}
	if c.ClientsDir != "" {
		if st, err := os.Stat(c.ClientsDir); err != nil || !st.IsDir() {
			return fmt.Errorf("server: --clients %q is not a directory", c.ClientsDir)
		}
	}
	return nil
}

// ParsePrefixes reads a comma-separated list of addresses and CIDRs
// ("10.0.0.0/8, 192.168.1.5, ::1") as prefixes; a bare address is a /32
// (or /128).
func ParsePrefixes(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(list, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("server: %q is neither an address nor a CIDR", f)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}
