// Package drive is the company drive (钉盘): spaces (the company space, one
// per department, project spaces, a personal space per user), folders and
// files with versions, a trash with retention, per-entry permissions
// inherited down the tree, quotas, a change feed for the desktop sync agent
// (of a space, or of one folder: subtree.go), and the resumable chunked
// upload protocol. It knows nothing of HTTP.
//
// Content lives in a content-addressed chunk store (package blobstore); the
// database holds which chunks make each file version (drive_version_chunks)
// and which chunks exist (drive_chunks). Chunks are deduplicated
// server-wide; the garbage collector removes chunks no version and no open
// upload refers to, after a grace period. Deduplication never stands in for
// access: an upload is spared sending a stored chunk only when the caller
// can read a file holding it, or sent it themselves (content_access.go).
// Open uploads reserve their size against quotas (quota.go); published
// meeting minutes are locked against everyone but their writers (locks.go).
//
// Concurrency rules, relied on by the upload commit and the collector:
//
//   - Every change to a space's entries runs in one transaction that first
//     bumps drive_spaces.change_seq for the space. The row lock serialises
//     writers of one space, so sequence numbers commit in order and the
//     change feed never skips an entry that commits late.
//   - A chunk row is upserted (last_used_at = now) before its file is renamed
//     into place, in the same transaction (or, for a batch upload, in one
//     that commits before the renames: the fresh row alone keeps the
//     collector off for the grace period); the collector deletes the row
//     (only when old and unreferenced) before removing the file, in its own
//     transaction. The row lock orders the two on PostgreSQL, the write lock
//     on SQLite, so a file is never removed under a chunk that was just
//     announced, uploaded or committed.
//
// Backup and restore (for `tack admin backup/restore/verify`): the drive's
// state is its database tables (drive_*) plus the blob store directory
// <data dir>/drive (see package blobstore for the layout). Take a GC hold
// (AcquireGCHold, gcholds.go: the collector then deletes no chunk, on any
// replica), read the database, copy chunks/ (chunks are immutable and
// appear whole, so copying while the server runs is safe), then release it.
// After a restore, Service.Verify (deep to re-hash) lists referenced chunks
// that are missing or corrupt; Service.ReferencedChunks is the list itself.
package drive
