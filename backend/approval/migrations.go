package approval

import (
	"fmt"
	"time"

	"gorm.io/gorm"

	"tack/backend/store"
)

// Migrations returns this package's schema steps in order. Add new ones at the end.
func Migrations() []store.Migration {
	return []store.Migration{
		// approval-0001 also creates approval_calendar_days, now the workcal
		// package's table (released step: left as it was).
		{ID: "approval-0001-core", SQL: `
CREATE TABLE approval_templates (
	id TEXT PRIMARY KEY,
	builtin_key TEXT NOT NULL DEFAULT '',
	prefix TEXT NOT NULL,
	name_zh TEXT NOT NULL,
	name_en TEXT NOT NULL DEFAULT '',
	description_zh TEXT NOT NULL DEFAULT '',
	description_en TEXT NOT NULL DEFAULT '',
	category TEXT NOT NULL DEFAULT '',
	icon TEXT NOT NULL DEFAULT '',
	starters TEXT NOT NULL DEFAULT '{}',
	sla_hours DOUBLE PRECISION NOT NULL DEFAULT 4,
	skip_self BOOLEAN NOT NULL DEFAULT TRUE,
	skip_repeat BOOLEAN NOT NULL DEFAULT TRUE,
	active BOOLEAN NOT NULL DEFAULT TRUE,
	current_version INTEGER NOT NULL DEFAULT 1,
	version INTEGER NOT NULL DEFAULT 1,
	created_at TIMESTAMPTZ NOT NULL,
	updated_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX approval_templates_builtin ON approval_templates (builtin_key) WHERE builtin_key <> '';
CREATE TABLE approval_template_versions (
	id TEXT PRIMARY KEY,
	template_id TEXT NOT NULL,
	number INTEGER NOT NULL,
	fields TEXT NOT NULL,
	flow TEXT NOT NULL,
	created_by TEXT NOT NULL DEFAULT '',
	created_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX approval_template_versions_n ON approval_template_versions (template_id, number);
CREATE TABLE approval_counters (
	id TEXT PRIMARY KEY,
	value BIGINT NOT NULL DEFAULT 0
);
CREATE TABLE approval_instances (
	id TEXT PRIMARY KEY,
	number TEXT NOT NULL,
	template_id TEXT NOT NULL,
	template_version_id TEXT NOT NULL,
	template_name TEXT NOT NULL,
	title TEXT NOT NULL,
	applicant_id TEXT NOT NULL,
	department_id TEXT NOT NULL,
	form TEXT NOT NULL,
	route TEXT NOT NULL,
	current_node INTEGER NOT NULL DEFAULT 0,
	status TEXT NOT NULL,
	archived BOOLEAN NOT NULL DEFAULT FALSE,
	version INTEGER NOT NULL DEFAULT 1,
	submitted_at TIMESTAMPTZ NOT NULL,
	finished_at TIMESTAMPTZ,
	last_reminded_at TIMESTAMPTZ,
	updated_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX approval_instances_number ON approval_instances (number);
CREATE INDEX approval_instances_applicant ON approval_instances (applicant_id, id);
CREATE INDEX approval_instances_dept ON approval_instances (department_id, id);
CREATE INDEX approval_instances_template ON approval_instances (template_id, id);
CREATE TABLE approval_tasks (
	id TEXT PRIMARY KEY,
	instance_id TEXT NOT NULL,
	node_index INTEGER NOT NULL,
	stage INTEGER NOT NULL DEFAULT 0,
	kind TEXT NOT NULL,
	assignee_id TEXT NOT NULL,
	status TEXT NOT NULL,
	comment TEXT NOT NULL DEFAULT '',
	version INTEGER NOT NULL DEFAULT 1,
	assigned_at TIMESTAMPTZ,
	acted_at TIMESTAMPTZ,
	due_at TIMESTAMPTZ,
	escalate_at TIMESTAMPTZ,
	sla_stage INTEGER NOT NULL DEFAULT 0,
	overdue BOOLEAN NOT NULL DEFAULT FALSE,
	created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX approval_tasks_instance ON approval_tasks (instance_id, node_index);
CREATE INDEX approval_tasks_assignee ON approval_tasks (assignee_id, status);
CREATE INDEX approval_tasks_due ON approval_tasks (status, due_at);
CREATE TABLE approval_timeline (
	id TEXT PRIMARY KEY,
	instance_id TEXT NOT NULL,
	actor_id TEXT NOT NULL,
	action TEXT NOT NULL,
	node_index INTEGER NOT NULL DEFAULT 0,
	comment TEXT NOT NULL DEFAULT '',
	data TEXT NOT NULL DEFAULT '{}',
	created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX approval_timeline_instance ON approval_timeline (instance_id, id);
CREATE TABLE approval_comments (
	id TEXT PRIMARY KEY,
	instance_id TEXT NOT NULL,
	author_id TEXT NOT NULL,
	body TEXT NOT NULL,
	attachments TEXT NOT NULL DEFAULT '[]',
	created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX approval_comments_instance ON approval_comments (instance_id, id);
CREATE TABLE approval_calendar_days (
	date TEXT PRIMARY KEY,
	working BOOLEAN NOT NULL,
	note TEXT NOT NULL DEFAULT '',
	updated_at TIMESTAMPTZ NOT NULL
)`},
		{ID: "approval-0002-english-titles", SQL: `
ALTER TABLE approval_instances ADD COLUMN title_en TEXT NOT NULL DEFAULT '';
ALTER TABLE approval_instances ADD COLUMN template_name_en TEXT NOT NULL DEFAULT ''`},
		{ID: "approval-0003-retitle", Func: retitle},
		{ID: "approval-0004-leave-working-days", Func: leaveWorkingDays},
		{ID: "approval-0005-comment-files", SQL: `ALTER TABLE approval_comments ADD COLUMN files TEXT NOT NULL DEFAULT '[]'`},
		// approval-0006-calendar-settings moved to workcal.Migrations (same ID).
		{ID: "approval-0007-unique-prefix", Func: uniquePrefixes},
		// A step that lands on the applicant: built-in templates go up to the
		// applicant's leader (their own leave used to approve itself), and
		// so do custom ones that kept the applicant on the step (skip_self
		// off: they approved their own request). The others keep
		// auto-approving, as their admins set them.
		{ID: "approval-0008-self-approval", SQL: `
ALTER TABLE approval_templates ADD COLUMN self_approval TEXT NOT NULL DEFAULT 'auto';
ALTER TABLE approval_templates ADD COLUMN self_approval_user TEXT NOT NULL DEFAULT '';
UPDATE approval_templates SET self_approval = 'up', skip_self = FALSE, version = version + 1 WHERE builtin_key <> '' OR skip_self = FALSE`},
	}
}

