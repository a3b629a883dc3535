package workcal

import "tack/backend/store"

// Migrations returns this package's schema steps in order. Add new ones at
// the end.
//
// The calendar began in the approvals domain: approval_calendar_days is
// created by approval-0001 (a released step that also makes every approval
// table, so it stays as it is) and approval_calendar_settings by
// approval-0006, which moved here with its ID unchanged so databases that
// ran it do not run it again. workcal-0001 creates the days table only where
// it is missing (a database that has only workcal's steps, as in this
// package's tests); on a full server it finds the table and does nothing.
func Migrations() []store.Migration {
	return []store.Migration{
		{ID: "workcal-0001-days", SQL: `
CREATE TABLE IF NOT EXISTS approval_calendar_days (
	date TEXT PRIMARY KEY,
	working BOOLEAN NOT NULL,
	note TEXT NOT NULL DEFAULT '',
	updated_at TIMESTAMPTZ NOT NULL
)`},
		{ID: "approval-0006-calendar-settings", SQL: `
CREATE TABLE approval_calendar_settings (
	id INTEGER PRIMARY KEY,
	work_days TEXT NOT NULL,
	work_start TEXT NOT NULL,
	work_end TEXT NOT NULL,
	updated_at TIMESTAMPTZ NOT NULL
)`},
		// One counter row every calendar edit bumps (creating it on the
		// first edit) in its own transaction, so each replica's Cache knows
		// from one tiny read whether its copy is still the calendar (issue
		// 14: a submit read the whole calendar twice). The migration seeds
		// no row: a restore copies every table into a migrated database.
		{ID: "workcal-0002-version", SQL: `CREATE TABLE workcal_version (id INTEGER PRIMARY KEY, version BIGINT NOT NULL)`},
	}
}
