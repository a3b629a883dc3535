package syncagent

import "tack/backend/store"

// migrations is the schema of the client's local index. It lives in its own
// database (the sync data dir), never in the server's.
func migrations() []store.Migration {
	return []store.Migration{
		{ID: "sync-0001-init", SQL: `
CREATE TABLE sync_pairs (
	id TEXT PRIMARY KEY,
	local_path TEXT NOT NULL,
	space_id TEXT NOT NULL,
	remote_folder_id TEXT NOT NULL,
	mode TEXT NOT NULL,
	paused BOOLEAN NOT NULL DEFAULT FALSE,
	created_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE sync_files (
	pair_id TEXT NOT NULL,
	path TEXT NOT NULL,
	dir BOOLEAN NOT NULL DEFAULT FALSE,
	size BIGINT NOT NULL DEFAULT 0,
	mtime_ns BIGINT NOT NULL DEFAULT 0,
	inode BIGINT NOT NULL DEFAULT 0,
	hash TEXT NOT NULL DEFAULT '',
	chunks TEXT,
	entry_id TEXT NOT NULL DEFAULT '',
	version BIGINT NOT NULL DEFAULT 0,
	PRIMARY KEY (pair_id, path)
);
CREATE INDEX sync_files_inode ON sync_files (pair_id, inode);
CREATE INDEX sync_files_hash ON sync_files (pair_id, hash);
CREATE INDEX sync_files_entry ON sync_files (pair_id, entry_id);
CREATE TABLE sync_uploads (
	pair_id TEXT NOT NULL,
	path TEXT NOT NULL,
	hash TEXT NOT NULL,
	upload_id TEXT NOT NULL,
	PRIMARY KEY (pair_id, path)
)`},
		// The inode change time, trusted with size, mtime and inode (0 =
		// unknown: Windows, and rows written before it).
		{ID: "sync-0002-syncrestart-ctime", SQL: `ALTER TABLE sync_files ADD COLUMN ctime_ns BIGINT NOT NULL DEFAULT 0`},
		// The index is read whole at every start (Index.Files): stored in
		// its primary key's order (WITHOUT ROWID), a pair's rows are one
		// range of one b-tree, instead of a walk of the key's index and a
		// look-up of each row in the table. The inode, hash and entry
		// indexes were never used by a query; they only slowed every write.
		{ID: "sync-0003-restart-clustered", SQL: `
CREATE TABLE sync_files_clustered (
	pair_id TEXT NOT NULL,
	path TEXT NOT NULL,
	dir BOOLEAN NOT NULL DEFAULT FALSE,
	size BIGINT NOT NULL DEFAULT 0,
	mtime_ns BIGINT NOT NULL DEFAULT 0,
	inode BIGINT NOT NULL DEFAULT 0,
	hash TEXT NOT NULL DEFAULT '',
	chunks TEXT,
	entry_id TEXT NOT NULL DEFAULT '',
	version BIGINT NOT NULL DEFAULT 0,
	ctime_ns BIGINT NOT NULL DEFAULT 0,
	PRIMARY KEY (pair_id, path)
) WITHOUT ROWID;
INSERT INTO sync_files_clustered (pair_id, path, dir, size, mtime_ns, inode, hash, chunks, entry_id, version, ctime_ns)
	SELECT pair_id, path, dir, size, mtime_ns, inode, hash, chunks, entry_id, version, ctime_ns FROM sync_files;
DROP TABLE sync_files;
ALTER TABLE sync_files_clustered RENAME TO sync_files`},
	}
}
