package attendance

import (
	"context"
	"time"

	"gorm.io/gorm"

	"tack/backend/store"
)

// RoleAttendanceAdmin is the built-in role that manages attendance (考勤管理员).
const RoleAttendanceAdmin = "attendance_admin"

// Migrations returns this package's schema steps in order. Add new ones at the end.
func Migrations() []store.Migration {
	return append([]store.Migration{
		{ID: "attendance-0001-core", SQL: `
CREATE TABLE attendance_shifts (
	id TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	start_min INTEGER NOT NULL,
	end_min INTEGER NOT NULL,
	break_start_min INTEGER NOT NULL DEFAULT 0,
	break_end_min INTEGER NOT NULL DEFAULT 0,
	earliest_in_min INTEGER NOT NULL DEFAULT 120,
	latest_out_min INTEGER NOT NULL DEFAULT 360,
	grace_min INTEGER NOT NULL DEFAULT 0,
	flex_min INTEGER NOT NULL DEFAULT 0,
	serious_late_min INTEGER NOT NULL DEFAULT 30,
	absent_late_min INTEGER NOT NULL DEFAULT 240,
	version INTEGER NOT NULL DEFAULT 1,
	created_at TIMESTAMPTZ NOT NULL,
	updated_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE attendance_groups (
	id TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	schedule TEXT NOT NULL,
	week_shifts TEXT NOT NULL DEFAULT '[]',
	free_minutes INTEGER NOT NULL DEFAULT 480,
	is_default BOOLEAN NOT NULL DEFAULT FALSE,
	field_allowed BOOLEAN NOT NULL DEFAULT TRUE,
	version INTEGER NOT NULL DEFAULT 1,
	created_at TIMESTAMPTZ NOT NULL,
	updated_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE attendance_group_members (
	group_id TEXT NOT NULL REFERENCES attendance_groups(id),
	kind TEXT NOT NULL,
	ref_id TEXT NOT NULL,
	PRIMARY KEY (group_id, kind, ref_id)
);
CREATE INDEX attendance_group_members_ref ON attendance_group_members (ref_id, kind);
CREATE TABLE attendance_places (
	id TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	lat DOUBLE PRECISION NOT NULL,
	lng DOUBLE PRECISION NOT NULL,
	radius_m INTEGER NOT NULL,
	version INTEGER NOT NULL DEFAULT 1,
	created_at TIMESTAMPTZ NOT NULL,
	updated_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE attendance_networks (
	id TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	cidr TEXT NOT NULL,
	version INTEGER NOT NULL DEFAULT 1,
	created_at TIMESTAMPTZ NOT NULL,
	updated_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE attendance_settings (
	id INTEGER PRIMARY KEY,
	makeup_cap INTEGER NOT NULL DEFAULT 3,
	version INTEGER NOT NULL DEFAULT 1,
	updated_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE attendance_punches (
	id TEXT PRIMARY KEY,
	seq BIGINT NOT NULL UNIQUE,
	user_id TEXT NOT NULL,
	work_date TEXT NOT NULL,
	at TIMESTAMPTZ NOT NULL,
	method TEXT NOT NULL,
	place_id TEXT NOT NULL DEFAULT '',
	network_id TEXT NOT NULL DEFAULT '',
	distance_m INTEGER NOT NULL DEFAULT 0,
	accuracy_m INTEGER NOT NULL DEFAULT 0,
	lat DOUBLE PRECISION,
	lng DOUBLE PRECISION,
	note TEXT NOT NULL DEFAULT '',
	photo_id TEXT NOT NULL DEFAULT '',
	review TEXT NOT NULL DEFAULT '',
	voids TEXT NOT NULL DEFAULT '',
	approval_id TEXT NOT NULL DEFAULT '',
	actor_id TEXT NOT NULL,
	reason TEXT NOT NULL DEFAULT '',
	prev_hash TEXT NOT NULL,
	hash TEXT NOT NULL,
	created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX attendance_punches_user_day ON attendance_punches (user_id, work_date);
CREATE INDEX attendance_punches_day ON attendance_punches (work_date);
CREATE INDEX attendance_punches_review ON attendance_punches (review);
CREATE TABLE attendance_chain_head (
	id INTEGER PRIMARY KEY,
	seq BIGINT NOT NULL,
	hash TEXT NOT NULL
);
CREATE TABLE attendance_checkpoints (
	day TEXT PRIMARY KEY,
	last_seq BIGINT NOT NULL,
	hash TEXT NOT NULL,
	punches INTEGER NOT NULL,
	updated_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE attendance_photos (
	id TEXT PRIMARY KEY,
	user_id TEXT NOT NULL,
	content BYTEA NOT NULL,
	size INTEGER NOT NULL,
	sha256 TEXT NOT NULL,
	created_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE attendance_excuses (
	approval_id TEXT NOT NULL,
	user_id TEXT NOT NULL,
	kind TEXT NOT NULL,
	leave_type TEXT NOT NULL DEFAULT '',
	start_at TIMESTAMPTZ NOT NULL,
	end_at TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (approval_id, start_at)
);
CREATE INDEX attendance_excuses_user ON attendance_excuses (user_id, start_at);
CREATE TABLE attendance_makeups (
	approval_id TEXT PRIMARY KEY,
	user_id TEXT NOT NULL,
	month TEXT NOT NULL,
	work_date TEXT NOT NULL,
	kind TEXT NOT NULL,
	status TEXT NOT NULL,
	created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX attendance_makeups_user ON attendance_makeups (user_id, month);
CREATE TABLE attendance_days (
	user_id TEXT NOT NULL,
	work_date TEXT NOT NULL,
	group_id TEXT NOT NULL DEFAULT '',
	shift_id TEXT NOT NULL DEFAULT '',
	day_type TEXT NOT NULL,
	status TEXT NOT NULL,
	flags TEXT NOT NULL DEFAULT '[]',
	late_minutes INTEGER NOT NULL DEFAULT 0,
	early_minutes INTEGER NOT NULL DEFAULT 0,
	worked_minutes INTEGER NOT NULL DEFAULT 0,
	overtime_minutes INTEGER NOT NULL DEFAULT 0,
	leave_type TEXT NOT NULL DEFAULT '',
	leave_minutes INTEGER NOT NULL DEFAULT 0,
	leave_half_days INTEGER NOT NULL DEFAULT 0,
	first_in TIMESTAMPTZ,
	last_out TIMESTAMPTZ,
	computed_at TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (user_id, work_date)
);
CREATE INDEX attendance_days_date ON attendance_days (work_date, status);
`},
		{ID: "attendance-0002-jobs", SQL: `
CREATE TABLE attendance_job_marks (
	name TEXT PRIMARY KEY,
	created_at TIMESTAMPTZ NOT NULL
);
ALTER TABLE attendance_settings ADD COLUMN remind_before_min INTEGER NOT NULL DEFAULT 10;
ALTER TABLE attendance_settings ADD COLUMN remind_after_min INTEGER NOT NULL DEFAULT 30;
ALTER TABLE attendance_settings ADD COLUMN summary_hour INTEGER NOT NULL DEFAULT 9;
`},
		{ID: "attendance-0003-months", SQL: `
CREATE TABLE attendance_months (
	department_id TEXT NOT NULL,
	month TEXT NOT NULL,
	status TEXT NOT NULL,
	due_on TEXT NOT NULL DEFAULT '',
	comment TEXT NOT NULL DEFAULT '',
	confirmed_by TEXT NOT NULL DEFAULT '',
	confirmed_at TIMESTAMPTZ,
	chain_seq BIGINT NOT NULL DEFAULT 0,
	chain_hash TEXT NOT NULL DEFAULT '',
	version INTEGER NOT NULL DEFAULT 1,
	created_at TIMESTAMPTZ NOT NULL,
	updated_at TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (department_id, month)
);
ALTER TABLE attendance_settings ADD COLUMN confirm_by_day INTEGER NOT NULL DEFAULT 5;
`},
		{ID: "attendance-0004-leave-claims", SQL: `
CREATE TABLE attendance_leave_claims (
	approval_id TEXT PRIMARY KEY,
	user_id TEXT NOT NULL,
	year INTEGER NOT NULL,
	leave_type TEXT NOT NULL,
	half_days INTEGER NOT NULL,
	status TEXT NOT NULL,
	created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX attendance_leave_claims_user ON attendance_leave_claims (user_id, year);
ALTER TABLE attendance_settings ADD COLUMN leave_balance_check BOOLEAN NOT NULL DEFAULT FALSE;
`},
		// att16b: a photo only when a punch looks off (suspicion.go), field-punch
		// approval per group, and the month's compile day.
		{ID: "attendance-0006-checks", SQL: `
ALTER TABLE attendance_groups ADD COLUMN photo_policy TEXT NOT NULL DEFAULT 'suspicious';
ALTER TABLE attendance_groups ADD COLUMN field_approval BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE attendance_settings ADD COLUMN compile_day INTEGER NOT NULL DEFAULT 1;
ALTER TABLE attendance_punches ADD COLUMN checks TEXT NOT NULL DEFAULT '';
CREATE TABLE attendance_devices (
	user_id TEXT NOT NULL,
	device_hash TEXT NOT NULL,
	created_at TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (user_id, device_hash)
);
`},
		// A leave over New Year takes each year's working days from that
		// year's balance: one claim row per request and year (balances.go).
		{ID: "attendance-0007-leave-claims-by-year", SQL: `
CREATE TABLE attendance_leave_claims_by_year (
	approval_id TEXT NOT NULL,
	user_id TEXT NOT NULL,
	year INTEGER NOT NULL,
	leave_type TEXT NOT NULL,
	half_days INTEGER NOT NULL,
	status TEXT NOT NULL,
	created_at TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (approval_id, year)
);
INSERT INTO attendance_leave_claims_by_year (approval_id, user_id, year, leave_type, half_days, status, created_at)
	SELECT approval_id, user_id, year, leave_type, half_days, status, created_at FROM attendance_leave_claims;
DROP TABLE attendance_leave_claims;
ALTER TABLE attendance_leave_claims_by_year RENAME TO attendance_leave_claims;
CREATE INDEX attendance_leave_claims_user ON attendance_leave_claims (user_id, year);
`},
	}, append(rotaMigrations(), configMigrations()...)...)
}

