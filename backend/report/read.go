package report

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"tack/backend/identity"
	"tack/backend/org"
)

// ListFilter narrows the sent and received lists.
type ListFilter struct {
	Status     string // sent: draft or submitted ("" both)
	WriterID   string // received: one writer
	TemplateID string
	Period     string
	Unread     bool // received: only unread
	Limit      int
	Cursor     string
}

func (f *ListFilter) limit() int {
	if f.Limit <= 0 || f.Limit > 200 {
		return 50
	}
	return f.Limit
}

// Sent lists the actor's own reports, newest first.
func (s *Service) Sent(ctx context.Context, actor identity.Actor, f ListFilter) ([]Detail, string, error) {
	q := s.db.WithContext(ctx).Where("writer_id = ?", actor.UserID)
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	rs, next, err := f.page(q, "sent")
	if err != nil {
		return nil, "", err
	}
	ds, err := s.details(ctx, actor, rs, true)
	return ds, next, err
}

// page narrows q by the filter's template and period and reads one page,
// newest first, with the cursor of the next page ("" at the end).
func (f *ListFilter) page(q *gorm.DB, what string) ([]Report, string, error) {
	if f.TemplateID != "" {
		q = q.Where("template_id = ?", f.TemplateID)
	}
	if f.Period != "" {
		q = q.Where("period = ?", f.Period)
	}
	if f.Cursor != "" {
		q = q.Where("id < ?", f.Cursor)
	}
	var rs []Report
	if err := q.Order("id DESC").Limit(f.limit() + 1).Find(&rs).Error; err != nil {
		return nil, "", fmt.Errorf("report: %s: %w", what, err)
	}
	next := ""
	if len(rs) > f.limit() {
		rs = rs[:f.limit()]
		next = rs[len(rs)-1].ID
	}
	return rs, next, nil
}

// Received lists the reports sent to the actor: unread first, then newest
// first. The cursor is "u:<id>" inside the unread part, "r:<id>" after it.
// Each part is its own statement walking the recipient index newest first
// (the unread one a partial index): one ORDER BY over both parts sorted
// every report a leader ever received (10,000 for a 500-person department's
// month, bench/RESULTS.md "Work reports").
func (s *Service) Received(ctx context.Context, actor identity.Actor, f ListFilter) ([]Detail, string, error) {
	// Each part reads the reports' rows themselves: one round trip less than
	// reading IDs first.
	type row struct {
		Report
		InboxReadAt *time.Time
	}
	part := func(unread bool, after string, limit int) ([]row, error) {
		q := s.db.WithContext(ctx).Table("report_recipients rr").Select("r.*, rr.read_at AS inbox_read_at").
			Joins("JOIN reports r ON r.id = rr.report_id").
			Where("rr.user_id = ? AND r.status = ?", actor.UserID, StatusSubmitted)
		if unread {
			q = q.Where("rr.read_at IS NULL")
		} else {
			q = q.Where("rr.read_at IS NOT NULL")
		}
		if f.WriterID != "" {
			q = q.Where("r.writer_id = ?", f.WriterID)
		}
		if f.TemplateID != "" {
			q = q.Where("r.template_id = ?", f.TemplateID)
		}
		if f.Period != "" {
			q = q.Where("r.period = ?", f.Period)
		}
		if after != "" {
			q = q.Where("rr.report_id < ?", after)
		}
		var rows []row
		if err := q.Order("rr.report_id DESC").Limit(limit).Find(&rows).Error; err != nil {
			return nil, fmt.Errorf("report: received: %w", err)
		}
		return rows, nil
	}
	want := f.limit() + 1
	kind, after, _ := strings.Cut(f.Cursor, ":")
	var rows []row
	if kind != "r" {
		unread, err := part(true, after, want)
		if err != nil {
			return nil, "", err
		}
		rows, after = unread, ""
	}
	if len(rows) < want && !f.Unread {
		read, err := part(false, after, want-len(rows))
		if err != nil {
			return nil, "", err
		}
		rows = append(rows, read...)
	}
	next := ""
	if len(rows) > f.limit() {
		rows = rows[:f.limit()]
		last := rows[len(rows)-1]
		if last.InboxReadAt == nil {
			next = "u:" + last.ID
		} else {
			next = "r:" + last.ID
		}
	}
	ordered := make([]Report, len(rows))
	for i, r := range rows {
		ordered[i] = r.Report
	}
	ds, err := s.details(ctx, actor, ordered, false)
	return ds, next, err
}

