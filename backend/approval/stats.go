package approval

import (
	"context"
	"fmt"
	"sort"

	"tack/backend/identity"
)

// Turnaround is count, average and p90 durations (seconds) of a group.
type Turnaround struct {
	Key        string  `json:"key"`
	Name       string  `json:"name"`
	NameEn     string  `json:"name_en,omitempty"`
	Count      int     `json:"count"`    // per template: instances; per approver: decisions
	Finished   int     `json:"finished"` // per template: how many the durations cover
	Pending    int     `json:"pending"`  // per template: still pending; per approver: tasks waiting for them
	Overdue    int     `json:"overdue"`  // steps that passed their SLA limit (pending or not)
	AvgSeconds float64 `json:"avg_seconds"`
	P90Seconds float64 `json:"p90_seconds"`
}

// Stats is the approval statistics page.
type Stats struct {
	Scope        string       `json:"scope"` // what the numbers cover: company, departments, mine (or the box asked for)
	Total        int          `json:"total"`
	Pending      int          `json:"pending"`
	Overdue      int          `json:"overdue"`       // pending steps past their SLA limit now
	OverdueSteps int          `json:"overdue_steps"` // steps that ever passed their SLA limit
	ByTemplate   []Turnaround `json:"by_template"`
	ByApprover   []Turnaround `json:"by_approver"`
}

func summarize(key, name string, ds []float64) Turnaround {
	t := Turnaround{Key: key, Name: name, Count: len(ds)}
	if len(ds) == 0 {
		return t
	}
	sort.Float64s(ds)
	var sum float64
	for _, d := range ds {
		sum += d
	}
	t.AvgSeconds = sum / float64(len(ds))
	idx := int(float64(len(ds))*0.9+0.999999) - 1 // nearest-rank p90
	if idx < 0 {
		idx = 0
	}
	t.P90Seconds = ds[idx]
	return t
}

// Stats computes counts and turnaround (admins and HR see all; department
// heads their departments; others their own submissions).
func (s *Service) Stats(ctx context.Context, actor identity.Actor, f ListFilter) (Stats, error) {
	scope := f.Box
	if f.Box == "" {
		f.Box, scope = s.archiveBox(ctx, actor)
	}
	q, err := s.listQuery(ctx, actor, f)
	if err != nil {
		return Stats{}, err
	}
	var insts []Instance
	if err := q.Select("id, template_id, template_name, status, submitted_at, finished_at").Find(&insts).Error; err != nil {
		return Stats{}, fmt.Errorf("approval: stats: %w", err)
	}
	st := Stats{Scope: scope}
	byT := map[string][]float64{}
	counts, pendingT, overdueT := map[string]int{}, map[string]int{}, map[string]int{}
	tplOf := map[string]string{}
	ids := make([]string, 0, len(insts))
	for _, in := range insts {
		st.Total++
		ids = append(ids, in.ID)
		tplOf[in.ID] = in.TemplateID
		if in.Status == StatusPending {
			st.Pending++
			pendingT[in.TemplateID]++
		}
		counts[in.TemplateID]++
		if _, ok := byT[in.TemplateID]; !ok {
			byT[in.TemplateID] = nil
		}
		if in.FinishedAt != nil && in.Status != StatusWithdrawn {
			byT[in.TemplateID] = append(byT[in.TemplateID], in.FinishedAt.Sub(in.SubmittedAt).Seconds())
		}
	}
	byA := map[string][]float64{}
	pendingA, overdueA := map[string]int{}, map[string]int{}
	for start := 0; start < len(ids); start += 500 {
		end := min(start+500, len(ids))
		var tasks []Task
		if err := s.db.WithContext(ctx).Where("instance_id IN ? AND kind = ?", ids[start:end], KindApprove).Find(&tasks).Error; err != nil {
			return Stats{}, fmt.Errorf("approval: stats tasks: %w", err)
		}
		for _, t := range tasks {
			if t.Overdue {
				st.OverdueSteps++
				overdueT[tplOf[t.InstanceID]]++
				overdueA[t.AssigneeID]++
				if t.Status == TaskPending {
					st.Overdue++
				}
			}
			if t.Status == TaskPending {
				pendingA[t.AssigneeID]++
				if _, ok := byA[t.AssigneeID]; !ok {
					byA[t.AssigneeID] = nil
				}
			}
			if t.ActedAt != nil && t.AssignedAt != nil && (t.Status == TaskApproved || t.Status == TaskRejected) {
				byA[t.AssigneeID] = append(byA[t.AssigneeID], t.ActedAt.Sub(*t.AssignedAt).Seconds())
			}
		}
	}
	var tids []string
	for k := range byT {
		tids = append(tids, k)
	}
	var tpls []Template
	if len(tids) > 0 {
		if err := s.db.WithContext(ctx).Where("id IN ?", tids).Find(&tpls).Error; err != nil {
			return Stats{}, fmt.Errorf("approval: stats templates: %w", err)
		}
	}
	tplByID := map[string]Template{}
	for _, t := range tpls {
		tplByID[t.ID] = t
	}
	for k, ds := range byT {
		tt := summarize(k, tplByID[k].NameZh, ds)
		tt.NameEn = tplByID[k].NameEn
		tt.Finished, tt.Count = tt.Count, counts[k]
		tt.Pending, tt.Overdue = pendingT[k], overdueT[k]
		st.ByTemplate = append(st.ByTemplate, tt)
	}
	sort.Slice(st.ByTemplate, func(i, j int) bool {
		return st.ByTemplate[i].Count > st.ByTemplate[j].Count || (st.ByTemplate[i].Count == st.ByTemplate[j].Count && st.ByTemplate[i].Key < st.ByTemplate[j].Key)
	})
	var uids []string
	for k := range byA {
		uids = append(uids, k)
	}
	users, err := s.org.UsersByID(ctx, uids)
	if err != nil {
		return Stats{}, err
	}
	for k, ds := range byA {
		ta := summarize(k, users[k].Name, ds)
		ta.Pending, ta.Overdue = pendingA[k], overdueA[k]
		st.ByApprover = append(st.ByApprover, ta)
	}
	sort.Slice(st.ByApprover, func(i, j int) bool {
		return st.ByApprover[i].Count > st.ByApprover[j].Count || (st.ByApprover[i].Count == st.ByApprover[j].Count && st.ByApprover[i].Key < st.ByApprover[j].Key)
	})
	if st.ByTemplate == nil {
		st.ByTemplate = []Turnaround{}
	}
	if st.ByApprover == nil {
		st.ByApprover = []Turnaround{}
	}
	return st, nil
}
