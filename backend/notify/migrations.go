package notify

import (
	"gorm.io/gorm"

	"tack/backend/store"
)

// Migrations returns this package's schema steps in order. Add new ones at the end.
func Migrations() []store.Migration {
	return []store.Migration{
		{ID: "notify-0001-events", SQL: `
CREATE TABLE events (
	id BIGSERIAL PRIMARY KEY,
	type TEXT NOT NULL,
	subject_type TEXT NOT NULL DEFAULT '',
	subject_id TEXT NOT NULL DEFAULT '',
	actor_id TEXT NOT NULL DEFAULT '',
	recipients TEXT NOT NULL DEFAULT '[]',
	data TEXT NOT NULL DEFAULT '{}',
	created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX events_created_at ON events (created_at)`},
		{ID: "notify-0002-notifications", SQL: `
CREATE TABLE notifications (
	id TEXT PRIMARY KEY,
	user_id TEXT NOT NULL,
	event_id BIGINT NOT NULL,
	type TEXT NOT NULL,
	subject_type TEXT NOT NULL DEFAULT '',
	subject_id TEXT NOT NULL DEFAULT '',
	actor_id TEXT NOT NULL DEFAULT '',
	title TEXT NOT NULL DEFAULT '',
	body TEXT NOT NULL DEFAULT '',
	link TEXT NOT NULL DEFAULT '',
	data TEXT NOT NULL DEFAULT '{}',
	read_at TIMESTAMPTZ NULL,
	escalated_at TIMESTAMPTZ NULL,
	emailed_at TIMESTAMPTZ NULL,
	created_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX notifications_event_user ON notifications (event_id, user_id);
CREATE INDEX notifications_user ON notifications (user_id, id);
CREATE TABLE notify_state (
	name TEXT PRIMARY KEY,
	last_id BIGINT NOT NULL
)`},
		{ID: "notify-0003-events-trigger", Func: postgresOnly(`
CREATE OR REPLACE FUNCTION tack_events_notify() RETURNS trigger AS $$
BEGIN
	PERFORM pg_notify('tack_events', NEW.id::text);
	RETURN NEW;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER events_notify AFTER INSERT ON events FOR EACH ROW EXECUTE FUNCTION tack_events_notify();`)},
		{ID: "notify-0004-ding", SQL: `
CREATE TABLE dings (
	id TEXT PRIMARY KEY,
	sender_id TEXT NOT NULL,
	sender_name TEXT NOT NULL DEFAULT '',
	message TEXT NOT NULL,
	subject_type TEXT NOT NULL DEFAULT '',
	subject_id TEXT NOT NULL DEFAULT '',
	auto BOOLEAN NOT NULL DEFAULT FALSE,
	created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX dings_sender ON dings (sender_id, created_at);
CREATE TABLE ding_receipts (
	ding_id TEXT NOT NULL,
	user_id TEXT NOT NULL,
	acked_at TIMESTAMPTZ NULL,
	PRIMARY KEY (ding_id, user_id)
);
CREATE INDEX ding_receipts_user ON ding_receipts (user_id, ding_id)`},
		{ID: "notify-0005-announcements", SQL: `
CREATE TABLE announcements (
	id TEXT PRIMARY KEY,
	title TEXT NOT NULL,
	body TEXT NOT NULL DEFAULT '',
	format TEXT NOT NULL DEFAULT 'plain',
	require_ack BOOLEAN NOT NULL DEFAULT FALSE,
	everyone BOOLEAN NOT NULL DEFAULT FALSE,
	department_ids TEXT NOT NULL DEFAULT '[]',
	publisher_id TEXT NOT NULL,
	publisher_name TEXT NOT NULL DEFAULT '',
	created_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE announcement_receipts (
	announcement_id TEXT NOT NULL,
	user_id TEXT NOT NULL,
	read_at TIMESTAMPTZ NULL,
	acked_at TIMESTAMPTZ NULL,
	PRIMARY KEY (announcement_id, user_id)
);
CREATE INDEX announcement_receipts_user ON announcement_receipts (user_id, announcement_id)`},
		{ID: "notify-0006-email", SQL: `
CREATE TABLE notify_settings (
	name TEXT PRIMARY KEY,
	value TEXT NOT NULL
);
CREATE TABLE notify_presence (
	user_id TEXT PRIMARY KEY,
	seen_at TIMESTAMPTZ NOT NULL
)`},
		// The escalation and email jobs look every minute for unread notices by
		// age, and the email job for who was emailed lately: without these they
		// read the whole (ever growing) notifications table each time.
		{ID: "notify-0007-scan-indexes", SQL: `
CREATE INDEX notifications_unread_created ON notifications (created_at, id) WHERE read_at IS NULL;
CREATE INDEX notifications_emailed ON notifications (emailed_at) WHERE emailed_at IS NOT NULL`},
		// The DINGs Tack writes itself carry their content as fields
		// (event.DingContent) the clients render in the reader's language;
		// older rows get theirs from their English sentence, once, here.
		{ID: "notify-0008-events-ding-content", SQL: `ALTER TABLE dings ADD COLUMN content TEXT NULL`, Func: backfillDingContent},
		// On PostgreSQL one replica writes the notifications and marks each
		// event dispatched; the others publish an event live once it is
		// marked, woken by the statement trigger's NOTIFY (dispatcher.go).
		// Older events below the dispatch mark are never read again.
		{ID: "notify-0009-events-dispatched", SQL: `ALTER TABLE events ADD COLUMN dispatched BOOLEAN NOT NULL DEFAULT FALSE`,
			Func: postgresOnly(`
CREATE OR REPLACE FUNCTION tack_events_dispatched_notify() RETURNS trigger AS $$
BEGIN
	PERFORM pg_notify('tack_events', '');
	RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER events_dispatched_notify AFTER UPDATE OF dispatched ON events FOR EACH STATEMENT EXECUTE FUNCTION tack_events_dispatched_notify();`)},
	}
}

// postgresOnly runs sql on PostgreSQL only (triggers, functions: statements
// that contain semicolons and have no SQLite counterpart).
func postgresOnly(sql string) func(tx *gorm.DB) error {
	return func(tx *gorm.DB) error {
		if !store.IsPostgres(tx) {
			return nil
		}
		return tx.Exec(sql).Error
	}
}
