package report

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"tack/backend/identity"
	"tack/backend/org"
	"tack/backend/store"
)

// States of an expected writer in the leader's view.
const (
	StateOnTime  = "on_time"
	StateLate    = "late"
	StateMissing = "missing" // the due time passed without a report
	StatePending = "pending" // not written yet, not due yet
	StateExempt  = "exempt"
)

// ExpectedRow is one expected writer and how they stand.
type ExpectedRow struct {
	UserID       string     `json:"user_id"`
	Name         string     `json:"name"`
	DepartmentID string     `json:"department_id"`
	State        string     `json:"state"`
	Exempt       string     `json:"exempt,omitempty"`
	ReportID     string     `json:"report_id,omitempty"`
	SubmittedAt  *time.Time `json:"submitted_at,omitempty"`
}

// MissingView is the leader's "who has not written" for one template and period.
type MissingView struct {
	TemplateID string         `json:"template_id"`
	Cycle      string         `json:"cycle"`
	Period     string         `json:"period"`
	DueAt      *time.Time     `json:"due_at"`
	Counts     map[string]int `json:"counts"`
	Rows       []ExpectedRow  `json:"rows"`
}

// Missing shows the actor the writers they lead (or, for a template's fixed
// recipients, all its writers) expected for a period (the current one when
// empty): on time, late, missing, pending or exempt. The period's expected
// writers are materialised first if the job has not yet.
func (s *Service) Missing(ctx context.Context, actor identity.Actor, templateID, period string) (MissingView, error) {
	t, err := s.template(s.db.WithContext(ctx), templateID)
	if err != nil || !t.Active || t.Cycle == CycleNone {
		return MissingView{}, ErrTemplateNotFound
	}
	loc := s.cal.Location()
	now := s.now()
	p := PeriodOf(t.Cycle, now, loc)
	if period != "" {
		var ok bool
		if p, ok = ParsePeriod(t.Cycle, period, loc); !ok {
			return MissingView{}, ErrBadPeriod
		}
	}
	view := MissingView{TemplateID: t.ID, Cycle: t.Cycle, Period: p.Key, Counts: map[string]int{}, Rows: []ExpectedRow{}}
	if !p.First.After(now) {
		if err := s.materialise(ctx, t, p); err != nil {
			return MissingView{}, err
		}
	}
	q := s.db.WithContext(ctx).Where("template_id = ? AND period = ?", t.ID, p.Key)
	if !slices.Contains(t.Recipients, actor.UserID) {
		q = q.Where("leader_id = ?", actor.UserID)
	}
	var exp []Expected
	if err := q.Order("user_id").Find(&exp).Error; err != nil {
		return MissingView{}, fmt.Errorf("report: expected: %w", err)
	}
	if len(exp) == 0 {
		return view, nil
	}
	ids := make([]string, len(exp))
	for i, e := range exp {
		ids[i] = e.UserID
	}
	// Someone who left since is nobody's to chase; a leave approved since
	// the rows were made exempts as well.
	var active []string
	if err := s.db.WithContext(ctx).Model(&org.User{}).Where("id IN ? AND active = ?", ids, true).Pluck("id", &active).Error; err != nil {
		return MissingView{}, fmt.Errorf("report: active writers: %w", err)
	}
	onLeave := map[string]bool{}
	if s.leaves != nil {
		if onLeave, err = s.leaves.OnLeave(ctx, exp[0].DueAt.In(loc).Format(time.DateOnly), active); err != nil {
			return MissingView{}, err
		}
	}
	kept := exp[:0]
	for _, e := range exp {
		if slices.Contains(active, e.UserID) {
			if e.Exempt == "" && onLeave[e.UserID] {
				e.Exempt = ExemptLeave
			}
			kept = append(kept, e)
		}
	}
	exp = kept
	if len(exp) == 0 {
		return view, nil
	}
	var rs []Report
	if err := s.db.WithContext(ctx).Select("id, writer_id, submitted_at, late").
		Where("template_id = ? AND period = ? AND status = ? AND writer_id IN ?", t.ID, p.Key, StatusSubmitted, ids).Find(&rs).Error; err != nil {
		return MissingView{}, fmt.Errorf("report: submitted: %w", err)
	}
	byWriter := map[string]Report{}
	for _, r := range rs {
		byWriter[r.WriterID] = r
	}
	names, err := s.org.Names(ctx, ids)
	if err != nil {
		return MissingView{}, err
	}
	due := exp[0].DueAt
	view.DueAt = &due
	for _, e := range exp {
		row := ExpectedRow{UserID: e.UserID, Name: names[e.UserID], DepartmentID: e.DepartmentID, Exempt: e.Exempt}
		if r, ok := byWriter[e.UserID]; ok {
			row.ReportID, row.SubmittedAt = r.ID, r.SubmittedAt
			row.State = StateOnTime
			if r.SubmittedAt != nil && r.SubmittedAt.After(e.DueAt) {
				row.State = StateLate
			}
		} else if e.Exempt != "" {
			row.State = StateExempt
		} else if now.After(e.DueAt) {
			row.State = StateMissing
		} else {
			row.State = StatePending
		}
		view.Counts[row.State]++
		view.Rows = append(view.Rows, row)
	}
	// Missing first, then pending, late, on time, exempt; by name inside.
	order := map[string]int{StateMissing: 0, StatePending: 1, StateLate: 2, StateOnTime: 3, StateExempt: 4}
	slices.SortStableFunc(view.Rows, func(a, b ExpectedRow) int {
		if d := order[a.State] - order[b.State]; d != 0 {
			return d
		}
		if a.Name < b.Name {
			return -1
		}
		if a.Name > b.Name {
			return 1
		}
		return 0
	})
	return view, nil
}

