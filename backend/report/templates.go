package report

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"gorm.io/gorm"

	"tack/backend/apperr"
	"tack/backend/approval"
	"tack/backend/identity"
	"tack/backend/org"
	"tack/backend/store"
)

// TemplateInput is a custom template as the form designer saves it (and an
// edit of any template): the approval designer's field schema, who may
// write it, its cycle and due time, and its fixed recipients. Version is the
// template's version the editor started from (ignored on create).
type TemplateInput struct {
	NameZh               string           `json:"name_zh"`
	NameEn               string           `json:"name_en"`
	Fields               []approval.Field `json:"fields"`
	Cycle                string           `json:"cycle"`
	DueTime              string           `json:"due_time"`
	Departments          []string         `json:"departments"`
	Users                []string         `json:"users"`
	Recipients           []string         `json:"recipients"`
	RecipientDepartments []string         `json:"recipient_departments"`
	Active               *bool            `json:"active"`
	Version              int              `json:"version"`
}

const (
	maxTemplateFields = 50
	maxTemplatePeople = 500
)

var dueTimeRe = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)

// versionOf is the form of t's current version.
func versionOf(t Template) *TemplateVersion {
	return &TemplateVersion{TemplateID: t.ID, Version: t.Version, NameZh: t.NameZh, NameEn: t.NameEn, Fields: t.Fields, CreatedAt: t.UpdatedAt}
}

// manageScope says which templates the actor may make and change: an admin
// all of them; a department head those written only in the departments
// they head (and below), which are returned; anyone else none.
func (s *Service) manageScope(ctx context.Context, actor identity.Actor) (all bool, depts []string, err error) {
	if actor.IsAdmin() {
		return true, nil, nil
	}
	ds, err := s.org.Departments(ctx)
	if err != nil {
		return false, nil, err
	}
	for _, d := range ds {
		if d.HeadID != nil && *d.HeadID == actor.UserID {
			depts = append(depts, org.Descendants(ds, d.ID)...)
		}
	}
	return false, depts, nil
}

// mayManage reports whether the scope covers t: a head manages the custom
// templates they made whose writers all lie in their departments.
func mayManage(actor identity.Actor, all bool, depts []string, t Template) bool {
	if all {
		return true
	}
	return t.BuiltinKey == "" && t.CreatedBy == actor.UserID && len(t.Departments) > 0 && len(t.Users) == 0 &&
		!slices.ContainsFunc(t.Departments, func(d string) bool { return !slices.Contains(depts, d) })
}

// ManagedTemplates lists the templates the actor may change, inactive ones
// included: every one for an admin, a head's own custom ones, else none.
func (s *Service) ManagedTemplates(ctx context.Context, actor identity.Actor) ([]Template, error) {
	all, depts, err := s.manageScope(ctx, actor)
	if err != nil {
		return nil, err
	}
	out := []Template{}
	if !all && len(depts) == 0 {
		return out, nil
	}
	var ts []Template
	if err := s.db.WithContext(ctx).Order("sort_order, id").Find(&ts).Error; err != nil {
		return nil, fmt.Errorf("report: templates: %w", err)
	}
	for _, t := range ts {
		if mayManage(actor, all, depts, t) {
			out = append(out, t)
		}
	}
	return out, nil
}

// CreateTemplate makes a custom template. An admin may make any; a
// department head one written only in departments they head.
func (s *Service) CreateTemplate(ctx context.Context, actor identity.Actor, in TemplateInput) (Template, error) {
	all, depts, err := s.manageScope(ctx, actor)
	if err != nil {
		return Template{}, err
	}
	if !all && len(depts) == 0 {
		return Template{}, ErrNotAllowed
	}
	now := s.now()
	t := Template{ID: store.NewID(), Active: true, Version: 1, SortOrder: 100, CreatedBy: actor.UserID, CreatedAt: now, UpdatedAt: now}
	if err := s.applyInput(ctx, &t, in); err != nil {
		return Template{}, err
	}
	if !mayManage(actor, all, depts, t) {
		return Template{}, apperr.Invalid("report.invalid", "a department head's template is written in their departments only").
			WithField("departments", "not_yours")
	}
	err = store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
		if err := tx.Create(&t).Error; err != nil {
			return fmt.Errorf("report: create template: %w", err)
		}
		return tx.Create(versionOf(t)).Error
	})
	return t, err
}

// UpdateTemplate changes a template the actor manages. Its form becomes a
// new version: reports written on an earlier one keep showing that one.
func (s *Service) UpdateTemplate(ctx context.Context, actor identity.Actor, id string, in TemplateInput) (Template, error) {
	all, depts, err := s.manageScope(ctx, actor)
	if err != nil {
		return Template{}, err
	}
	t, err := s.managed(ctx, actor, all, depts, id)
	if err != nil {
		return Template{}, err
	}
	if in.Version != t.Version {
		return Template{}, apperr.Conflict("report.stale_template", "the template changed meanwhile; reload it")
	}
	if err := s.applyInput(ctx, &t, in); err != nil {
		return Template{}, err
	}
	if !mayManage(actor, all, depts, t) {
		return Template{}, apperr.Invalid("report.invalid", "a department head's template is written in their departments only").
			WithField("departments", "not_yours")
	}
	if in.Active != nil {
		t.Active = *in.Active
	}
	err = store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
		old := t.Version
		t.Version++
		t.UpdatedAt = s.now()
		res := tx.Model(&Template{}).Where("id = ? AND version = ?", t.ID, old).
			Select("name_zh", "name_en", "fields", "cycle", "due_time", "departments", "users", "recipients",
				"recipient_departments", "active", "version", "updated_at").Updates(&t)
		if res.Error != nil {
			return fmt.Errorf("report: update template: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return apperr.Conflict("report.stale_template", "the template changed meanwhile; reload it")
		}
		return tx.Create(versionOf(t)).Error
	})
	return t, err
}

