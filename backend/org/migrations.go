package org

import "tack/backend/store"

// Migrations returns this package's schema steps in order. Add new ones at the end.
func Migrations() []store.Migration {
	return []store.Migration{
		{ID: "org-0001-core", SQL: `
CREATE TABLE company (
	id TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	created_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE departments (
	id TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	parent_id TEXT REFERENCES departments(id),
	head_id TEXT,
	sort_order INTEGER NOT NULL DEFAULT 0,
	version INTEGER NOT NULL DEFAULT 1,
	created_at TIMESTAMPTZ NOT NULL,
	updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX departments_parent ON departments (parent_id);
CREATE TABLE users (
	id TEXT PRIMARY KEY,
	email TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	department_id TEXT NOT NULL REFERENCES departments(id),
	title TEXT NOT NULL DEFAULT '',
	phone TEXT NOT NULL DEFAULT '',
	manager_id TEXT REFERENCES users(id),
	active BOOLEAN NOT NULL DEFAULT TRUE,
	password_hash TEXT NOT NULL DEFAULT '',
	totp_secret TEXT NOT NULL DEFAULT '',
	totp_enabled BOOLEAN NOT NULL DEFAULT FALSE,
	locale TEXT NOT NULL DEFAULT '',
	version INTEGER NOT NULL DEFAULT 1,
	created_at TIMESTAMPTZ NOT NULL,
	updated_at TIMESTAMPTZ NOT NULL,
	deactivated_at TIMESTAMPTZ
);
CREATE INDEX users_department ON users (department_id);
CREATE INDEX users_manager ON users (manager_id);
CREATE TABLE roles (
	id TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	builtin BOOLEAN NOT NULL DEFAULT FALSE,
	created_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE user_roles (
	user_id TEXT NOT NULL REFERENCES users(id),
	role_id TEXT NOT NULL REFERENCES roles(id),
	PRIMARY KEY (user_id, role_id)
);
CREATE INDEX user_roles_role ON user_roles (role_id);
CREATE TABLE sessions (
	id TEXT PRIMARY KEY,
	user_id TEXT NOT NULL REFERENCES users(id),
	user_agent TEXT NOT NULL DEFAULT '',
	ip TEXT NOT NULL DEFAULT '',
	created_at TIMESTAMPTZ NOT NULL,
	last_seen_at TIMESTAMPTZ NOT NULL,
	expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id)`},
		// The last accepted TOTP time step: a code is accepted once only.
		{ID: "org-0002-totp-last-step", SQL: `ALTER TABLE users ADD COLUMN totp_last_step BIGINT NOT NULL DEFAULT 0`},
		// A reset password must be replaced at the next sign-in; only
		// administrators grant privileged roles (every role but member,
		// unless an admin marks a custom role otherwise).
		{ID: "org-0003-privileged-roles", SQL: `
ALTER TABLE users ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE roles ADD COLUMN privileged BOOLEAN NOT NULL DEFAULT TRUE;
UPDATE roles SET privileged = FALSE WHERE id = 'member'`},
		// An administrator's own absolute session lifetime (0: the server's).
		{ID: "org-0004-session-days", SQL: `ALTER TABLE company ADD COLUMN session_days INTEGER NOT NULL DEFAULT 0`},
		// Phone numbers are a sign-in name: stored normalised, looked up by
		// an index (uniqueness among active users is the service's; see
		// normalisePhones for why not a unique index).
		{ID: "org-0005-phonefix", SQL: `CREATE INDEX users_phone ON users (phone)`, Func: normalisePhones},
	}
}
