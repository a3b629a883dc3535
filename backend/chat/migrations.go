package chat

import "tack/backend/store"

// Migrations returns this package's schema steps in order. Add new ones at the end.
func Migrations() []store.Migration {
	return []store.Migration{
		{ID: "chat-0001-core", SQL: `
CREATE TABLE chat_conversations (
	id TEXT PRIMARY KEY,
	kind TEXT NOT NULL,
	name TEXT NOT NULL DEFAULT '',
	owner_id TEXT NOT NULL DEFAULT '',
	direct_key TEXT,
	department_id TEXT NOT NULL DEFAULT '',
	include_sub BOOLEAN NOT NULL DEFAULT FALSE,
	post_policy TEXT NOT NULL DEFAULT 'all',
	add_policy TEXT NOT NULL DEFAULT 'all',
	last_seq BIGINT NOT NULL DEFAULT 0,
	last_message_at TIMESTAMPTZ,
	archived_at TIMESTAMPTZ,
	version INTEGER NOT NULL DEFAULT 1,
	created_at TIMESTAMPTZ NOT NULL,
	updated_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX chat_conversations_direct ON chat_conversations (direct_key);
CREATE INDEX chat_conversations_kind ON chat_conversations (kind, department_id);
CREATE TABLE chat_members (
	conversation_id TEXT NOT NULL REFERENCES chat_conversations(id),
	user_id TEXT NOT NULL,
	role TEXT NOT NULL,
	read_seq BIGINT NOT NULL DEFAULT 0,
	joined_seq BIGINT NOT NULL DEFAULT 0,
	muted BOOLEAN NOT NULL DEFAULT FALSE,
	pinned BOOLEAN NOT NULL DEFAULT FALSE,
	joined_at TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (conversation_id, user_id)
);
CREATE INDEX chat_members_user ON chat_members (user_id);
CREATE TABLE chat_messages (
	id TEXT PRIMARY KEY,
	conversation_id TEXT NOT NULL REFERENCES chat_conversations(id),
	seq BIGINT NOT NULL,
	sender_id TEXT NOT NULL,
	client_key TEXT NOT NULL,
	kind TEXT NOT NULL DEFAULT 'text',
	body TEXT NOT NULL DEFAULT '',
	mentions TEXT NOT NULL DEFAULT '[]',
	mention_all BOOLEAN NOT NULL DEFAULT FALSE,
	reply_to_id TEXT NOT NULL DEFAULT '',
	forwarded_from_id TEXT NOT NULL DEFAULT '',
	edited_at TIMESTAMPTZ,
	recalled_at TIMESTAMPTZ,
	recalled_by TEXT NOT NULL DEFAULT '',
	created_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX chat_messages_seq ON chat_messages (conversation_id, seq);
CREATE UNIQUE INDEX chat_messages_client_key ON chat_messages (conversation_id, sender_id, client_key);
`},
		messageIndex.Migration("chat-0002-fts"),
		{ID: "chat-0003-fts-backfill", Func: backfillIndex},
		{ID: "chat-0004-files", SQL: `
ALTER TABLE chat_messages ADD COLUMN file_id TEXT NOT NULL DEFAULT '';
ALTER TABLE chat_messages ADD COLUMN file TEXT;
CREATE INDEX chat_messages_file ON chat_messages (file_id) WHERE file_id <> '';
`},
		{ID: "chat-0005-announcement", SQL: `
ALTER TABLE chat_conversations ADD COLUMN announcement TEXT NOT NULL DEFAULT '';
ALTER TABLE chat_conversations ADD COLUMN announcement_by TEXT NOT NULL DEFAULT '';
ALTER TABLE chat_conversations ADD COLUMN announcement_at TIMESTAMPTZ;
ALTER TABLE chat_conversations ADD COLUMN announcement_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE chat_members ADD COLUMN announcement_read INTEGER NOT NULL DEFAULT 0;
`},
		{ID: "chat-0006-retention", SQL: `
CREATE TABLE chat_settings (
	id TEXT PRIMARY KEY,
	retention_days INTEGER NOT NULL DEFAULT 0,
	version INTEGER NOT NULL DEFAULT 1,
	updated_by TEXT NOT NULL DEFAULT '',
	updated_at TIMESTAMPTZ
);
CREATE INDEX chat_messages_created ON chat_messages (created_at);
`},
		{ID: "chat-0007-busy-summaries", SQL: `
CREATE TABLE chat_busy_summaries (
	sitting_key TEXT NOT NULL,
	user_id TEXT NOT NULL,
	created_at TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (sitting_key, user_id)
);
CREATE INDEX chat_busy_summaries_created ON chat_busy_summaries (created_at);
`},
	}
}
