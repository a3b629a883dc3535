package report

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"tack/backend/apperr"
	"tack/backend/approval"
	"tack/backend/audit"
	"tack/backend/identity"
	"tack/backend/store"
)

// maxDraftBytes bounds a draft's form (a draft skips the field checks).
const maxDraftBytes = 200 << 10

// RecipientView is one recipient with their name and read time.
type RecipientView struct {
	UserID string     `json:"user_id"`
	Name   string     `json:"name"`
	Reason string     `json:"reason"`
	ReadAt *time.Time `json:"read_at"`
}

// Detail is a report as its readers see it.
type Detail struct {
	Report
	TemplateName   string           `json:"template_name"`
	TemplateNameEn string           `json:"template_name_en"`
	Fields         []approval.Field `json:"fields"`
	WriterName     string           `json:"writer_name"`
	Recipients     []RecipientView  `json:"recipients"`
	Likes          int              `json:"likes"`
	LikedByMe      bool             `json:"liked_by_me"`
	Comments       int              `json:"comments"`
	Revisions      int              `json:"revisions"`
	ReadByMe       bool             `json:"read_by_me"`
	CanEdit        bool             `json:"can_edit"`
	EditUntil      *time.Time       `json:"edit_until"`
}

// Start opens the actor's draft of a template for a period (the current
// one when empty), or returns the one already open. A report already
// submitted for that period is 409 report.already_written.
func (s *Service) Start(ctx context.Context, actor identity.Actor, in Start) (Detail, error) {
	t, err := s.Template(ctx, actor, in.TemplateID)
	if err != nil {
		return Detail{}, err
	}
	loc := s.cal.Location()
	key := ""
	var due *time.Time
	if t.Cycle != CycleNone {
		p := PeriodOf(t.Cycle, s.now(), loc)
		if in.Period != "" {
			var ok bool
			if p, ok = ParsePeriod(t.Cycle, in.Period, loc); !ok {
				return Detail{}, ErrBadPeriod
			}
		}
		key = p.Key
		cal, err := s.calendar(ctx)
		if err != nil {
			return Detail{}, err
		}
		if d, ok := DueAt(cal, t.Cycle, p, t.DueTime); ok {
			d = d.UTC()
			due = &d
		}
	}
	var r Report
	err = store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
		r = Report{}
		if t.Cycle != CycleNone {
			err := tx.Where("template_id = ? AND writer_id = ? AND period = ?", t.ID, actor.UserID, key).Order("id").First(&r).Error
			if err == nil {
				if r.Status == StatusSubmitted {
					return ErrAlreadyWritten
				}
				return followTemplate(tx, &r, t, s.now())
			}
			if !store.IsNotFound(err) {
				return fmt.Errorf("report: find draft: %w", err)
			}
		} else {
			err := tx.Where("template_id = ? AND writer_id = ? AND status = ?", t.ID, actor.UserID, StatusDraft).Order("id").First(&r).Error
			if err == nil {
				return followTemplate(tx, &r, t, s.now())
			}
			if !store.IsNotFound(err) {
				return fmt.Errorf("report: find draft: %w", err)
			}
		}
		now := s.now()
		r = Report{ID: store.NewID(), TemplateID: t.ID, WriterID: actor.UserID, DepartmentID: actor.DepartmentID,
			Period: key, TemplateVersion: t.Version, Form: map[string]any{}, Status: StatusDraft, DueAt: due, Version: 1, CreatedAt: now, UpdatedAt: now}
		return tx.Create(&r).Error
	})
	if err != nil {
		return Detail{}, err
	}
	return s.detail(ctx, actor, r)
}

// followTemplate moves a draft written on an earlier version of its
// template to the current one (keeping the values of fields that remain):
// only submitted reports stay on the version they were written on.
func followTemplate(tx *gorm.DB, r *Report, t Template, now time.Time) error {
	if r.TemplateVersion == t.Version {
		return nil
	}
	form, err := draftForm(t.Fields, r.Form)
	if err != nil {
		form = map[string]any{}
	}
	r.Form, r.TemplateVersion = form, t.Version
	if err := bump(tx, r, now); err != nil {
		return err
	}
	return nil
}

