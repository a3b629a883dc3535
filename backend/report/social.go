package report

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"tack/backend/apperr"
	"tack/backend/event"
	"tack/backend/identity"
	"tack/backend/notify"
	"tack/backend/store"
)

// Comments lists a report's comments and replies, oldest first.
func (s *Service) Comments(ctx context.Context, actor identity.Actor, id string) ([]Comment, error) {
	if _, _, err := s.readable(s.db.WithContext(ctx), actor, id); err != nil {
		return nil, err
	}
	out := []Comment{}
	if err := s.db.WithContext(ctx).Where("report_id = ?", id).Order("id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("report: comments: %w", err)
	}
	ids := make([]string, len(out))
	for i, c := range out {
		ids[i] = c.AuthorID
	}
	names, err := s.org.Names(ctx, ids)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].AuthorName = names[out[i].AuthorID]
	}
	return out, nil
}

// AddComment comments on a submitted report the actor may see, or replies
// to one of its comments. The writer and the others in the thread hear of it.
func (s *Service) AddComment(ctx context.Context, actor identity.Actor, id string, in CommentInput) (Comment, error) {
	body := strings.TrimSpace(in.Body)
	var v apperr.Validator
	v.Check(body != "", "body", "required")
	v.Check(utf8.RuneCountInString(body) <= 2000, "body", "too_long")
	if !v.Valid() {
		return Comment{}, v.Err("report.invalid", "the comment needs attention")
	}
	var c Comment
	err := store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
		r, err := s.visible(tx, actor, id)
		if err != nil {
			return err
		}
		if r.Status != StatusSubmitted {
			return ErrNotAllowed
		}
		if in.ParentID != nil && *in.ParentID != "" {
			var n int64
			if err := tx.Model(&Comment{}).Where("id = ? AND report_id = ?", *in.ParentID, id).Count(&n).Error; err != nil {
				return err
			}
			if n == 0 {
				return ErrCommentNotFound
			}
		} else {
			in.ParentID = nil
		}
		c = Comment{ID: store.NewID(), ReportID: id, AuthorID: actor.UserID, AuthorName: actor.Name, ParentID: in.ParentID, Body: body, CreatedAt: s.now()}
		if err := tx.Create(&c).Error; err != nil {
			return fmt.Errorf("report: comment: %w", err)
		}
		// The writer and everyone who commented before, but not the author.
		var others []string
		if err := tx.Model(&Comment{}).Distinct("author_id").Where("report_id = ?", id).Pluck("author_id", &others).Error; err != nil {
			return err
		}
		to := []string{}
		for _, u := range append([]string{r.WriterID}, others...) {
			if u != actor.UserID && !contains(to, u) {
				to = append(to, u)
			}
		}
		t, err := s.template(tx, r.TemplateID)
		if err != nil {
			return err
		}
		excerpt := body
		if utf8.RuneCountInString(excerpt) > 80 {
			excerpt = string([]rune(excerpt)[:80]) + "…"
		}
		title := t.NameZh
		if r.Period != "" {
			title += " · " + r.Period
		}
		return notify.Emit(tx, &notify.Event{Type: event.ReportCommented, SubjectType: "report", SubjectID: id, ActorID: actor.UserID,
			Recipients: to, Data: event.Data(event.Report{Title: title, Link: "/reports/" + id, ReportID: id, TemplateID: r.TemplateID,
				Period: r.Period, WriterID: r.WriterID, Comment: excerpt, By: actor.Name})})
	})
	return c, err
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// Like likes (on) or unlikes a report the actor may see.
func (s *Service) Like(ctx context.Context, actor identity.Actor, id string, on bool) (Detail, error) {
	var r Report
	err := store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
		var err error
		if r, err = s.visible(tx, actor, id); err != nil {
			return err
		}
		if r.Status != StatusSubmitted {
			return ErrNotAllowed
		}
		if !on {
			return tx.Delete(&Like{}, "report_id = ? AND user_id = ?", id, actor.UserID).Error
		}
		return tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&Like{ReportID: id, UserID: actor.UserID, CreatedAt: s.now()}).Error
	})
	if err != nil {
		return Detail{}, err
	}
	return s.detail(ctx, actor, r)
}