// uniquePrefixes makes a number prefix belong to one template in the
// schema, not only in CreateTemplate's check (which two concurrent
// transactions can both pass). Templates made before that check may share a
// prefix: the first (built-in, then oldest) keeps it, the others get a free
// one of the same shape (QJ -> QJA), so their next numbers start a sequence
// of their own; numbers already given stay. An empty prefix means "SP" (see
// nextNumber) and is left out of the index: it is no one's choice, only
// legacy rows have it.
func uniquePrefixes(tx *gorm.DB) error {
	type row struct{ ID, Prefix string }
	var rows []row
	if err := tx.Table("approval_templates").Select("id, prefix").Where("prefix <> ''").
		Order("CASE WHEN builtin_key <> '' THEN 0 ELSE 1 END, created_at, id").Find(&rows).Error; err != nil {
		return err
	}
	used := map[string]bool{}
	for _, r := range rows {
		used[r.Prefix] = true
	}
	kept := map[string]bool{}
	for _, r := range rows {
		if !kept[r.Prefix] {
			kept[r.Prefix] = true
			continue
		}
		free := freePrefix(r.Prefix, func(p string) bool { return used[p] })
		if free == "" {
			return fmt.Errorf("no free prefix for template %s (%s)", r.ID, r.Prefix)
		}
		used[free] = true
		if err := tx.Table("approval_templates").Where("id = ?", r.ID).Updates(map[string]any{"prefix": free, "version": gorm.Expr("version + 1")}).Error; err != nil {
			return err
		}
	}
	return tx.Exec("CREATE UNIQUE INDEX approval_templates_prefix ON approval_templates (prefix) WHERE prefix <> ''").Error
}

