// Package backup makes consistent, incremental backups of a Tack data set
// (the database and the drive's content-addressed chunks) to another
// directory, restores them into an empty target, and verifies both live
// data and backups. It knows nothing of flags or HTTP; backend/cli wraps it
// as `tack admin backup|restore|verify`.
//
// # Format
//
// The database part is logical, not a file copy, so that one format serves
// SQLite and PostgreSQL alike and a backup of one can be restored into the
// other. Every table is dumped inside ONE read-only transaction (REPEATABLE
// READ on PostgreSQL; a deferred read transaction on SQLite, whose WAL
// snapshot stays fixed until it ends), so the whole dump is one point in
// time while the server keeps writing.
//
// A backup directory looks like this:
//
//	DIR/chunks/ab/cd/<sha256>       chunks, shared by all snapshots (same layout as the drive)
//	DIR/tmp/                        chunks being written
//	DIR/snapshots/<name>/manifest.json
//	DIR/snapshots/<name>/db/<table>.ndjson
//	DIR/snapshots/<name>/chunks.txt  "<sha256> <size>" per chunk the snapshot needs
//	DIR/snapshots/<name>.partial/   a run in progress or one that failed
//	DIR/LATEST                      name of the newest complete snapshot
//	DIR/lock                        held while a backup runs
//
// A table file has one JSON array per row, values in the column order the
// manifest lists, each encoded by the column's portable type: text and
// numbers as JSON strings and numbers, booleans as true/false, times as
// RFC 3339 strings in UTC, bytes as base64, NULL as null. The manifest
// records the format, the applied migration IDs (the schema version), each
// table's columns, row count, size and SHA-256, and the SHA-256 of
// chunks.txt.
//
// # Completeness
//
// A run writes into <name>.partial and renames it to <name> only after the
// dump, every chunk and the manifest are written and fsynced; LATEST is then
// replaced by rename. A run that fails or is killed leaves LATEST on the
// previous complete snapshot; the next successful run removes the leftover.
//
// # Running beside the server
//
// Chunk files are immutable and appear whole (tmp+rename), so they can be
// copied at any time; the danger is the drive's garbage collector deleting
// a chunk the snapshot still references before it is copied. The backup
// therefore takes a drive GC hold (drive.AcquireGCHold) before opening the
// snapshot and keeps renewing it until the chunks are copied. A chunk that
// is missing or corrupt anyway fails the run loudly; it is never marked
// complete.
package backup
