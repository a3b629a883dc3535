package report

import (
	"context"
	"fmt"
	"slices"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"tack/backend/apperr"
	"tack/backend/event"
	"tack/backend/identity"
	"tack/backend/notify"
	"tack/backend/org"
	"tack/backend/store"
)

// Recipient reasons, in the order one person's reason is chosen.
const (
	ReasonLeader    = "leader"
	ReasonTemplate  = "template"
	ReasonGroup     = "group"
	ReasonChosen    = "chosen"
	ReasonMentioned = "mentioned"
)

// maxChosen bounds the people copied in, and those mentioned, on one report.
const maxChosen = 50

// recipientList is who a report goes to: each active person once with their
// reason, in ID order, and who of them was @-mentioned.
type recipientList struct {
	ids       []string
	reason    map[string]string
	mentioned map[string]bool
}

// recipientsOf resolves a report's recipients: the writer's leader, the
// template's fixed people and the members of its groups, those the writer
// copied in and those they mentioned. Unknown or departed people among
// cc/mentions are report.invalid.
func (s *Service) recipientsOf(ctx context.Context, actor identity.Actor, t Template, cc, mentions []string) (recipientList, error) {
	db := s.db.WithContext(ctx)
	l := recipientList{reason: map[string]string{}, mentioned: map[string]bool{}}
	add := func(uid, reason string) {
		if uid != "" && uid != actor.UserID && l.reason[uid] == "" {
			l.reason[uid] = reason
		}
	}
	_, chain, err := s.chainIDs(ctx, actor.DepartmentID)
	if err != nil {
		return l, err
	}
	leader, err := s.leaderOf(ctx, actor.UserID, chain)
	if err != nil {
		return l, err
	}
	add(leader, ReasonLeader)
	for _, u := range t.Recipients {
		add(u, ReasonTemplate)
	}
	if len(t.RecipientDepartments) > 0 {
		all, err := s.org.Departments(ctx)
		if err != nil {
			return l, err
		}
		var depts []string
		for _, d := range t.RecipientDepartments {
			depts = append(depts, org.Descendants(all, d)...)
		}
		var members []string
		if err := db.Model(&org.User{}).Where("department_id IN ? AND active = ?", depts, true).Order("id").Pluck("id", &members).Error; err != nil {
			return l, fmt.Errorf("report: group members: %w", err)
		}
		for _, u := range members {
			add(u, ReasonGroup)
		}
	}
	for _, list := range []struct {
		field  string
		ids    []string
		reason string
	}{{"cc", cc, ReasonChosen}, {"mentions", mentions, ReasonMentioned}} {
		ids := slices.Compact(slices.Sorted(slices.Values(list.ids)))
		if len(ids) > maxChosen {
			return l, apperr.Invalid("report.invalid", "too many people").WithField(list.field, "too_long")
		}
		if len(ids) == 0 {
			continue
		}
		var found []string
		if err := db.Model(&org.User{}).Where("id IN ? AND active = ?", ids, true).Pluck("id", &found).Error; err != nil {
			return l, fmt.Errorf("report: %s: %w", list.field, err)
		}
		if len(found) != len(ids) {
			return l, apperr.Invalid("report.invalid", "unknown person").WithField(list.field, "not_found")
		}
		for _, u := range ids {
			add(u, list.reason)
			if list.reason == ReasonMentioned && u != actor.UserID {
				l.mentioned[u] = true
			}
		}
	}
	ids := make([]string, 0, len(l.reason))
	for uid := range l.reason {
		ids = append(ids, uid)
	}
	// Inactive template recipients (and a leader who just left) receive nothing.
	if len(ids) > 0 {
		if err := db.Model(&org.User{}).Where("id IN ? AND active = ?", ids, true).Order("id").Pluck("id", &l.ids).Error; err != nil {
			return l, fmt.Errorf("report: recipients: %w", err)
		}
	}
	return l, nil
}

// Submit validates the form and sends the report to its recipients: the
// writer's leader, the template's recipients and groups, those the writer
// chose and those they mentioned. The form's attached drive files are
// shared read-only with them first (the writer must be allowed to share
// each: report.invalid form.<key> not_shared otherwise, and nothing is
// sent). A report submitted after its due time is marked late.
func (s *Service) Submit(ctx context.Context, actor identity.Actor, id string, in Submission) (Detail, error) {
	db := s.db.WithContext(ctx)
	r, err := mine(db, actor, id, in.Version)
	if err != nil {
		return Detail{}, err
	}
	if r.Status != StatusDraft {
		return Detail{}, ErrNotDraft
	}
	t, err := s.template(db, r.TemplateID)
	if err != nil {
		return Detail{}, err
	}
	tv, err := s.formOf(db, r)
	if err != nil {
		return Detail{}, err
	}
	form, err := s.checkForm(ctx, tv.Fields, in.Form)
	if err != nil {
		return Detail{}, err
	}
	recs, err := s.recipientsOf(ctx, actor, t, in.CC, in.Mentions)
	if err != nil {
		return Detail{}, err
	}
	// The drive shares in its own transaction, before the report is sent: a
	// file the writer may not share stops the submit.
	if err := s.shareFiles(ctx, actor, tv.Fields, form, recs.ids); err != nil {
		return Detail{}, err
	}
	s.nameFiles(ctx, actor, tv.Fields, form)
	err = store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
		var err error
		if r, err = mine(tx, actor, id, in.Version); err != nil {
			return err
		}
		if r.Status != StatusDraft {
			return ErrNotDraft
		}
		rows := make([]Recipient, 0, len(recs.ids))
		var told, mentioned []string
		for _, uid := range recs.ids {
			rows = append(rows, Recipient{ReportID: r.ID, UserID: uid, Reason: recs.reason[uid]})
			if recs.mentioned[uid] {
				mentioned = append(mentioned, uid)
			} else {
				told = append(told, uid)
			}
		}
		if len(rows) > 0 {
			if err := tx.Clauses(clause.OnConflict{DoNothing: true}).CreateInBatches(&rows, 200).Error; err != nil {
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
		data := event.Report{Title: title, Link: "/reports/" + r.ID, ReportID: r.ID,
			TemplateID: t.ID, Period: r.Period, WriterID: actor.UserID, WriterName: actor.Name, Late: r.Late}
		if len(told) > 0 || len(mentioned) == 0 {
			if err := notify.Emit(tx, &notify.Event{Type: event.ReportSubmitted, SubjectType: "report", SubjectID: r.ID, ActorID: actor.UserID,
				Recipients: told, Data: event.Data(data)}); err != nil {
				return err
			}
		}
		if len(mentioned) > 0 {
			// One notice each: being mentioned says more than being sent it.
			return notify.Emit(tx, &notify.Event{Type: event.ReportMentioned, SubjectType: "report", SubjectID: r.ID, ActorID: actor.UserID,
				Recipients: mentioned, Data: event.Data(data)})
		}
		return nil
	})
	if err != nil {
		return Detail{}, err
	}
	return s.detail(ctx, actor, r)
}