// freePrefix is a prefix of the same shape as taken that is not used yet:
// taken's first five letters and one more (QJ -> QJA, QJB …); "" if none is.
func freePrefix(taken string, used func(string) bool) string {
	base := taken[:min(len(taken), 5)]
	for c := 'A'; c <= 'Z'; c++ {
		if !used(base + string(c)) {
			return base + string(c)
		}
	}
	return ""
}

// leaveWorkingDays gives the installed built-in leave template a new version
// whose period counts working days (weekends and holidays do not count
// towards "3 days or more"). Running instances keep their version; a leave
// template whose period an admin already changed is left alone.
func leaveWorkingDays(tx *gorm.DB) error {
	var t Template
	// Named columns, not SELECT *: on PostgreSQL a statement prepared here
	// stays cached on the connection, and a later migration that adds a
	// column to the table would make its next use fail ("cached plan must
	// not change result type").
	err := tx.Select("id", "current_version", "version").Where("builtin_key = ?", "leave").First(&t).Error
	if store.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	var cur TemplateVersion
	if err := tx.Where("template_id = ? AND number = ?", t.ID, t.CurrentVersion).First(&cur).Error; err != nil {
		return err
	}
	changed := false
	for i := range cur.Fields {
		f := &cur.Fields[i]
		if f.Key == "period" && f.Type == FieldDateRange && f.DayCount == "" {
			f.DayCount, changed = DaysWorking, true
		}
	}
	if !changed {
		return nil
	}
	nv := TemplateVersion{ID: store.NewID(), TemplateID: t.ID, Number: t.CurrentVersion + 1, Fields: cur.Fields, Flow: cur.Flow,
		CreatedBy: "system", CreatedAt: time.Now().UTC()}
	if err := tx.Create(&nv).Error; err != nil {
		return err
	}
	return tx.Model(&Template{}).Where("id = ?", t.ID).Updates(map[string]any{"current_version": nv.Number, "version": t.Version + 1}).Error
}

// retitle rebuilds the titles of existing instances: earlier versions put
// raw select values ("annual") into them instead of the option labels
// ("年假"), and had no English title.
func retitle(tx *gorm.DB) error {
	type row struct {
		ID, TemplateID, TemplateVersionID, ApplicantID string
		Form                                           map[string]any `gorm:"serializer:json"`
	}
	var rows []row
	if err := tx.Table("approval_instances").Select("id, template_id, template_version_id, applicant_id, form").Find(&rows).Error; err != nil {
		return err
	}
	if len(rows) == 0 {
		return nil
	}
	n := Names{Users: map[string]string{}, Departments: map[string]string{}}
	type named struct{ ID, Name string }
	var us, ds []named
	if err := tx.Table("users").Select("id, name").Find(&us).Error; err != nil {
		return err
	}
	if err := tx.Table("departments").Select("id, name").Find(&ds).Error; err != nil {
		return err
	}
	for _, u := range us {
		n.Users[u.ID] = u.Name
	}
	for _, d := range ds {
		n.Departments[d.ID] = d.Name
	}
	tpls := map[string]Template{}
	vers := map[string]TemplateVersion{}
	for _, r := range rows {
		t, ok := tpls[r.TemplateID]
		if !ok {
			if err := tx.First(&t, "id = ?", r.TemplateID).Error; err != nil {
				return err
			}
			tpls[r.TemplateID] = t
		}
		v, ok := vers[r.TemplateVersionID]
		if !ok {
			if err := tx.First(&v, "id = ?", r.TemplateVersionID).Error; err != nil {
				return err
			}
			vers[r.TemplateVersionID] = v
		}
		zh, en := Titles(t, n.Users[r.ApplicantID], v.Fields, r.Form, n)
		if err := tx.Table("approval_instances").Where("id = ?", r.ID).
			Updates(map[string]any{"title": zh, "title_en": en, "template_name_en": t.NameEn}).Error; err != nil {
			return err
		}
	}
	return nil
}
