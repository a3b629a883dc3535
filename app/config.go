package app

import (
	"os"
	"path/filepath"
)

// Connection modes stored in desktop.json.
const (
	ModeNone   = ""
	ModeRemote = "remote" // a team server at URL
	ModeLocal  = "local"  // the embedded workspace on this computer
)

// Connection is the persisted choice of server (desktop.json).
type Connection struct {
	Mode string `json:"mode"`
	URL  string `json:"url,omitempty"` // remote: the team server; local: filled at runtime
}

// ConfigDir is <user config dir>/tack.
func ConfigDir() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		dir = "."
	}
	return filepath.Join(dir, "tack")
}

// LoadConnection reads desktop.json; a missing file is the zero Connection.
func LoadConnection(dir string) (Connection, error) {
	var c Connection
	if err := readJSONFile(dir, "desktop.json", &c); err != nil {
		return Connection{}, err
	}
	return c, nil
}

// SaveConnection writes desktop.json atomically (temp file + rename).
func SaveConnection(dir string, c Connection) error {
	if c.Mode == ModeLocal {
		c.URL = ""
	}
	return writeJSONFile(dir, "desktop.json", c)
}