// visible loads a report the actor may see: its writer always; once it is
// submitted, its recipients and the heads of its department and of those
// above it (the general manager, heading the top, sees everyone's). Anyone
// else gets ErrNotReader for a submitted report (a link forwarded to them:
// the page says "not yours to read", not "gone"; report IDs are random, so
// this tells nothing a guess could find) and ErrNotFound for someone else's
// draft, which nobody but its writer knows of.
func (s *Service) visible(db *gorm.DB, actor identity.Actor, id string) (Report, error) {
	var r Report
	if err := db.First(&r, "id = ?", id).Error; err != nil {
		if store.IsNotFound(err) {
			return Report{}, ErrNotFound
		}
		return Report{}, fmt.Errorf("report: get %s: %w", id, err)
	}
	if r.WriterID == actor.UserID {
		return r, nil
	}
	if r.Status != StatusSubmitted {
		return Report{}, ErrNotFound
	}
	var n int64
	if err := db.Model(&Recipient{}).Where("report_id = ? AND user_id = ?", id, actor.UserID).Count(&n).Error; err != nil {
		return Report{}, fmt.Errorf("report: recipient: %w", err)
	}
	if n == 0 {
		head, err := headsOver(db, actor.UserID, r.DepartmentID)
		if err != nil {
			return Report{}, err
		}
		if !head {
			return Report{}, ErrNotReader
		}
	}
	return r, nil
}

// headsOver reports whether userID heads the department or one above it
// (one statement on db, which may be the caller's transaction).
func headsOver(db *gorm.DB, userID, deptID string) (bool, error) {
	if deptID == "" {
		return false, nil
	}
	var n int64
	err := db.Raw(`WITH RECURSIVE up(id, depth) AS (
		SELECT id, 0 FROM departments WHERE id = ?
		UNION ALL
		SELECT d.parent_id, up.depth + 1 FROM departments d JOIN up ON d.id = up.id
		WHERE d.parent_id IS NOT NULL AND up.depth < 64)
		SELECT COUNT(*) FROM departments JOIN up ON departments.id = up.id WHERE departments.head_id = ?`, deptID, userID).Scan(&n).Error
	if err != nil {
		return false, fmt.Errorf("report: heads over %s: %w", deptID, err)
	}
	return n > 0, nil
}

// RoleReader is the ID of a role an administrator may create (角色管理) and
// give to those who must read every submitted report (an auditor, a general
// manager's assistant): they read without being recipients, and each such
// read is written to the audit log. Nobody holds it by default, admins
// included.
const RoleReader = "report_reader"

// AuditRead is the audit action of a report read through RoleReader.
const AuditRead = "report.read_granted"

// readable is visible, plus the submitted reports RoleReader grants (granted true).
func (s *Service) readable(db *gorm.DB, actor identity.Actor, id string) (Report, bool, error) {
	r, err := s.visible(db, actor, id)
	if err == nil || !actor.HasRole(RoleReader) || !errors.Is(err, ErrNotReader) {
		return r, false, err
	}
	if err := db.First(&r, "id = ? AND status = ?", id, StatusSubmitted).Error; err != nil {
		if store.IsNotFound(err) {
			return Report{}, false, ErrNotFound
		}
		return Report{}, false, fmt.Errorf("report: get %s: %w", id, err)
	}
	return r, true, nil
}

// Get returns a report the actor may see; a recipient reading it marks it
// read; a read granted by RoleReader is audited.
func (s *Service) Get(ctx context.Context, actor identity.Actor, id string) (Detail, error) {
	r, granted, err := s.readable(s.db.WithContext(ctx), actor, id)
	if err != nil {
		return Detail{}, err
	}
	if granted {
		if err := store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
			return audit.Record(tx, audit.Entry{ActorID: actor.UserID, Action: AuditRead, TargetType: "report", TargetID: r.ID,
				Detail: map[string]any{"writer_id": r.WriterID, "period": r.Period}, CreatedAt: s.now()})
		}); err != nil {
			return Detail{}, err
		}
	} else if r.WriterID != actor.UserID {
		now := s.now()
		if err := s.db.WithContext(ctx).Model(&Recipient{}).Where("report_id = ? AND user_id = ? AND read_at IS NULL", id, actor.UserID).
			Update("read_at", now).Error; err != nil {
			return Detail{}, fmt.Errorf("report: mark read: %w", err)
		}
	}
	return s.detail(ctx, actor, r)
}

