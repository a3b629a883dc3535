// Package syncagent is the desktop folder backup and sync engine: it keeps a local
// folder and a drive folder in step, talking to the server only through the
// drive HTTP API (client.go), so the desktop client, the headless `tack sync`
// command and the tests share one code path.
//
// One concept per file, after Syncthing:
//   - client.go: typed HTTP client for the drive protocol (retries, 409s)
//   - index.go: the local SQLite index (last synced state per path)
//   - scanner.go, walk.go: walks a folder, hashes only what changed (one
//     read pass): size, mtime, inode and ctime unchanged means unchanged, except
//     for a file recorded within 2 s of its mtime (git's racy-mtime rule)
//   - ignore.go: .tackignore (gitignore syntax) and built-in patterns
//   - watcher.go, aggregator.go: recursive fsnotify and per-path debounce
//     (a path renamed away waits for its new name: one pass sees both)
//   - fileid.go, inode_*.go: a file's identity across renames (inode; the
//     file ID on Windows)
//   - move.go: a pass pulls in the vanished side of a move it sees half of
//   - remote.go: the drive folder's tree, fed by the folder's change feed
//     (changes?under=<folder>: cost follows the folder, not its space)
//   - remotesnap.go: that tree and its feed cursor saved between runs, so a
//     restart reads the feed from where it stopped (one call when nothing
//     changed) instead of listing the folder again
//   - names.go: every name a server sends passes the drive's name rules
//     (drive/entryname) or is refused and listed on the status; the
//     executor reaches files only through an os.Root of the pair folder
//   - reconcile.go: three-way decisions (local, base, remote) as pure functions;
//     a local rename is a drive move (by identity, else by content: a folder
//     goes where most of its files went)
//   - transfer.go: parallel uploads/downloads, small files in batches,
//     bandwidth limit, progress
//   - transfer_stream.go: a new big file read once: the scan leaves it
//     unread, its upload is opened with the size alone and its chunks are
//     cut, hashed, appended to the upload's list and sent in one pipeline
//   - engine.go: pairs, Serve(ctx), status and events
//   - skip.go: what a pass leaves out, and why (unreadable, locked, symlinks,
//     special files): listed in the status, never dropped silently.
//     Symbolic links are never followed, so nothing outside the folder is
//     read through one; unreadable and locked files are tried again.
//   - massdelete.go: mass deletes and mass overwrites wait for the user
//   - heartbeat.go: the agent's report to the server (backend/devices)
//
// A pair whose runner ends for good (its index cannot be loaded, a crash)
// is "stopped": the worst state, reported by Options.OnPairStopped and the
// heartbeat at once. A pair whose drive folder was trashed or moved to
// another space stops as "folder_gone" (nothing local is deleted). When the
// server answers 401 (the session expired or was revoked) every pair shows
// "signed_out" and Options.OnSignedOut is told once; only a new session
// (a new engine) syncs again.
package syncagent