// DeactivateTemplate stops a template being written (its reports stay).
func (s *Service) DeactivateTemplate(ctx context.Context, actor identity.Actor, id string) error {
	all, depts, err := s.manageScope(ctx, actor)
	if err != nil {
		return err
	}
	if _, err := s.managed(ctx, actor, all, depts, id); err != nil {
		return err
	}
	return store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
		return tx.Model(&Template{}).Where("id = ?", id).Updates(map[string]any{"active": false, "updated_at": s.now()}).Error
	})
}

// managed loads a template the actor manages. One they may not manage is
// 403 when they may write it (they know it exists), else 404.
func (s *Service) managed(ctx context.Context, actor identity.Actor, all bool, depts []string, id string) (Template, error) {
	t, err := s.template(s.db.WithContext(ctx), id)
	if err != nil {
		return Template{}, err
	}
	if mayManage(actor, all, depts, t) {
		return t, nil
	}
	if _, err := s.Template(ctx, actor, id); err == nil {
		return Template{}, ErrNotAllowed
	}
	return Template{}, ErrTemplateNotFound
}

// applyInput checks in and writes it onto t; nothing is written on error.
func (s *Service) applyInput(ctx context.Context, t *Template, in TemplateInput) error {
	var v apperr.Validator
	in.NameZh, in.NameEn = strings.TrimSpace(in.NameZh), strings.TrimSpace(in.NameEn)
	v.Check(in.NameZh != "", "name_zh", "required")
	v.Check(apperr.SingleLine(in.NameZh), "name_zh", apperr.ControlCharacter)
	v.Check(apperr.SingleLine(in.NameEn), "name_en", apperr.ControlCharacter)
	v.Check(utf8.RuneCountInString(in.NameZh) <= 60, "name_zh", "too_long")
	v.Check(utf8.RuneCountInString(in.NameEn) <= 60, "name_en", "too_long")
	v.Check(len(in.Fields) > 0, "fields", "required")
	v.Check(len(in.Fields) <= maxTemplateFields, "fields", "too_long")
	if len(in.Fields) <= maxTemplateFields {
		approval.ValidateFields(in.Fields, "fields", &v)
	}
	v.Check(slices.Contains([]string{CycleDaily, CycleWeekly, CycleMonthly, CycleNone}, in.Cycle), "cycle", "invalid")
	if in.Cycle == CycleNone {
		in.DueTime = ""
	} else {
		v.Check(dueTimeRe.MatchString(in.DueTime), "due_time", "invalid")
	}
	clean := func(ids []string) []string {
		out := []string{}
		for _, id := range ids {
			if id = strings.TrimSpace(id); id != "" && !slices.Contains(out, id) {
				out = append(out, id)
			}
		}
		return out
	}
	in.Departments, in.Users, in.Recipients, in.RecipientDepartments = clean(in.Departments), clean(in.Users), clean(in.Recipients), clean(in.RecipientDepartments)
	db := s.db.WithContext(ctx)
	exist := func(field string, ids []string, model any, cond string) error {
		if len(ids) > maxTemplatePeople {
			v.Check(false, field, "too_long")
			return nil
		}
		if len(ids) == 0 {
			return nil
		}
		var n int64
		if err := db.Model(model).Where("id IN ?"+cond, ids).Count(&n).Error; err != nil {
			return fmt.Errorf("report: check %s: %w", field, err)
		}
		v.Check(int(n) == len(ids), field, "not_found")
		return nil
	}
	for _, c := range []struct {
		field string
		ids   []string
		model any
		cond  string
	}{{"departments", in.Departments, &org.Department{}, ""}, {"recipient_departments", in.RecipientDepartments, &org.Department{}, ""},
		{"users", in.Users, &org.User{}, " AND active = TRUE"}, {"recipients", in.Recipients, &org.User{}, " AND active = TRUE"}} {
		if err := exist(c.field, c.ids, c.model, c.cond); err != nil {
			return err
		}
	}
	if !v.Valid() {
		return v.Err("report.invalid", "the template needs attention")
	}
	t.NameZh, t.NameEn, t.Fields, t.Cycle, t.DueTime = in.NameZh, in.NameEn, in.Fields, in.Cycle, in.DueTime
	t.Departments, t.Users, t.Recipients, t.RecipientDepartments = in.Departments, in.Users, in.Recipients, in.RecipientDepartments
	return nil
}

// formOf is the form (fields and names) a report was written on: its
// template version, or the template as it is when that version predates
// versioning.
func (s *Service) formOf(db *gorm.DB, r Report) (TemplateVersion, error) {
	var tv TemplateVersion
	err := db.First(&tv, "template_id = ? AND version = ?", r.TemplateID, r.TemplateVersion).Error
	if err == nil {
		return tv, nil
	}
	if !store.IsNotFound(err) {
		return TemplateVersion{}, fmt.Errorf("report: template version: %w", err)
	}
	t, err := s.template(db, r.TemplateID)
	if err != nil {
		return TemplateVersion{}, err
	}
	return *versionOf(t), nil
}
