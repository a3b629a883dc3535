package report

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"tack/backend/apperr"
	"tack/backend/event"
	"tack/backend/identity"
	"tack/backend/notify"
	"tack/backend/org"
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
// to one of its comments. The writer and the others in the thread hear of it
// (report.commented); the people it @-mentions hear of it instead as
// report.mentioned and, when they could not read the report yet, become its
// recipients (reason "mentioned", unread), as a mention in the report does:
// whoever may comment may bring a colleague in, and the writer sees who
// was (the recipients list). The report's attached drive files are shared
// only at submit; a person mentioned later reads the report, not its files
// unless they may open them already.
func (s *Service) AddComment(ctx context.Context, actor identity.Actor, id string, in CommentInput) (Comment, error) {
	body := strings.TrimSpace(in.Body)
	var v apperr.Validator
	v.Check(body != "", "body", "required")
	v.Check(utf8.RuneCountInString(body) <= 2000, "body", "too_long")
	mentions := slices.Compact(slices.Sorted(slices.Values(in.Mentions)))
	v.Check(len(mentions) <= maxChosen, "mentions", "too_long")
	if !v.Valid() {
		return Comment{}, v.Err("report.invalid", "the comment needs attention")
	}
	if len(mentions) > 0 {
		var found int64
		if err := s.db.WithContext(ctx).Model(&org.User{}).Where("id IN ? AND active = ?", mentions, true).Count(&found).Error; err != nil {
			return Comment{}, fmt.Errorf("report: comment mentions: %w", err)
		}
		if int(found) != len(mentions) {
			return Comment{}, apperr.Invalid("report.invalid", "unknown person").WithField("mentions", "not_found")
		}
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
		mentioned := []string{}
		for _, u := range mentions {
			if u != actor.UserID {
				mentioned = append(mentioned, u)
			}
		}
		if err := s.addMentioned(tx, r, mentioned); err != nil {
			return err
		}
		to := []string{}
		for _, u := range append([]string{r.WriterID}, others...) {
			if u != actor.UserID && !contains(to, u) && !contains(mentioned, u) {
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
		data := event.Data(event.Report{Title: title, Link: "/reports/" + id, ReportID: id, TemplateID: r.TemplateID,
			Period: r.Period, WriterID: r.WriterID, Comment: excerpt, By: actor.Name})
		if len(mentioned) > 0 {
			if err := notify.Emit(tx, &notify.Event{Type: event.ReportMentioned, SubjectType: "report", SubjectID: id, ActorID: actor.UserID,
				Recipients: mentioned, Data: data}); err != nil {
				return err
			}
		}
		if len(to) == 0 {
			return nil
		}
		return notify.Emit(tx, &notify.Event{Type: event.ReportCommented, SubjectType: "report", SubjectID: id, ActorID: actor.UserID,
			Recipients: to, Data: data})
	})
	return c, err
}

// addMentioned makes the people mentioned in a comment recipients of the
// report when they are neither its writer nor one already (existing
// recipients keep their reason and read status), and indexes the report
// again so that they find it by search.
func (s *Service) addMentioned(tx *gorm.DB, r Report, users []string) error {
	rows := []Recipient{}
	for _, u := range users {
		if u != r.WriterID {
			rows = append(rows, Recipient{ReportID: r.ID, UserID: u, Reason: ReasonMentioned})
		}
	}
	if len(rows) == 0 {
		return nil
	}
	res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&rows)
	if res.Error != nil {
		return fmt.Errorf("report: add mentioned: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return nil
	}
	return indexReport(tx, r)
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
