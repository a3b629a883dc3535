package drive

import (
	"io"
	"time"
)

// Space kinds.
const (
	SpaceCompany    = "company"
	SpaceDepartment = "department"
	SpaceProject    = "project"
	SpacePersonal   = "personal"
)

// Entry kinds.
const (
	KindFolder = "folder"
	KindFile   = "file"
)

// Roles on an entry, weakest first. A role includes the weaker ones.
const (
	RoleViewer  = "viewer"  // list, read, download
	RoleEditor  = "editor"  // create, upload, rename, move, copy, trash, restore
	RoleManager = "manager" // share (permissions), space settings
)

// Principal types of a permission.
const (
	PrincipalUser       = "user"
	PrincipalDepartment = "department" // members of the department and its sub-departments
	PrincipalRole       = "role"       // holders of an org role (admin, hr, dept_head, ...)
	PrincipalEveryone   = "everyone"   // every active account
)

func roleLevel(r string) int {
	switch r {
	case RoleViewer:
		return 1
	case RoleEditor:
		return 2
	case RoleManager:
		return 3
	}
	return 0
}

func maxRole(a, b string) string {
	if roleLevel(b) > roleLevel(a) {
		return b
	}
	return a
}

// Space is a top-level area of the drive with its own root folder, members
// and quota. Role is the caller's role on the root.
type Space struct {
	ID           string    `gorm:"primaryKey" json:"id"`
	Kind         string    `json:"kind"`
	Name         string    `json:"name"`
	Description  string    `json:"description"`
	OwnerID      string    `json:"owner_id,omitempty"`
	DepartmentID string    `json:"department_id,omitempty"`
	RootID       string    `json:"root_id"`
	QuotaBytes   int64     `json:"quota_bytes"` // 0 = unlimited
	UsedBytes    int64     `json:"used_bytes"`
	ChangeSeq    int64     `json:"-"`
	PurgedSeq    int64     `json:"-"`
	Version      int       `json:"version"`
	CreatedBy    string    `json:"created_by,omitempty"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
	Role         string    `gorm:"-" json:"role"`
}

// TableName keeps the table name stable.
func (Space) TableName() string { return "drive_spaces" }

// Entry is a folder or a file. Version is the optimistic-lock version: it
// grows with every change (content, rename, move, trash), and is the base
// version of uploads and the version of PATCH/DELETE. Size and Hash are the
// current content's (files). Role is the caller's effective role.
type Entry struct {
	ID             string     `gorm:"primaryKey" json:"id"`
	SpaceID        string     `json:"space_id"`
	ParentID       string     `json:"parent_id"`
	Kind           string     `json:"kind"`
	Name           string     `json:"name"`
	NameKey        string     `json:"-"`
	Description    string     `json:"description"`
	Size           int64      `json:"size"`
	Hash           string     `json:"hash"`
	Version        int64      `json:"version"`
	CreatedBy      string     `json:"created_by"`
	CreatedAt      time.Time  `json:"created_at"`
	ModifiedBy     string     `json:"modified_by"`
	ModifiedByName string     `json:"modified_by_name,omitempty"`
	ModifiedAt     time.Time  `json:"modified_at"`
	Deleted        bool       `json:"deleted"`
	TrashedAt      *time.Time `json:"trashed_at,omitempty"`
	TrashedBy      string     `json:"trashed_by,omitempty"`
	TrashRoot      string     `json:"-"`
	Seq            int64      `json:"-"`
	Locked         bool       `json:"locked,omitempty"` // read-only but to its writers (locks.go)
	Role           string     `gorm:"-" json:"role,omitempty"`
}

// TableName keeps the table name stable.
func (Entry) TableName() string { return "drive_entries" }

// IsDir reports whether e is a folder.
func (e *Entry) IsDir() bool { return e.Kind == KindFolder }

func (e *Entry) normalize() {
	e.CreatedAt, e.ModifiedAt = e.CreatedAt.UTC(), e.ModifiedAt.UTC()
	if e.TrashedAt != nil {
		t := e.TrashedAt.UTC()
		e.TrashedAt = &t
	}
}

// Departure records an entry that left a space (moved to another space):
// the space's change feed reports it as deleted at Seq, in its state before
// the move (ParentID, Name, Path), without telling where it went.
type Departure struct {
	SpaceID   string `gorm:"primaryKey"`
	Seq       int64  `gorm:"primaryKey"`
	EntryID   string `gorm:"primaryKey"`
	ParentID  string
	Kind      string
	Name      string
	Path      string
	Version   int64
	CreatedAt time.Time
}

// TableName keeps the table name stable.
func (Departure) TableName() string { return "drive_departures" }

// FileVersion is one stored content of a file. EntryVersion is the entry's
// version when it was committed: `content?version=N` serves the content the
// entry had at version N.
type FileVersion struct {
	ID           string `gorm:"primaryKey" json:"id"`
	EntryID      string `json:"entry_id"`
	EntryVersion int64  `json:"version"`
	Size         int64  `json:"size"`
	Hash         string `json:"hash"`
	ChunkCount   int    `json:"chunk_count"`
	// ChunkScheme is the chunker.Scheme the version's chunks were cut with
	// (0: not recorded, a version written before schemes were recorded). A
	// client editing the file cuts the new content the same way, so the
	// edit deduplicates against this version.
	ChunkScheme   int       `json:"chunk_scheme,omitempty"`
	CreatedBy     string    `json:"created_by"`
	CreatedByName string    `json:"created_by_name"`
	CreatedAt     time.Time `json:"created_at"`
	Current       bool      `gorm:"-" json:"current"`
}

// TableName keeps the table name stable.
func (FileVersion) TableName() string { return "drive_versions" }

// VersionChunk is the idx-th chunk of a version.
type VersionChunk struct {
	VersionID   string `gorm:"primaryKey"`
	Idx         int    `gorm:"primaryKey"`
	Hash        string
	Size        int
	ChunkOffset int64
}

// TableName keeps the table name stable.
func (VersionChunk) TableName() string { return "drive_version_chunks" }

// ChunkRow records a chunk present in the blob store.
type ChunkRow struct {
	Hash       string `gorm:"primaryKey"`
	Size       int
	CreatedAt  time.Time
	LastUsedAt time.Time
}

// TableName keeps the table name stable.
func (ChunkRow) TableName() string { return "drive_chunks" }

// Upload is an open chunked upload session: a new file (ParentID+Name) or a
// new version of EntryID on top of BaseVersion.
type Upload struct {
	ID          string `gorm:"primaryKey"`
	UserID      string
	SpaceID     string
	EntryID     string
	ParentID    string
	Name        string
	BaseVersion int64
	Size        int64
	Hash        string
	ChunkScheme int   // recorded with the version at commit
	ListedBytes int64 // bytes the chunk list covers (AppendChunks checks it without summing the list)
	CreatedAt   time.Time
	ExpiresAt   time.Time
}

// TableName keeps the table name stable.
func (Upload) TableName() string { return "drive_uploads" }

// UploadChunkRow is the idx-th announced chunk of an upload.
type UploadChunkRow struct {
	UploadID string `gorm:"primaryKey"`
	Idx      int    `gorm:"primaryKey"`
	Hash     string
	Size     int
	Received bool // the owner sent these bytes (content_access.go)
}

// TableName keeps the table name stable.
func (UploadChunkRow) TableName() string { return "drive_upload_chunks" }

// Permission grants Role on EntryID (and everything below it) to a principal.
type Permission struct {
	ID            string    `gorm:"primaryKey" json:"id"`
	EntryID       string    `json:"entry_id"`
	SpaceID       string    `json:"space_id"`
	PrincipalType string    `json:"principal_type"`
	PrincipalID   string    `json:"principal_id"`
	Role          string    `json:"role"`
	CreatedBy     string    `json:"created_by"`
	CreatedAt     time.Time `json:"created_at"`
	PrincipalName string    `gorm:"-" json:"principal_name,omitempty"`
	Inherited     bool      `gorm:"-" json:"inherited"` // granted on an ancestor
}

// TableName keeps the table name stable.
func (Permission) TableName() string { return "drive_permissions" }

// CreateSpaceRequest creates a project space. Members get their roles on the
// root; the creator is always a manager.
type CreateSpaceRequest struct {
	Name        string         `json:"name"`
	Description string         `json:"description"`
	Members     []GrantRequest `json:"members"`
}

// UpdateSpaceRequest renames a space or changes its quota (admins only for
// the quota). Version is the space's current version.
type UpdateSpaceRequest struct {
	Version     int     `json:"version"`
	Name        *string `json:"name"`
	Description *string `json:"description"`
	QuotaBytes  *int64  `json:"quota_bytes"`
}

// CreateFolderRequest creates a folder under ParentID.
type CreateFolderRequest struct {
	ParentID    string `json:"parent_id"`
	Name        string `json:"name"`
	Description string `json:"description"`
}

// UpdateEntryRequest renames, moves or re-describes an entry; nil fields
// stay. Version must be the entry's current version.
type UpdateEntryRequest struct {
	Version     int64   `json:"version"`
	Name        *string `json:"name"`
	ParentID    *string `json:"parent_id"`
	Description *string `json:"description"`
}

// CopyRequest copies an entry (a folder with everything in it) under
// ParentID, named Name (default: the source's name).
type CopyRequest struct {
	ParentID string `json:"parent_id"`
	Name     string `json:"name"`
}

// RestoreRequest restores a trashed entry; Name renames it when the old
// name is taken again.
type RestoreRequest struct {
	Name string `json:"name"`
}

// GrantRequest gives a principal a role on an entry.
type GrantRequest struct {
	PrincipalType string `json:"principal_type"`
	PrincipalID   string `json:"principal_id"`
	Role          string `json:"role"`
}

// UploadChunk is a chunk announced when an upload starts.
type UploadChunk struct {
	Hash string `json:"hash"`
	Size int    `json:"size"`
}

// UploadRequest starts an upload: a new file (ParentID+Name) or a new
// version of an existing one (EntryID+BaseVersion).
type UploadRequest struct {
	ParentID    string        `json:"parent_id,omitempty"`
	Name        string        `json:"name,omitempty"`
	Size        int64         `json:"size"`
	Hash        string        `json:"hash"`
	Chunks      []UploadChunk `json:"chunks"`
	EntryID     string        `json:"entry_id,omitempty"`
	BaseVersion int64         `json:"base_version,omitempty"`
	// Diff announces a new version's chunks against its base instead of
	// Chunks (uploads_diff.go).
	Diff *ChunkDiff `json:"chunks_diff,omitempty"`
	// Open: Chunks may cover only the start of Size; the rest is announced
	// with AppendChunks while the client is still chunking the file
	// (uploads_open.go). Commit needs the list to cover Size exactly.
	Open bool `json:"open,omitempty"`
	// ChunkScheme names the chunker.Scheme the client cut the file with
	// (0: not said); the version records it (FileVersion.ChunkScheme).
	ChunkScheme int `json:"chunk_scheme,omitempty"`
}

// UploadState is an upload session and the chunks the server still lacks.
type UploadState struct {
	ID        string    `json:"id"`
	Missing   []string  `json:"missing"`
	Size      int64     `json:"size"`
	ExpiresAt time.Time `json:"expires_at"`
	// Announced is the number of chunks the list holds so far and ListHash
	// their ChunkListHash (UploadStatus only: an open upload resumes after
	// them, and only if its file still cuts into the same list).
	Announced int    `json:"announced,omitempty"`
	ListHash  string `json:"list_hash,omitempty"`
}

// BatchItem is one file of a batch upload: a new file (ParentID+Name) or a
// new version of EntryID on top of BaseVersion, and the size and SHA-256 of
// the content that follows in the batch.
type BatchItem struct {
	ParentID    string `json:"parent_id,omitempty"`
	Name        string `json:"name,omitempty"`
	EntryID     string `json:"entry_id,omitempty"`
	BaseVersion int64  `json:"base_version,omitempty"`
	Size        int64  `json:"size"`
	Hash        string `json:"hash"`
}

// BatchRequest is the manifest of a batch upload: its files, in the order
// their contents follow.
type BatchRequest struct {
	Items []BatchItem `json:"items"`
}

// BatchParts hands out the contents of a batch's files in order; Next
// returns io.EOF after the last one.
type BatchParts interface {
	Next() (io.Reader, error)
}

// BatchResult is what became of one file of a batch upload: Entry when it
// is stored (Created: a new file; Unchanged: the drive already had this
// content there, nothing was written), or Err, that file's own error.
type BatchResult struct {
	Index     int
	Entry     *Entry
	Created   bool
	Unchanged bool
	Err       error
}

// Change is one item of a space's change feed: the entry's current state.
type Change struct {
	Seq   int64  `json:"seq"`
	Entry Entry  `json:"entry"`
	Path  string `json:"path,omitempty"`
}

// ChangePage is one answer of the change feed.
type ChangePage struct {
	Items      []Change `json:"items"`
	NextCursor string   `json:"next_cursor"`
}

// SearchFilter narrows drive/search.
type SearchFilter struct {
	Query   string
	SpaceID string
	Limit   int
}
