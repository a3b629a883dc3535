package syncagent

import (
	"fmt"
	"time"
)

// Mode says which way a pair syncs.
type Mode string

// Modes of a pair.
const (
	// ModeBackup copies local changes to the drive; local deletes go to the
	// drive's trash; changes made on the drive are not pulled.
	ModeBackup Mode = "backup"
	// ModeTwoWay syncs both ways.
	ModeTwoWay Mode = "two-way"
	// ModeMirror downloads the drive folder; local edits are kept as conflict
	// copies and never uploaded.
	ModeMirror Mode = "mirror"
)

// ParseMode accepts the mode names and a few aliases.
func ParseMode(s string) (Mode, error) {
	switch s {
	case "", "backup":
		return ModeBackup, nil
	case "two-way", "twoway", "sync":
		return ModeTwoWay, nil
	case "mirror", "download", "download-only":
		return ModeMirror, nil
	}
	return "", errBadMode.Wrap(fmt.Errorf("unknown mode %q", s))
}

// Pair is a local folder kept in step with a drive folder.
type Pair struct {
	ID             string    `gorm:"column:id;primaryKey" json:"id"`
	LocalPath      string    `gorm:"column:local_path" json:"local_path"`
	SpaceID        string    `gorm:"column:space_id" json:"space_id"`
	RemoteFolderID string    `gorm:"column:remote_folder_id" json:"remote_folder_id"`
	Mode           Mode      `gorm:"column:mode" json:"mode"`
	Paused         bool      `gorm:"column:paused" json:"paused"`
	CreatedAt      time.Time `gorm:"column:created_at" json:"created_at"`
}

// TableName is the gorm table.
func (Pair) TableName() string { return "sync_pairs" }

// FileRecord is the last synced state of one path of a pair: what the local
// file looked like (size, mtime, inode) when it matched the server entry
// (EntryID at Version). It is the "base" of the three-way reconcile.
type FileRecord struct {
	PairID  string `gorm:"column:pair_id;primaryKey"`
	Path    string `gorm:"column:path;primaryKey"` // NFC, slash separated, relative to the pair root
	Dir     bool   `gorm:"column:dir"`
	Size    int64  `gorm:"column:size"`
	MtimeNs int64  `gorm:"column:mtime_ns"`
	Inode   uint64 `gorm:"column:inode"`
	CtimeNs int64  `gorm:"column:ctime_ns"` // inode change time (0 = unknown)
	Hash    string `gorm:"column:hash"`
	Chunks  Chunks `gorm:"column:chunks;serializer:json"`
	EntryID string `gorm:"column:entry_id"`
	Version int64  `gorm:"column:version"`
}

// TableName is the gorm table.
func (FileRecord) TableName() string { return "sync_files" }

// ChunkRef is one content-defined chunk of a file.
type ChunkRef struct {
	Offset int64  `json:"o"`
	Size   int    `json:"s"`
	Hash   string `json:"h"`
}

// Chunks is a file's chunk list. A file that is one chunk (every file below
// the chunker's minimum) keeps nil: its only chunk is the file itself, and
// 100,000 small files then cost no chunk list in memory or in the index.
type Chunks []ChunkRef

// compactChunks drops the list of a single-chunk file.
func compactChunks(size int64, hash string, c Chunks) Chunks {
	if len(c) == 1 && c[0].Offset == 0 && int64(c[0].Size) == size && c[0].Hash == hash {
		return nil
	}
	return c
}

// expandChunks is the full chunk list of a file (nil only for an empty file).
func expandChunks(size int64, hash string, c Chunks) Chunks {
	if len(c) == 0 && size > 0 {
		return Chunks{{Offset: 0, Size: int(size), Hash: hash}}
	}
	return c
}

// uploadRecord remembers a server upload session so an interrupted upload
// resumes instead of starting over.
type uploadRecord struct {
	PairID   string `gorm:"column:pair_id;primaryKey"`
	Path     string `gorm:"column:path;primaryKey"`
	Hash     string `gorm:"column:hash"`
	UploadID string `gorm:"column:upload_id"`
}

// TableName is the gorm table.
func (uploadRecord) TableName() string { return "sync_uploads" }

// State is a pair's (or the engine's) coarse status.
type State string

// States, from best to worst.
const (
	StateSynced            State = "synced"
	StateSyncing           State = "syncing"
	StatePaused            State = "paused"
	StateNeedsConfirmation State = "needs_confirmation"
	StateDegraded          State = "degraded"
	StateError             State = "error"
	// StateStopped: the pair's runner ended for good (its index could not be
	// loaded, a crash): nothing syncs until the agent restarts it.
	StateStopped State = "stopped"
	// StateFolderGone: the pair's own drive folder was deleted or moved to
	// another space; the pair stops and nothing local is deleted.
	StateFolderGone State = "folder_gone"
	// StateSignedOut: the server answered 401 (the session expired or was
	// revoked); nothing syncs until the user signs in again.
	StateSignedOut State = "signed_out"
)

// Reasons a path is skipped (SkippedItem.Reason; the settings page
// translates them).
const (
	SkipUnreadable = "unreadable" // no permission, or a read error
	SkipLocked     = "locked"     // held open exclusively by another program (Windows)
	SkipSymlink    = "symlink"    // symbolic links are never followed
	SkipSpecial    = "special"    // pipes, sockets, devices
)

// SkippedItem is a local path a pass did not back up, and why. Unreadable
// and locked files are tried again at the next pass.
type SkippedItem struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
	Detail string `json:"detail,omitempty"` // the OS error, English
}

// retried reports whether the engine tries the item again soon by itself.
func (s SkippedItem) retried() bool { return s.Reason == SkipUnreadable || s.Reason == SkipLocked }

// PairStatus is what the UI and the tray show for one pair.
type PairStatus struct {
	PairID        string `json:"pair_id"`
	LocalPath     string `json:"local_path"`
	SpaceID       string `json:"space_id"`
	FolderID      string `json:"remote_folder_id"` // the drive folder the pair syncs with
	Mode          Mode   `json:"mode"`
	State         State  `json:"state"`
	Pending       int    `json:"pending"`         // files still to transfer in this pass
	FilesDone     int    `json:"files_done"`      // in the current pass
	FilesTotal    int    `json:"files_total"`     // in the current pass
	BytesDone     int64  `json:"bytes_done"`      // in the current pass
	BytesTotal    int64  `json:"bytes_total"`     // in the current pass
	Error         string `json:"error,omitempty"` // last error, English
	Degraded      string `json:"degraded,omitempty"`
	PendingDelete int    `json:"pending_delete,omitempty"` // deletes waiting for ConfirmDeletes
	// PendingOverwrite: files whose new content waits for ConfirmOverwrites
	// (a mass overwrite, as ransomware makes).
	PendingOverwrite int      `json:"pending_overwrite,omitempty"`
	Clashes          []string `json:"clashes,omitempty"` // case clashes, not synced
	// Skipped lists what the last passes left out (unreadable, locked,
	// symlinks, special files): never silently.
	Skipped []SkippedItem `json:"skipped,omitempty"`
	// StoppedAt is when the pair stopped for good (State stopped).
	StoppedAt *time.Time `json:"stopped_at,omitempty"`
	LastSync  time.Time  `json:"last_sync"`

	// Refused: drive entries whose names cannot be local file names
	// (names.go); they and what is under them are not synced.
	Refused []RefusedName `json:"refused,omitempty"`
}

// Event is pushed on the engine's events channel for the UI/tray.
type Event struct {
	PairID string     `json:"pair_id"`
	Status PairStatus `json:"status"`
}