// materialise records the writers expected to write t for period p: every
// active person who may use it, with their leader and the due time; those
// on approved leave on the due day are exempt. Nothing is expected when
// nothing is due (a daily on a rest day). Rows already there stay as they
// are, so running it again (or on two replicas) changes nothing.
func (s *Service) materialise(ctx context.Context, t Template, p Period) error {
	cal, err := s.calendar(ctx)
	if err != nil {
		return err
	}
	due, ok := DueAt(cal, t.Cycle, p, t.DueTime)
	if !ok {
		return nil
	}
	db := s.db.WithContext(ctx)
	var have int64
	if err := db.Model(&Expected{}).Where("template_id = ? AND period = ?", t.ID, p.Key).Count(&have).Error; err != nil {
		return fmt.Errorf("report: expected count: %w", err)
	}
	if have > 0 {
		return nil
	}
	var depts []org.Department
	if err := db.Find(&depts).Error; err != nil {
		return fmt.Errorf("report: departments: %w", err)
	}
	var users []org.User
	if err := db.Select("id, department_id").Where("active = ?", true).Find(&users).Error; err != nil {
		return fmt.Errorf("report: users: %w", err)
	}
	active := map[string]bool{}
	for _, u := range users {
		active[u.ID] = true
	}
	byID := map[string]org.Department{}
	for _, d := range depts {
		byID[d.ID] = d
	}
	chainOf := func(id string) []org.Department {
		var chain []org.Department
		for seen := 0; id != "" && seen < 64; seen++ {
			d, ok := byID[id]
			if !ok {
				break
			}
			chain = append(chain, d)
			if d.ParentID == nil {
				break
			}
			id = *d.ParentID
		}
		return chain
	}
	var rows []Expected
	var ids []string
	now := s.now()
	for _, u := range users {
		chain := chainOf(u.DepartmentID)
		chainIDs := make([]string, len(chain))
		for i, d := range chain {
			chainIDs[i] = d.ID
		}
		if !mayUse(t, u.ID, chainIDs) {
			continue
		}
		rows = append(rows, Expected{TemplateID: t.ID, Period: p.Key, UserID: u.ID, DepartmentID: u.DepartmentID,
			LeaderID: LeaderOf(u.ID, chain, active), DueAt: due.UTC(), CreatedAt: now})
		ids = append(ids, u.ID)
	}
	if len(rows) == 0 {
		return nil
	}
	if s.leaves != nil {
		onLeave, err := s.leaves.OnLeave(ctx, due.Format(time.DateOnly), ids)
		if err != nil {
			return err
		}
		for i := range rows {
			if onLeave[rows[i].UserID] {
				rows[i].Exempt = ExemptLeave
			}
		}
	}
	return store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
		return tx.Clauses(clause.OnConflict{DoNothing: true}).CreateInBatches(rows, 200).Error
	})
}

// Materialise records the expected writers of the current period of every
// active template with a cycle (the job's work; tests call it).
func (s *Service) Materialise(ctx context.Context) error {
	var ts []Template
	if err := s.db.WithContext(ctx).Where("active = ? AND cycle <> ?", true, CycleNone).Find(&ts).Error; err != nil {
		return fmt.Errorf("report: templates: %w", err)
	}
	for _, t := range ts {
		if err := s.materialise(ctx, t, PeriodOf(t.Cycle, s.now(), s.cal.Location())); err != nil {
			return err
		}
	}
	return nil
}

// Job materialises the expected writers as periods start and sends the
// reminders and leaders' summaries (Remind).
type Job struct{ S *Service }

// Serve runs the job every 5 minutes until ctx ends.
func (j Job) Serve(ctx context.Context) error {
	return store.Every(ctx, 5*time.Minute, "report: expected writers and reminders job", func(ctx context.Context) error {
		// Reminders read the expected writers: a failed Materialise does
		// not stop the reminders of the rows that exist.
		return errors.Join(j.S.Materialise(ctx), j.S.Remind(ctx))
	})
}
