package report

import "tack/backend/store"

// Migrations returns this package's schema steps in order. Add new ones at the end.
func Migrations() []store.Migration {
	return []store.Migration{
		{ID: "report-0001-core", SQL: `
CREATE TABLE report_templates (
	id TEXT PRIMARY KEY,
	builtin_key TEXT NOT NULL DEFAULT '',
	name_zh TEXT NOT NULL,
	name_en TEXT NOT NULL DEFAULT '',
	fields TEXT NOT NULL,
	cycle TEXT NOT NULL,
	due_time TEXT NOT NULL DEFAULT '',
	departments TEXT NOT NULL DEFAULT '[]',
	users TEXT NOT NULL DEFAULT '[]',
	recipients TEXT NOT NULL DEFAULT '[]',
	active BOOLEAN NOT NULL DEFAULT TRUE,
	sort_order INTEGER NOT NULL DEFAULT 0,
	version INTEGER NOT NULL DEFAULT 1,
	created_at TIMESTAMPTZ NOT NULL,
	updated_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX report_templates_builtin ON report_templates (builtin_key) WHERE builtin_key <> '';
CREATE TABLE reports (
	id TEXT PRIMARY KEY,
	template_id TEXT NOT NULL REFERENCES report_templates(id),
	writer_id TEXT NOT NULL,
	department_id TEXT NOT NULL,
	period TEXT NOT NULL DEFAULT '',
	form TEXT NOT NULL,
	status TEXT NOT NULL,
	due_at TIMESTAMPTZ,
	submitted_at TIMESTAMPTZ,
	late BOOLEAN NOT NULL DEFAULT FALSE,
	edited_at TIMESTAMPTZ,
	version INTEGER NOT NULL DEFAULT 1,
	created_at TIMESTAMPTZ NOT NULL,
	updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX reports_writer ON reports (writer_id, status, id);
CREATE INDEX reports_period ON reports (template_id, period, writer_id);
CREATE TABLE report_recipients (
	report_id TEXT NOT NULL REFERENCES reports(id),
	user_id TEXT NOT NULL,
	reason TEXT NOT NULL,
	read_at TIMESTAMPTZ,
	PRIMARY KEY (report_id, user_id)
);
CREATE INDEX report_recipients_user ON report_recipients (user_id, report_id);
CREATE TABLE report_revisions (
	id TEXT PRIMARY KEY,
	report_id TEXT NOT NULL REFERENCES reports(id),
	form TEXT NOT NULL,
	created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX report_revisions_report ON report_revisions (report_id, id);
CREATE TABLE report_comments (
	id TEXT PRIMARY KEY,
	report_id TEXT NOT NULL REFERENCES reports(id),
	author_id TEXT NOT NULL,
	parent_id TEXT,
	body TEXT NOT NULL,
	created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX report_comments_report ON report_comments (report_id, id);
CREATE TABLE report_likes (
	report_id TEXT NOT NULL REFERENCES reports(id),
	user_id TEXT NOT NULL,
	created_at TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (report_id, user_id)
);
CREATE TABLE report_expected (
	template_id TEXT NOT NULL REFERENCES report_templates(id),
	period TEXT NOT NULL,
	user_id TEXT NOT NULL,
	department_id TEXT NOT NULL,
	leader_id TEXT NOT NULL DEFAULT '',
	due_at TIMESTAMPTZ NOT NULL,
	exempt TEXT NOT NULL DEFAULT '',
	created_at TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (template_id, period, user_id)
);
CREATE INDEX report_expected_leader ON report_expected (leader_id, template_id, period);
`},
		reportIndex.Migration("report-0002-fts"),
		{ID: "report-0003-fts-backfill", Func: backfillIndex},
		{ID: "report-0004-reminders", SQL: `
ALTER TABLE report_expected ADD COLUMN reminded_at TIMESTAMPTZ;
ALTER TABLE report_expected ADD COLUMN summarized_at TIMESTAMPTZ;
CREATE INDEX report_expected_due ON report_expected (due_at);
`},
		// Custom templates: recipient groups, who made them, and the form of
		// every version, which a report keeps pointing at.
		{ID: "report-0005-template-versions", SQL: `
ALTER TABLE report_templates ADD COLUMN recipient_departments TEXT NOT NULL DEFAULT '[]';
ALTER TABLE report_templates ADD COLUMN created_by TEXT NOT NULL DEFAULT '';
ALTER TABLE reports ADD COLUMN template_version INTEGER NOT NULL DEFAULT 1;
CREATE TABLE report_template_versions (
	template_id TEXT NOT NULL REFERENCES report_templates(id),
	version INTEGER NOT NULL,
	name_zh TEXT NOT NULL,
	name_en TEXT NOT NULL DEFAULT '',
	fields TEXT NOT NULL,
	created_at TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (template_id, version)
);
INSERT INTO report_template_versions (template_id, version, name_zh, name_en, fields, created_at)
	SELECT id, version, name_zh, name_en, fields, updated_at FROM report_templates;
CREATE INDEX reports_department ON reports (department_id, status, id);
`},
		// The inbox's unread part walks this newest first (Received).
		{ID: "report-0006-unread-index", SQL: `
CREATE INDEX report_recipients_unread ON report_recipients (user_id, report_id) WHERE read_at IS NULL;
`},
		// Search walks only what the searcher may read: each document carries
		// its readers (search.go readerKeys), and on PostgreSQL its token set
		// is stored, not computed per row.
		reportIndex.StoredVector("report-0007-fts-stored"),
		{ID: "report-0008-fts-readers", Func: backfillIndex},
		// PostgreSQL knows the frequencies of 10,000 tokens, not 1,000: a rare or
		// absent word is then looked up in the GIN index, not found by reading
		// every document newest first (fulltext.TokenStatisticsTarget).
		reportIndex.TokenStatistics("report-0009-fts-statistics"),
	}
}