// Week returns one writer's reports of the ISO week holding date that the
// actor may see (the actor's own, or those sent to the actor), by day: a
// manager reads a person's week of dailies on one page.
func (s *Service) Week(ctx context.Context, actor identity.Actor, userID, date string) (WeekView, error) {
	loc := s.cal.Location()
	d := s.now().In(loc)
	if date != "" {
		var err error
		if d, err = time.ParseInLocation(time.DateOnly, date, loc); err != nil {
			return WeekView{}, ErrBadPeriod.WithField("date", "invalid")
		}
	}
	p := PeriodOf(CycleWeekly, d, loc)
	days := make([]string, 7)
	for i := range days {
		days[i] = p.First.AddDate(0, 0, i).Format(time.DateOnly)
	}
	q := s.db.WithContext(ctx).Where("writer_id = ? AND status = ? AND period IN ?", userID, StatusSubmitted, append(days, p.Key))
	if userID != actor.UserID {
		depts, err := s.headedSubtree(ctx, actor.UserID)
		if err != nil {
			return WeekView{}, err
		}
		sent := s.db.Table("report_recipients").Select("report_id").Where("user_id = ?", actor.UserID)
		if len(depts) > 0 {
			q = q.Where("(id IN (?) OR department_id IN ?)", sent, depts)
		} else {
			q = q.Where("id IN (?)", sent)
		}
	}
	var rs []Report
	if err := q.Order("period, id").Find(&rs).Error; err != nil {
		return WeekView{}, fmt.Errorf("report: week: %w", err)
	}
	ds, err := s.details(ctx, actor, rs, false)
	if err != nil {
		return WeekView{}, err
	}
	names, err := s.org.Names(ctx, []string{userID})
	if err != nil {
		return WeekView{}, err
	}
	return WeekView{UserID: userID, Name: names[userID], Week: p.Key, Days: days, Reports: ds}, nil
}

// WeekView is one person's week: the seven dates and the reports.
type WeekView struct {
	UserID  string   `json:"user_id"`
	Name    string   `json:"name"`
	Week    string   `json:"week"`
	Days    []string `json:"days"`
	Reports []Detail `json:"reports"`
}

// headedSubtree returns the departments the user heads, with every
// department below them: whose submitted reports they read besides those
// sent to them (the general manager, heading the top, reads everyone's).
func (s *Service) headedSubtree(ctx context.Context, userID string) ([]string, error) {
	all, err := s.org.Departments(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, d := range all {
		if d.HeadID != nil && *d.HeadID == userID {
			out = append(out, org.Descendants(all, d.ID)...)
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// Team lists the submitted reports written in the departments the actor
// heads and below (not their own), newest first: a head above the leader
// reads their subtree's reports without being sent them. Someone who heads
// nothing gets an empty list.
func (s *Service) Team(ctx context.Context, actor identity.Actor, f ListFilter) ([]Detail, string, error) {
	depts, err := s.headedSubtree(ctx, actor.UserID)
	if err != nil || len(depts) == 0 {
		return []Detail{}, "", err
	}
	q := s.db.WithContext(ctx).Where("department_id IN ? AND status = ? AND writer_id <> ?", depts, StatusSubmitted, actor.UserID)
	if f.WriterID != "" {
		q = q.Where("writer_id = ?", f.WriterID)
	}
	rs, next, err := f.page(q, "team")
	if err != nil {
		return nil, "", err
	}
	ds, err := s.details(ctx, actor, rs, false)
	return ds, next, err
}
