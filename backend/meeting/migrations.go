package meeting

import "tack/backend/store"

// Migrations returns this package's schema steps in order. Add new ones at the end.
func Migrations() []store.Migration {
	return []store.Migration{
		{ID: "meeting-0001-core", SQL: `
CREATE TABLE meeting_rooms (
	id TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	capacity INTEGER NOT NULL,
	location TEXT NOT NULL DEFAULT '',
	equipment TEXT NOT NULL DEFAULT '[]',
	active BOOLEAN NOT NULL DEFAULT TRUE,
	version INTEGER NOT NULL DEFAULT 1,
	created_at TIMESTAMPTZ NOT NULL,
	updated_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE meetings (
	id TEXT PRIMARY KEY,
	title TEXT NOT NULL,
	organizer_id TEXT NOT NULL,
	minute_taker_id TEXT NOT NULL DEFAULT '',
	room_id TEXT NOT NULL DEFAULT '',
	place TEXT NOT NULL DEFAULT '',
	online_url TEXT NOT NULL DEFAULT '',
	agenda TEXT NOT NULL DEFAULT '',
	attachments TEXT NOT NULL DEFAULT '[]',
	time_zone TEXT NOT NULL,
	start_at TIMESTAMPTZ NOT NULL,
	end_at TIMESTAMPTZ NOT NULL,
	rrule TEXT NOT NULL DEFAULT '',
	span_start TIMESTAMPTZ NOT NULL,
	span_end TIMESTAMPTZ,
	reminder_minutes INTEGER NOT NULL DEFAULT 10,
	status TEXT NOT NULL,
	version INTEGER NOT NULL DEFAULT 1,
	created_at TIMESTAMPTZ NOT NULL,
	updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX meetings_room ON meetings (room_id, span_start);
CREATE INDEX meetings_organizer ON meetings (organizer_id, span_start);
CREATE INDEX meetings_span ON meetings (span_start);
CREATE TABLE meeting_attendees (
	meeting_id TEXT NOT NULL REFERENCES meetings(id),
	user_id TEXT NOT NULL,
	response TEXT NOT NULL,
	responded_at TIMESTAMPTZ,
	PRIMARY KEY (meeting_id, user_id)
);
CREATE INDEX meeting_attendees_user ON meeting_attendees (user_id);
CREATE TABLE meeting_exceptions (
	meeting_id TEXT NOT NULL REFERENCES meetings(id),
	original_start TIMESTAMPTZ NOT NULL,
	cancelled BOOLEAN NOT NULL DEFAULT FALSE,
	start_at TIMESTAMPTZ NOT NULL,
	end_at TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (meeting_id, original_start)
);
CREATE TABLE meeting_reminders_sent (
	meeting_id TEXT NOT NULL,
	occurrence_start TIMESTAMPTZ NOT NULL,
	sent_at TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (meeting_id, occurrence_start)
);
CREATE TABLE meeting_minutes (
	meeting_id TEXT NOT NULL REFERENCES meetings(id),
	occurrence_start TIMESTAMPTZ NOT NULL,
	present TEXT NOT NULL DEFAULT '[]',
	absent TEXT NOT NULL DEFAULT '[]',
	discussion TEXT NOT NULL DEFAULT '',
	decisions TEXT NOT NULL DEFAULT '[]',
	action_items TEXT NOT NULL DEFAULT '[]',
	status TEXT NOT NULL,
	document_id TEXT NOT NULL DEFAULT '',
	published_at TIMESTAMPTZ,
	updated_by TEXT NOT NULL DEFAULT '',
	version INTEGER NOT NULL DEFAULT 1,
	created_at TIMESTAMPTZ NOT NULL,
	updated_at TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (meeting_id, occurrence_start)
);
CREATE TABLE tasks (
	id TEXT PRIMARY KEY,
	owner_id TEXT NOT NULL,
	title TEXT NOT NULL,
	due_date TEXT NOT NULL DEFAULT '',
	due_at TIMESTAMPTZ,
	status TEXT NOT NULL,
	meeting_id TEXT NOT NULL DEFAULT '',
	created_by TEXT NOT NULL DEFAULT '',
	overdue_notified BOOLEAN NOT NULL DEFAULT FALSE,
	version INTEGER NOT NULL DEFAULT 1,
	created_at TIMESTAMPTZ NOT NULL,
	updated_at TIMESTAMPTZ NOT NULL,
	done_at TIMESTAMPTZ
);
CREATE INDEX tasks_owner ON tasks (owner_id, status);
CREATE INDEX tasks_due ON tasks (status, due_at);
CREATE TABLE calendar_tokens (
	user_id TEXT PRIMARY KEY,
	token_hash TEXT NOT NULL UNIQUE,
	created_at TIMESTAMPTZ NOT NULL
)`},
		// When a calendar client last fetched the feed, so its owner can see the subscription works.
		{ID: "meeting-0002-calendar-token-used", SQL: `ALTER TABLE calendar_tokens ADD COLUMN last_used_at TIMESTAMPTZ`},
	}
}
