package drive

import "tack/backend/store"

// Migrations returns this package's schema steps in order. Add new ones at the end.
func Migrations() []store.Migration {
	return []store.Migration{
		{ID: "drive-0001-core", SQL: `
CREATE TABLE drive_spaces (
	id TEXT PRIMARY KEY,
	kind TEXT NOT NULL,
	name TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	owner_id TEXT NOT NULL DEFAULT '',
	department_id TEXT NOT NULL DEFAULT '',
	root_id TEXT NOT NULL,
	quota_bytes BIGINT NOT NULL DEFAULT 0,
	used_bytes BIGINT NOT NULL DEFAULT 0,
	change_seq BIGINT NOT NULL DEFAULT 0,
	purged_seq BIGINT NOT NULL DEFAULT 0,
	version INTEGER NOT NULL DEFAULT 1,
	created_by TEXT NOT NULL DEFAULT '',
	created_at TIMESTAMPTZ NOT NULL,
	updated_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX drive_spaces_company ON drive_spaces (kind) WHERE kind = 'company';
CREATE UNIQUE INDEX drive_spaces_department ON drive_spaces (department_id) WHERE kind = 'department';
CREATE UNIQUE INDEX drive_spaces_personal ON drive_spaces (owner_id) WHERE kind = 'personal';
CREATE TABLE drive_entries (
	id TEXT PRIMARY KEY,
	space_id TEXT NOT NULL,
	parent_id TEXT NOT NULL DEFAULT '',
	kind TEXT NOT NULL,
	name TEXT NOT NULL,
	name_key TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	size BIGINT NOT NULL DEFAULT 0,
	hash TEXT NOT NULL DEFAULT '',
	version BIGINT NOT NULL DEFAULT 1,
	created_by TEXT NOT NULL DEFAULT '',
	created_at TIMESTAMPTZ NOT NULL,
	modified_by TEXT NOT NULL DEFAULT '',
	modified_by_name TEXT NOT NULL DEFAULT '',
	modified_at TIMESTAMPTZ NOT NULL,
	deleted BOOLEAN NOT NULL DEFAULT FALSE,
	trashed_at TIMESTAMPTZ,
	trashed_by TEXT NOT NULL DEFAULT '',
	trash_root TEXT NOT NULL DEFAULT '',
	seq BIGINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX drive_entries_live_name ON drive_entries (parent_id, name_key) WHERE deleted = FALSE AND parent_id <> '';
CREATE INDEX drive_entries_parent ON drive_entries (parent_id);
CREATE INDEX drive_entries_feed ON drive_entries (space_id, seq);
CREATE INDEX drive_entries_trash ON drive_entries (trash_root);
CREATE INDEX drive_entries_trashed_at ON drive_entries (trashed_at);
CREATE TABLE drive_versions (
	id TEXT PRIMARY KEY,
	entry_id TEXT NOT NULL,
	entry_version BIGINT NOT NULL,
	size BIGINT NOT NULL,
	hash TEXT NOT NULL,
	chunk_count INTEGER NOT NULL,
	created_by TEXT NOT NULL DEFAULT '',
	created_by_name TEXT NOT NULL DEFAULT '',
	created_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX drive_versions_entry ON drive_versions (entry_id, entry_version);
CREATE TABLE drive_version_chunks (
	version_id TEXT NOT NULL,
	idx INTEGER NOT NULL,
	hash TEXT NOT NULL,
	size INTEGER NOT NULL,
	chunk_offset BIGINT NOT NULL,
	PRIMARY KEY (version_id, idx)
);
CREATE INDEX drive_version_chunks_hash ON drive_version_chunks (hash);
CREATE TABLE drive_chunks (
	hash TEXT PRIMARY KEY,
	size INTEGER NOT NULL,
	created_at TIMESTAMPTZ NOT NULL,
	last_used_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX drive_chunks_last_used ON drive_chunks (last_used_at);
CREATE TABLE drive_uploads (
	id TEXT PRIMARY KEY,
	user_id TEXT NOT NULL,
	space_id TEXT NOT NULL,
	entry_id TEXT NOT NULL DEFAULT '',
	parent_id TEXT NOT NULL DEFAULT '',
	name TEXT NOT NULL DEFAULT '',
	base_version BIGINT NOT NULL DEFAULT 0,
	size BIGINT NOT NULL,
	hash TEXT NOT NULL,
	created_at TIMESTAMPTZ NOT NULL,
	expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX drive_uploads_expires ON drive_uploads (expires_at);
CREATE TABLE drive_upload_chunks (
	upload_id TEXT NOT NULL,
	idx INTEGER NOT NULL,
	hash TEXT NOT NULL,
	size INTEGER NOT NULL,
	PRIMARY KEY (upload_id, idx)
);
CREATE INDEX drive_upload_chunks_hash ON drive_upload_chunks (hash);
CREATE TABLE drive_permissions (
	id TEXT PRIMARY KEY,
	entry_id TEXT NOT NULL,
	space_id TEXT NOT NULL,
	principal_type TEXT NOT NULL,
	principal_id TEXT NOT NULL DEFAULT '',
	role TEXT NOT NULL,
	created_by TEXT NOT NULL DEFAULT '',
	created_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX drive_permissions_unique ON drive_permissions (entry_id, principal_type, principal_id);
CREATE INDEX drive_permissions_principal ON drive_permissions (principal_type, principal_id)`},
		gcHoldsMigration,
		departuresMigration,
		movesMigration,
		uploadReceivedMigration,
		lockMigration,
		chunkSchemeMigration,
		uploadChunkHashMigration,
	}
}
