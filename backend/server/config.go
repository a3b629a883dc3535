package server

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"time"

	"tack/backend/drive"
)

// Config is everything a server needs. Zero values get defaults in Validate.
type Config struct {
	Addr       string // listen address, default 127.0.0.1:8080
	DataDir    string // SQLite file and the drive's chunks (<DataDir>/drive); default <user config dir>/tack/server
	DSN        string // PostgreSQL DSN; empty means SQLite in DataDir
	TrustProxy bool   // honour X-Forwarded-For (only behind your own proxy)
	// SessionLifetime is how long a sign-in lasts at most, however active
	// (0: org.DefaultSessionLifetime, 30 days).
	SessionLifetime time.Duration
	Version         string
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
	if c.Version == "" {
		c.Version = "dev"
	}
	return nil
}
