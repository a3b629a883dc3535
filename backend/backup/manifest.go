package backup

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// FormatVersion names the on-disk format; a reader refuses other values.
const FormatVersion = "tack-backup/1"

// Manifest describes one complete snapshot.
type Manifest struct {
	Format      string    `json:"format"`
	Name        string    `json:"name"`
	CreatedAt   time.Time `json:"created_at"`
	TackVersion string    `json:"tack_version"`
	// Source is the database the dump came from: "sqlite" or "postgres".
	// The format does not depend on it.
	Source string `json:"source"`
	// Migrations are the schema steps applied to the source, the schema
	// version a restore recreates before loading the rows.
	Migrations []string    `json:"migrations"`
	Tables     []TableFile `json:"tables"`
	Chunks     ChunkList   `json:"chunks"`
}

// TableFile is one table's dump.
type TableFile struct {
	Name    string   `json:"name"`
	File    string   `json:"file"` // relative to the snapshot directory
	Columns []Column `json:"columns"`
	Rows    int64    `json:"rows"`
	Bytes   int64    `json:"bytes"`
	SHA256  string   `json:"sha256"`
}

// Column is a column of a dumped table.
type Column struct {
	Name   string `json:"name"`
	Type   string `json:"type"`    // portable: text, int, float, bool, time, bytes
	DBType string `json:"db_type"` // as the source database named it (informative)
}

// ChunkList is the file naming every chunk the snapshot's drive rows need.
type ChunkList struct {
	File   string `json:"file"`
	Count  int    `json:"count"`
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
}

const (
	manifestFile   = "manifest.json"
	chunkListFile  = "chunks.txt"
	latestFile     = "LATEST"
	partialSuffix  = ".partial"
	snapshotsDir   = "snapshots"
	snapshotLayout = "2006-01-02T150405Z"
)

// readManifest loads and checks the manifest of the snapshot directory dir.
func readManifest(dir string) (*Manifest, error) {
	b, err := os.ReadFile(filepath.Join(dir, manifestFile))
	if err != nil {
		return nil, fmt.Errorf("backup: read manifest: %w", err)
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("backup: parse manifest %s: %w", filepath.Join(dir, manifestFile), err)
	}
	if m.Format != FormatVersion {
		return nil, fmt.Errorf("backup: %s has format %q; this Tack reads %q", dir, m.Format, FormatVersion)
	}
	return &m, nil
}