func (s *Service) detail(ctx context.Context, actor identity.Actor, r Report) (Detail, error) {
	ds, err := s.details(ctx, actor, []Report{r}, true)
	if err != nil {
		return Detail{}, err
	}
	return ds[0], nil
}

// details fills names, template, read status and counts of reports (full:
// every recipient; otherwise only the actor's own read status).
func (s *Service) details(ctx context.Context, actor identity.Actor, rs []Report, full bool) ([]Detail, error) {
	db := s.db.WithContext(ctx)
	out := make([]Detail, len(rs))
	if len(rs) == 0 {
		return out, nil
	}
	ids := make([]string, len(rs))
	tids, uids := []string{}, []string{}
	for i, r := range rs {
		ids[i] = r.ID
		tids = append(tids, r.TemplateID)
		uids = append(uids, r.WriterID)
	}
	var ts []Template
	if err := db.Where("id IN ?", tids).Find(&ts).Error; err != nil {
		return nil, fmt.Errorf("report: templates: %w", err)
	}
	type tver struct {
		id string
		v  int
	}
	tmap := map[tver]TemplateVersion{}
	for _, t := range ts {
		tmap[tver{t.ID, t.Version}] = *versionOf(t)
	}
	// The versions the reports were written on, when the template moved on.
	var old []TemplateVersion
	for _, r := range rs {
		if _, ok := tmap[tver{r.TemplateID, r.TemplateVersion}]; !ok {
			old = append(old, TemplateVersion{TemplateID: r.TemplateID, Version: r.TemplateVersion})
		}
	}
	if len(old) > 0 {
		q := db.Where("1 = 0")
		for _, o := range old {
			q = q.Or("template_id = ? AND version = ?", o.TemplateID, o.Version)
		}
		var vs []TemplateVersion
		if err := db.Where(q).Find(&vs).Error; err != nil {
			return nil, fmt.Errorf("report: template versions: %w", err)
		}
		for _, v := range vs {
			tmap[tver{v.TemplateID, v.Version}] = v
		}
		for _, t := range ts { // a version from before versioning: the template as it is
			for _, o := range old {
				if _, ok := tmap[tver{o.TemplateID, o.Version}]; !ok && o.TemplateID == t.ID {
					tmap[tver{o.TemplateID, o.Version}] = *versionOf(t)
				}
			}
		}
	}
	var recs []Recipient
	q := db.Where("report_id IN ?", ids)
	if !full {
		q = q.Where("user_id = ?", actor.UserID)
	}
	if err := q.Order("user_id").Find(&recs).Error; err != nil {
		return nil, fmt.Errorf("report: recipients: %w", err)
	}
	for _, rc := range recs {
		uids = append(uids, rc.UserID)
	}
	names, err := s.org.Names(ctx, uids)
	if err != nil {
		return nil, err
	}
	// Likes, comments, revisions and the actor's own likes in one statement:
	// on PostgreSQL each round trip costs more than these counts.
	var cs []struct {
		Kind     string
		ReportID string
		N        int
	}
	if err := db.Raw(`SELECT 'l' AS kind, report_id, COUNT(*) AS n FROM report_likes WHERE report_id IN ? GROUP BY report_id
		UNION ALL SELECT 'c', report_id, COUNT(*) FROM report_comments WHERE report_id IN ? GROUP BY report_id
		UNION ALL SELECT 'r', report_id, COUNT(*) FROM report_revisions WHERE report_id IN ? GROUP BY report_id
		UNION ALL SELECT 'm', report_id, 1 FROM report_likes WHERE report_id IN ? AND user_id = ?`,
		ids, ids, ids, ids, actor.UserID).Scan(&cs).Error; err != nil {
		return nil, fmt.Errorf("report: counts: %w", err)
	}
	likes, comments, revisions := map[string]int{}, map[string]int{}, map[string]int{}
	var mine []string
	for _, c := range cs {
		switch c.Kind {
		case "l":
			likes[c.ReportID] = c.N
		case "c":
			comments[c.ReportID] = c.N
		case "r":
			revisions[c.ReportID] = c.N
		case "m":
			mine = append(mine, c.ReportID)
		}
	}
	now := s.now()
	for i, r := range rs {
		t := tmap[tver{r.TemplateID, r.TemplateVersion}]
		d := Detail{Report: r, TemplateName: t.NameZh, TemplateNameEn: t.NameEn, Fields: t.Fields, WriterName: names[r.WriterID],
			Recipients: []RecipientView{}, Likes: likes[r.ID], LikedByMe: slices.Contains(mine, r.ID), Comments: comments[r.ID], Revisions: revisions[r.ID]}
		if d.Form == nil {
			d.Form = map[string]any{}
		}
		for _, rc := range recs {
			if rc.ReportID != r.ID {
				continue
			}
			d.Recipients = append(d.Recipients, RecipientView{UserID: rc.UserID, Name: names[rc.UserID], Reason: rc.Reason, ReadAt: rc.ReadAt})
			if rc.UserID == actor.UserID {
				d.ReadByMe = rc.ReadAt != nil
			}
		}
		if r.WriterID == actor.UserID {
			d.ReadByMe = true
			if r.Status == StatusDraft {
				d.CanEdit = true
			} else if r.SubmittedAt != nil {
				until := r.SubmittedAt.Add(EditWindow)
				d.EditUntil = &until
				d.CanEdit = now.Before(until)
			}
		}
		out[i] = d
	}
	return out, nil
}

