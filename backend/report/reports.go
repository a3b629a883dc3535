package report

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"tack/backend/apperr"
	"tack/backend/approval"
	"tack/backend/audit"
	"tack/backend/event"
	"tack/backend/identity"
	"tack/backend/notify"
	"tack/backend/org"
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
				return nil
			}
			if !store.IsNotFound(err) {
				return fmt.Errorf("report: find draft: %w", err)
			}
		} else {
			err := tx.Where("template_id = ? AND writer_id = ? AND status = ?", t.ID, actor.UserID, StatusDraft).Order("id").First(&r).Error
			if err == nil {
				return nil
			}
			if !store.IsNotFound(err) {
				return fmt.Errorf("report: find draft: %w", err)
			}
		}
		now := s.now()
		r = Report{ID: store.NewID(), TemplateID: t.ID, WriterID: actor.UserID, DepartmentID: actor.DepartmentID,
			Period: key, Form: map[string]any{}, Status: StatusDraft, DueAt: due, Version: 1, CreatedAt: now, UpdatedAt: now}
		return tx.Create(&r).Error
	})
	if err != nil {
		return Detail{}, err
	}
	return s.detail(ctx, actor, r)
}

// visible loads a report the actor may see: its writer always, its
// recipients once it is submitted. Anyone else gets ErrNotFound.
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
		return Report{}, ErrNotFound
	}
	return r, nil
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
	if err == nil || !actor.HasRole(RoleReader) || !errors.Is(err, ErrNotFound) {
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
	tmap := map[string]Template{}
	for _, t := range ts {
		tmap[t.ID] = t
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
	type count struct {
		ReportID string
		N        int
	}
	counts := func(table string) (map[string]int, error) {
		var cs []count
		if err := db.Table(table).Select("report_id, COUNT(*) AS n").Where("report_id IN ?", ids).Group("report_id").Scan(&cs).Error; err != nil {
			return nil, fmt.Errorf("report: count %s: %w", table, err)
		}
		m := map[string]int{}
		for _, c := range cs {
			m[c.ReportID] = c.N
		}
		return m, nil
	}
	likes, err := counts("report_likes")
	if err != nil {
		return nil, err
	}
	comments, err := counts("report_comments")
	if err != nil {
		return nil, err
	}
	revisions, err := counts("report_revisions")
	if err != nil {
		return nil, err
	}
	var mine []string
	if err := db.Model(&Like{}).Where("report_id IN ? AND user_id = ?", ids, actor.UserID).Pluck("report_id", &mine).Error; err != nil {
		return nil, fmt.Errorf("report: my likes: %w", err)
	}
	now := s.now()
	for i, r := range rs {
		t := tmap[r.TemplateID]
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
	var r Report
	err := store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
		var err error
		if r, err = mine(tx, actor, id, in.Version); err != nil {
			return err
		}
		t, err := s.template(tx, r.TemplateID)
		if err != nil {
			return err
		}
		now := s.now()
		if r.Status == StatusDraft {
			form, err := draftForm(t, in.Form)
			if err != nil {
				return err
			}
			r.Form = form
		} else {
			if r.SubmittedAt == nil || !now.Before(r.SubmittedAt.Add(EditWindow)) {
				return ErrEditClosed
			}
			form, err := s.checkForm(ctx, t, in.Form)
			if err != nil {
				return err
			}
			if err := tx.Create(&Revision{ID: store.NewID(), ReportID: r.ID, Form: r.Form, CreatedAt: now}).Error; err != nil {
				return fmt.Errorf("report: revision: %w", err)
			}
			r.Form, r.EditedAt = form, &now
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
func draftForm(t Template, in map[string]any) (map[string]any, error) {
	out := map[string]any{}
	for _, f := range t.Fields {
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
func (s *Service) checkForm(ctx context.Context, t Template, in map[string]any) (map[string]any, error) {
	cal, err := s.calendar(ctx)
	if err != nil {
		return nil, err
	}
	var v apperr.Validator
	form := approval.ValidateForm(t.Fields, in, &cal, &v)
	if !v.Valid() {
		return nil, v.Err("report.invalid", "some fields need attention")
	}
	return form, nil
}

// Submit validates the form and sends the report to its recipients: the
// writer's leader, the template's recipients and those the writer chose.
// A report submitted after its due time is marked late.
func (s *Service) Submit(ctx context.Context, actor identity.Actor, id string, in Submission) (Detail, error) {
	var r Report
	err := store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
		var err error
		if r, err = mine(tx, actor, id, in.Version); err != nil {
			return err
		}
		if r.Status != StatusDraft {
			return ErrNotDraft
		}
		t, err := s.template(tx, r.TemplateID)
		if err != nil {
			return err
		}
		form, err := s.checkForm(ctx, t, in.Form)
		if err != nil {
			return err
		}
		_, chain, err := s.chainIDs(ctx, actor.DepartmentID)
		if err != nil {
			return err
		}
		leader, err := s.leaderOf(ctx, actor.UserID, chain)
		if err != nil {
			return err
		}
		recs := map[string]string{}
		add := func(uid, reason string) {
			if uid != "" && uid != actor.UserID && recs[uid] == "" {
				recs[uid] = reason
			}
		}
		add(leader, "leader")
		for _, u := range t.Recipients {
			add(u, "template")
		}
		cc := slices.Compact(slices.Sorted(slices.Values(in.CC)))
		if len(cc) > 50 {
			return apperr.Invalid("report.invalid", "too many people").WithField("cc", "too_long")
		}
		if len(cc) > 0 {
			var found []string
			if err := tx.Model(&org.User{}).Where("id IN ? AND active = ?", cc, true).Pluck("id", &found).Error; err != nil {
				return fmt.Errorf("report: cc: %w", err)
			}
			if len(found) != len(cc) {
				return apperr.Invalid("report.invalid", "unknown person").WithField("cc", "not_found")
			}
			for _, u := range cc {
				add(u, "chosen")
			}
		}
		ids := make([]string, 0, len(recs))
		for uid := range recs {
			ids = append(ids, uid)
		}
		slices.Sort(ids)
		// Inactive template recipients receive nothing.
		var active []string
		if len(ids) > 0 {
			if err := tx.Model(&org.User{}).Where("id IN ? AND active = ?", ids, true).Order("id").Pluck("id", &active).Error; err != nil {
				return fmt.Errorf("report: recipients: %w", err)
			}
		}
		rows := make([]Recipient, 0, len(active))
		for _, uid := range active {
			rows = append(rows, Recipient{ReportID: r.ID, UserID: uid, Reason: recs[uid]})
		}
		if len(rows) > 0 {
			if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&rows).Error; err != nil {
				return fmt.Errorf("report: add recipients: %w", err)
			}
		}
		now := s.now()
		r.Form, r.Status, r.SubmittedAt = form, StatusSubmitted, &now
		r.Late = r.DueAt != nil && now.After(*r.DueAt)
		if err := bump(tx, &r, now); err != nil {
			return err
		}
		if err := indexReport(tx, r); err != nil {
			return err
		}
		title := fmt.Sprintf("%s · %s", actor.Name, t.NameZh)
		if r.Period != "" {
			title += " · " + r.Period
		}
		return notify.Emit(tx, &notify.Event{Type: event.ReportSubmitted, SubjectType: "report", SubjectID: r.ID, ActorID: actor.UserID,
			Recipients: active, Data: event.Data(event.Report{Title: title, Link: "/reports/" + r.ID, ReportID: r.ID,
				TemplateID: t.ID, Period: r.Period, WriterID: actor.UserID, WriterName: actor.Name, Late: r.Late})})
	})
	if err != nil {
		return Detail{}, err
	}
	return s.detail(ctx, actor, r)
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