// EnsureDefaults installs the company policy where it is missing (called by
// server.New after migrating, idempotent; not a migration, so a restore
// into a migrated database does not collide with its own rows): one shift
// 08:30–17:30 with a lunch break, one default group working it Monday to
// Friday (holidays and make-up days from the company calendar), a makeup
// cap of 3 a month, the punch chain's head and the attendance-admin role.
func (s *Service) EnsureDefaults(ctx context.Context) error {
	return s.write(ctx, func(tx *gorm.DB) error { return ensureDefaults(tx, s.clock.Now()) })
}

func ensureDefaults(tx *gorm.DB, now time.Time) error {
	if err := store.XactLock(tx, "attendance.defaults"); err != nil { // replicas starting together
		return err
	}
	var n int64
	if err := tx.Model(&Group{}).Where("is_default = ?", true).Count(&n).Error; err != nil {
		return err
	}
	if n == 0 {
		if err := seedGroup(tx, now); err != nil {
			return err
		}
	}
	if err := tx.Exec(`INSERT INTO attendance_settings (id, makeup_cap, version, updated_at) SELECT 1, 3, 1, ?
		WHERE NOT EXISTS (SELECT 1 FROM attendance_settings WHERE id = 1)`, now).Error; err != nil {
		return err
	}
	if err := tx.Exec(`INSERT INTO attendance_chain_head (id, seq, hash) SELECT 1, 0, ''
		WHERE NOT EXISTS (SELECT 1 FROM attendance_chain_head WHERE id = 1)`).Error; err != nil {
		return err
	}
	if err := bumpConfig(tx); err != nil { // it may have added the default group or settings
		return err
	}
	return tx.Exec(`INSERT INTO roles (id, name, description, builtin, privileged, created_at)
		SELECT ?, ?, ?, TRUE, TRUE, ? WHERE NOT EXISTS (SELECT 1 FROM roles WHERE id = ?)`,
		RoleAttendanceAdmin, "Attendance admin", "manages attendance groups, shifts, places and corrections", now, RoleAttendanceAdmin).Error
}

func seedGroup(tx *gorm.DB, now time.Time) error {
	shiftID := store.NewID()
	if err := tx.Exec(`INSERT INTO attendance_shifts (id, name, start_min, end_min, break_start_min, break_end_min, earliest_in_min, latest_out_min,
		grace_min, flex_min, serious_late_min, absent_late_min, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`,
		shiftID, "默认班次 08:30–17:30", 8*60+30, 17*60+30, 12*60, 13*60, 150, 390, 0, 0, 30, 240, now, now).Error; err != nil {
		return err
	}
	week := `["` + shiftID + `","` + shiftID + `","` + shiftID + `","` + shiftID + `","` + shiftID + `","",""]`
	if err := tx.Exec(`INSERT INTO attendance_groups (id, name, schedule, week_shifts, free_minutes, is_default, field_allowed, version, created_at, updated_at)
		VALUES (?, ?, ?, ?, 480, TRUE, TRUE, 1, ?, ?)`, store.NewID(), "默认考勤组", ScheduleFixed, week, now, now).Error; err != nil {
		return err
	}
	return nil
}