// mine loads the actor's own report for a change, checking its version.
func mine(tx *gorm.DB, actor identity.Actor, id string, version int) (Report, error) {
	var r Report
	if err := tx.First(&r, "id = ?", id).Error; err != nil {
		if store.IsNotFound(err) {
			return Report{}, ErrNotFound
		}
		return Report{}, fmt.Errorf("report: get %s: %w", id, err)
	}
	if r.WriterID != actor.UserID {
		var n int64
		if err := tx.Model(&Recipient{}).Where("report_id = ? AND user_id = ?", id, actor.UserID).Count(&n).Error; err != nil {
			return Report{}, err
		}
		if n > 0 && r.Status == StatusSubmitted {
			return Report{}, ErrNotAllowed
		}
		return Report{}, ErrNotFound
	}
	if version != r.Version {
		return Report{}, ErrStale
	}
	return r, nil
}

// Save stores the form of a draft as the writer types (no field is
// required yet), or changes a submitted report within EditWindow (checked
// in full, the previous text kept as a revision).
func (s *Service) Save(ctx context.Context, actor identity.Actor, id string, in Draft) (Detail, error) {
	prepared, err := s.prepareSave(ctx, actor, id, in)
	if err != nil {
		return Detail{}, err
	}
	var r Report
	err = store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
		var err error
		if r, err = mine(tx, actor, id, in.Version); err != nil {
			return err
		}
		tv, err := s.formOf(tx, r)
		if err != nil {
			return err
		}
		now := s.now()
		if r.Status == StatusDraft {
			form, err := draftForm(tv.Fields, in.Form)
			if err != nil {
				return err
			}
			r.Form = form
			if prepared != nil {
				r.Form = prepared
			}
		} else {
			if r.SubmittedAt == nil || !now.Before(r.SubmittedAt.Add(EditWindow)) {
				return ErrEditClosed
			}
			form, err := s.checkForm(ctx, tv.Fields, in.Form)
			if err != nil {
				return err
			}
			if err := tx.Create(&Revision{ID: store.NewID(), ReportID: r.ID, Form: r.Form, CreatedAt: now}).Error; err != nil {
				return fmt.Errorf("report: revision: %w", err)
			}
			r.Form, r.EditedAt = form, &now
			if prepared != nil {
				r.Form = prepared
			}
		}
		if err := bump(tx, &r, now); err != nil {
			return err
		}
		if r.Status == StatusSubmitted {
			return indexReport(tx, r)
		}
		return nil
	})
	if err != nil {
		return Detail{}, err
	}
	return s.detail(ctx, actor, r)
}

