package report

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"tack/backend/event"
	"tack/backend/notify"
	"tack/backend/org"
	"tack/backend/store"
	"tack/backend/workcal"
)

// RemindBefore is how long before the due time an expected writer who has
// not written is reminded (report.reminder).
const RemindBefore = time.Hour

// staleAfter drops a reminder or summary whose moment passed longer ago
// than this (the server was down, or the feature is new): it is marked done
// without being sent, so nobody gets last week's reminders at once.
const staleAfter = 6 * time.Hour

// RemindAt is when the writers of a report due at due are reminded:
// RemindBefore before it, inside working hours. When that moment is after
// the day's working hours (a daily due at 20:00), RemindBefore before their
// end; otherwise outside working hours (night, a rest day) it waits for the
// next working morning, even if that is after the due time. Never at night.
func RemindAt(cal workcal.Calendar, due time.Time) time.Time {
	at := due.Add(-RemindBefore)
	if cal.InWorkingHours(at) {
		return at.UTC()
	}
	if start, end, ok := cal.Window(at); ok && !at.Before(end) {
		early := end.Add(-RemindBefore)
		if early.Before(start) {
			early = start
		}
		return early.UTC()
	}
	return cal.NextWorkingMoment(at)
}

// SummaryAt is when the leader gets the one summary of who has not
// written: at the due time when that is inside working hours, else the
// next working morning.
func SummaryAt(cal workcal.Calendar, due time.Time) time.Time {
	return cal.NextWorkingMoment(due)
}

// Remind sends the reminders and summaries that are due (the job's work
// every 5 minutes; tests call it with a fake clock). Once only: under a job
// lock, and each is marked on its report_expected rows in the transaction
// that emits it, so a second run or replica sends nothing again.
func (s *Service) Remind(ctx context.Context) error {
	_, err := store.WithJobLock(ctx, s.db, "report.remind", func(db *gorm.DB) error { return s.remind(ctx, db) })
	return err
}

type remindGroup struct {
	templateID, period string
	due                time.Time
	rows               []Expected
}

func (s *Service) remind(ctx context.Context, db *gorm.DB) error {
	cal, err := s.calendar(ctx)
	if err != nil {
		return err
	}
	now := s.now()
	// Reminders may come up to a day before the due time; summaries wait
	// at most over a long holiday.
	var exp []Expected
	if err := db.Where("due_at > ? AND due_at <= ? AND (reminded_at IS NULL OR summarized_at IS NULL)",
		now.AddDate(0, 0, -14), now.Add(24*time.Hour)).Order("template_id, period, user_id").Find(&exp).Error; err != nil {
		return fmt.Errorf("report: remind: %w", err)
	}
	var groups []*remindGroup
	for _, e := range exp {
		if n := len(groups); n == 0 || groups[n-1].templateID != e.TemplateID || groups[n-1].period != e.Period {
			groups = append(groups, &remindGroup{templateID: e.TemplateID, period: e.Period, due: e.DueAt})
		}
		g := groups[len(groups)-1]
		g.rows = append(g.rows, e)
	}
	for _, g := range groups {
		remindAt, summaryAt := RemindAt(cal, g.due), SummaryAt(cal, g.due)
		if now.Before(remindAt) && now.Before(summaryAt) {
			continue
		}
		if err := s.remindGroup(ctx, db, g, now, remindAt, summaryAt); err != nil {
			return err
		}
	}
	return nil
}

// owing returns the writers of a group who owe a report now: not exempt,
// still active, not on leave on the due day, not submitted.
func (s *Service) owing(ctx context.Context, db *gorm.DB, g *remindGroup) (map[string]bool, error) {
	ids := make([]string, 0, len(g.rows))
	for _, e := range g.rows {
		if e.Exempt == "" {
			ids = append(ids, e.UserID)
		}
	}
	out := map[string]bool{}
	if len(ids) == 0 {
		return out, nil
	}
	var active []string
	if err := db.Model(&org.User{}).Where("id IN ? AND active = ?", ids, true).Pluck("id", &active).Error; err != nil {
		return nil, fmt.Errorf("report: remind active: %w", err)
	}
	var written []string
	if err := db.Model(&Report{}).Where("template_id = ? AND period = ? AND status = ? AND writer_id IN ?", g.templateID, g.period, StatusSubmitted, ids).
		Pluck("writer_id", &written).Error; err != nil {
		return nil, fmt.Errorf("report: remind written: %w", err)
	}
	onLeave := map[string]bool{}
	if s.leaves != nil && len(active) > 0 {
		var err error
		if onLeave, err = s.leaves.OnLeave(ctx, g.due.In(s.cal.Location()).Format(time.DateOnly), active); err != nil {
			return nil, err
		}
	}
	for _, id := range active {
		out[id] = !onLeave[id]
	}
	for _, id := range written {
		delete(out, id)
	}
	for id, owes := range out {
		if !owes {
			delete(out, id)
		}
	}
	return out, nil
}

