package report

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"tack/backend/approval"
	"tack/backend/identity"
)

// StatsRow is one department's (or the total's) figures for one period.
type StatsRow struct {
	DepartmentID string `json:"department_id"` // "" for the total
	Name         string `json:"name"`
	Expected     int    `json:"expected"` // writers expected, exempt ones excluded
	Submitted    int    `json:"submitted"`
	OnTime       int    `json:"on_time"`
	Late         int    `json:"late"`
	Exempt       int    `json:"exempt"`
	// SubmissionRate and OnTimeRate are shares of Expected (0 when nobody was expected).
	SubmissionRate float64            `json:"submission_rate"`
	OnTimeRate     float64            `json:"on_time_rate"`
	Sums           map[string]float64 `json:"sums"` // the numeric fields summed over submitted reports
}

// StatsPeriod is one period's figures: by department, and the total.
type StatsPeriod struct {
	Period      string     `json:"period"`
	DueAt       *time.Time `json:"due_at"`
	Departments []StatsRow `json:"departments"`
	Total       StatsRow   `json:"total"`
}

// StatsView is a template's statistics over recent periods, newest first.
type StatsView struct {
	TemplateID string           `json:"template_id"`
	Cycle      string           `json:"cycle"`
	Fields     []approval.Field `json:"fields"` // the numeric fields summed
	Periods    []StatsPeriod    `json:"periods"`
}

// Stats reports, for the last n periods of a template (the current one
// first; n 1–31, default 6), per department of the writers: how many were
// expected, submitted, on time, and the template's numeric fields (number,
// money) summed. A leader counts those they lead; the template's recipients
// and RoleReader holders every writer; anyone else gets no rows.
func (s *Service) Stats(ctx context.Context, actor identity.Actor, templateID string, n int) (StatsView, error) {
	db := s.db.WithContext(ctx)
	t, err := s.template(db, templateID)
	if err != nil || !t.Active || t.Cycle == CycleNone {
		return StatsView{}, ErrTemplateNotFound
	}
	if n <= 0 || n > 31 {
		n = 6
	}
	loc := s.cal.Location()
	view := StatsView{TemplateID: t.ID, Cycle: t.Cycle, Fields: []approval.Field{}, Periods: []StatsPeriod{}}
	for _, f := range t.Fields {
		if f.Type == approval.FieldNumber || f.Type == approval.FieldMoney {
			view.Fields = append(view.Fields, f)
		}
	}
	keys := make([]string, 0, n)
	p := PeriodOf(t.Cycle, s.now(), loc)
	for range n {
		keys = append(keys, p.Key)
		p = PeriodOf(t.Cycle, p.First.AddDate(0, 0, -1), loc)
	}
	// The current period counts once its writers are known.
	if err := s.materialise(ctx, t, PeriodOf(t.Cycle, s.now(), loc)); err != nil {
		return StatsView{}, err
	}
	q := db.Where("template_id = ? AND period IN ?", t.ID, keys)
	if !slices.Contains(t.Recipients, actor.UserID) && !actor.HasRole(RoleReader) {
		q = q.Where("leader_id = ?", actor.UserID)
	}
	var exp []Expected
	if err := q.Find(&exp).Error; err != nil {
		return StatsView{}, fmt.Errorf("report: stats expected: %w", err)
	}
	if len(exp) == 0 {
		return view, nil
	}
	writers := []string{}
	for _, e := range exp {
		writers = append(writers, e.UserID)
	}
	slices.Sort(writers)
	writers = slices.Compact(writers)
	var rs []Report
	if err := db.Select("writer_id, period, form, submitted_at, late").
		Where("template_id = ? AND period IN ? AND status = ? AND writer_id IN ?", t.ID, keys, StatusSubmitted, writers).Find(&rs).Error; err != nil {
		return StatsView{}, fmt.Errorf("report: stats reports: %w", err)
	}
	type wp struct{ writer, period string }
	written := map[wp]Report{}
	for _, r := range rs {
		written[wp{r.WriterID, r.Period}] = r
	}
	depts, err := s.org.Departments(ctx)
	if err != nil {
		return StatsView{}, err
	}
	deptName := map[string]string{}
	for _, d := range depts {
		deptName[d.ID] = d.Name
	}
	add := func(row *StatsRow, e Expected) {
		r, ok := written[wp{e.UserID, e.Period}]
		if ok {
			row.Submitted++
			if r.SubmittedAt != nil && r.SubmittedAt.After(e.DueAt) {
				row.Late++
			} else {
				row.OnTime++
			}
			for _, f := range view.Fields {
				if v, ok := number(r.Form[f.Key]); ok {
					row.Sums[f.Key] += v
				}
			}
		}
		if e.Exempt != "" && !ok {
			row.Exempt++
		} else {
			row.Expected++
		}
	}
	rate := func(row *StatsRow) {
		if row.Expected > 0 {
			row.SubmissionRate = float64(row.Submitted) / float64(row.Expected)
			row.OnTimeRate = float64(row.OnTime) / float64(row.Expected)
		}
	}
	for _, key := range keys {
		sp := StatsPeriod{Period: key, Departments: []StatsRow{}, Total: StatsRow{Name: "", Sums: map[string]float64{}}}
		byDept := map[string]*StatsRow{}
		var order []string
		for _, e := range exp {
			if e.Period != key {
				continue
			}
			due := e.DueAt
			sp.DueAt = &due
			row := byDept[e.DepartmentID]
			if row == nil {
				row = &StatsRow{DepartmentID: e.DepartmentID, Name: deptName[e.DepartmentID], Sums: map[string]float64{}}
				byDept[e.DepartmentID] = row
				order = append(order, e.DepartmentID)
			}
			add(row, e)
			add(&sp.Total, e)
		}
		slices.SortFunc(order, func(a, b string) int {
			if byDept[a].Name < byDept[b].Name {
				return -1
			}
			if byDept[a].Name > byDept[b].Name {
				return 1
			}
			return 0
		})
		for _, id := range order {
			rate(byDept[id])
			sp.Departments = append(sp.Departments, *byDept[id])
		}
		rate(&sp.Total)
		view.Periods = append(view.Periods, sp)
	}
	return view, nil
}

// number reads a form's numeric value (a JSON number, or a money amount as text).
func number(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int:
		return float64(x), true
	case string:
		f, err := strconv.ParseFloat(x, 64)
		return f, err == nil
	}
	return 0, false
}