// prepareSave does what a save needs outside its transaction (the drive
// works in its own): the form with its files named and, for an edit of a
// submitted report, its files shared with the recipients. nil means the
// transaction finds the error (not the writer's, stale, invalid) and
// answers it.
func (s *Service) prepareSave(ctx context.Context, actor identity.Actor, id string, in Draft) (map[string]any, error) {
	db := s.db.WithContext(ctx)
	r, err := mine(db, actor, id, in.Version)
	if err != nil {
		return nil, nil
	}
	tv, err := s.formOf(db, r)
	if err != nil {
		return nil, err
	}
	if r.Status == StatusDraft {
		form, err := draftForm(tv.Fields, in.Form)
		if err != nil {
			return nil, nil
		}
		s.nameFiles(ctx, actor, tv.Fields, form)
		return form, nil
	}
	form, err := s.checkForm(ctx, tv.Fields, in.Form)
	if err != nil {
		return nil, nil
	}
	var readers []string
	if err := db.Model(&Recipient{}).Where("report_id = ?", id).Order("user_id").Pluck("user_id", &readers).Error; err != nil {
		return nil, fmt.Errorf("report: recipients: %w", err)
	}
	if err := s.shareFiles(ctx, actor, tv.Fields, form, readers); err != nil {
		return nil, err
	}
	s.nameFiles(ctx, actor, tv.Fields, form)
	return form, nil
}

// bump writes a changed report, guarded by its version.
func bump(tx *gorm.DB, r *Report, now time.Time) error {
	old := r.Version
	r.Version++
	r.UpdatedAt = now
	res := tx.Model(&Report{}).Where("id = ? AND version = ?", r.ID, old).
		Select("form", "status", "submitted_at", "late", "edited_at", "version", "updated_at", "due_at").Updates(r)
	if res.Error != nil {
		return fmt.Errorf("report: save %s: %w", r.ID, res.Error)
	}
	if res.RowsAffected == 0 {
		return ErrStale
	}
	return nil
}

// draftForm keeps only the template's keys of a draft and bounds its size.
func draftForm(fields []approval.Field, in map[string]any) (map[string]any, error) {
	out := map[string]any{}
	for _, f := range fields {
		if v, ok := in[f.Key]; ok && v != nil {
			out[f.Key] = v
		}
	}
	b, _ := json.Marshal(out)
	if len(b) > maxDraftBytes {
		return nil, apperr.TooLarge("report.too_large", "the report is too long")
	}
	return out, nil
}

// checkForm validates a form in full with the approval form rules.
func (s *Service) checkForm(ctx context.Context, fields []approval.Field, in map[string]any) (map[string]any, error) {
	cal, err := s.calendar(ctx)
	if err != nil {
		return nil, err
	}
	var v apperr.Validator
	form := approval.ValidateForm(fields, in, &cal, &v)
	if !v.Valid() {
		return nil, v.Err("report.invalid", "some fields need attention")
	}
	return form, nil
}

// DeleteDraft throws away the actor's draft.
func (s *Service) DeleteDraft(ctx context.Context, actor identity.Actor, id string) error {
	return store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
		var r Report
		if err := tx.First(&r, "id = ? AND writer_id = ?", id, actor.UserID).Error; err != nil {
			if store.IsNotFound(err) {
				return ErrNotFound
			}
			return err
		}
		if r.Status != StatusDraft {
			return ErrNotDraft
		}
		return tx.Delete(&Report{}, "id = ?", id).Error
	})
}

// Revisions lists the earlier texts of a report, oldest first.
func (s *Service) Revisions(ctx context.Context, actor identity.Actor, id string) ([]Revision, error) {
	if _, _, err := s.readable(s.db.WithContext(ctx), actor, id); err != nil {
		return nil, err
	}
	out := []Revision{}
	if err := s.db.WithContext(ctx).Where("report_id = ?", id).Order("id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("report: revisions: %w", err)
	}
	return out, nil
}