func (s *Service) remindGroup(ctx context.Context, db *gorm.DB, g *remindGroup, now, remindAt, summaryAt time.Time) error {
	t, err := s.template(db, g.templateID)
	if err != nil {
		return err
	}
	owing, err := s.owing(ctx, db, g)
	if err != nil {
		return err
	}
	loc := s.cal.Location()
	title := t.NameZh
	if g.period != "" {
		title += " · " + g.period
	}
	if !now.Before(remindAt) {
		send := t.Active && now.Sub(remindAt) < staleAfter
		for _, e := range g.rows {
			if e.RemindedAt != nil {
				continue
			}
			err := store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
				res := tx.Model(&Expected{}).Where("template_id = ? AND period = ? AND user_id = ? AND reminded_at IS NULL", e.TemplateID, e.Period, e.UserID).
					Update("reminded_at", now)
				if res.Error != nil {
					return fmt.Errorf("report: mark reminded: %w", res.Error)
				}
				if res.RowsAffected == 0 || !send || !owing[e.UserID] {
					return nil
				}
				return notify.Emit(tx, &notify.Event{Type: event.ReportReminder, SubjectType: "report_template", SubjectID: t.ID,
					Recipients: []string{e.UserID}, Data: event.Data(event.Report{
						Title: title + " · " + g.due.In(loc).Format("01-02 15:04"), Link: "/reports/write/" + t.ID + "?period=" + g.period,
						TemplateID: t.ID, Period: g.period, WriterID: e.UserID})})
			})
			if err != nil {
				return err
			}
		}
	}
	if now.Before(summaryAt) {
		return nil
	}
	send := t.Active && now.Sub(summaryAt) < staleAfter
	byLeader := map[string][]string{}
	var leaders []string
	for _, e := range g.rows {
		if e.SummarizedAt != nil || e.LeaderID == "" {
			continue
		}
		if _, seen := byLeader[e.LeaderID]; !seen {
			leaders = append(leaders, e.LeaderID)
			byLeader[e.LeaderID] = []string{}
		}
		if owing[e.UserID] {
			byLeader[e.LeaderID] = append(byLeader[e.LeaderID], e.UserID)
		}
	}
	for _, leader := range leaders {
		missing := byLeader[leader]
		names, err := s.org.Names(ctx, missing)
		if err != nil {
			return err
		}
		list := make([]string, 0, 5)
		for i, id := range missing {
			if i == 5 {
				list = append(list, "…")
				break
			}
			list = append(list, names[id])
		}
		err = store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
			res := tx.Model(&Expected{}).Where("template_id = ? AND period = ? AND leader_id = ? AND summarized_at IS NULL", g.templateID, g.period, leader).
				Update("summarized_at", now)
			if res.Error != nil {
				return fmt.Errorf("report: mark summarized: %w", res.Error)
			}
			if res.RowsAffected == 0 || !send || len(missing) == 0 {
				return nil
			}
			return notify.Emit(tx, &notify.Event{Type: event.ReportMissing, SubjectType: "report_template", SubjectID: t.ID,
				Recipients: []string{leader}, Data: event.Data(event.Report{
					Title: fmt.Sprintf("%s：%d 人未交（%s）", title, len(missing), strings.Join(list, "、")),
					Link:  "/reports?tab=missing&template_id=" + t.ID + "&period=" + g.period, TemplateID: t.ID, Period: g.period, Missing: len(missing)})})
		})
		if err != nil {
			return err
		}
	}
	return nil
}
