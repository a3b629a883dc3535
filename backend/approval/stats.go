package approval

import (
	"context"
	"fmt"
	"sort"

	"tack/backend/org"
)

// Turnaround is count, average and p90 durations (seconds) of a group.
type Turnaround struct {
	Key        string  `json:"key"`
	Name       string  `json:"name"`
	Count      int     `json:"count"`
	Finished   int     `json:"finished"` // per template: how many the durations cover
	AvgSeconds float64 `json:"avg_seconds"`
	P90Seconds float64 `json:"p90_seconds"`
}

// Stats is the approval statistics page.
type Stats struct {
	Total      int          `json:"total"`
	Pending    int          `json:"pending"`
	Overdue    int          `json:"overdue"`
	ByTemplate []Turnaround `json:"by_template"`
	ByApprover []Turnaround `json:"by_approver"`
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
func (s *Service) Stats(ctx context.Context, actor org.Actor, f ListFilter) (Stats, error) {
	if f.Box == "" {
		f.Box = "all"
		if !seesArchive(actor) {
			if heads, err := s.headedSubtree(ctx, actor.UserID); err != nil || len(heads) == 0 {
				f.Box = "mine"
			}
		}
	}
	q, err := s.listQuery(ctx, actor, f)
	if err != nil {
		return Stats{}, err
	}
	var insts []Instance
	if err := q.Select("id, template_id, template_name, status, submitted_at, finished_at").Find(&insts).Error; err != nil {
		return Stats{}, fmt.Errorf("approval: stats: %w", err)
	}
	var st Stats
	byT := map[string][]float64{}
	counts := map[string]int{}
	names := map[string]string{}
	ids := make([]string, 0, len(insts))
	for _, in := range insts {
		st.Total++
		ids = append(ids, in.ID)
		names[in.TemplateID] = in.TemplateName
		if in.Status == StatusPending {
			st.Pending++
		}
		counts[in.TemplateID]++
		if _, ok := byT[in.TemplateID]; !ok {
			byT[in.TemplateID] = nil
		}
		if in.FinishedAt != nil && in.Status != StatusWithdrawn {
			byT[in.TemplateID] = append(byT[in.TemplateID], in.FinishedAt.Sub(in.SubmittedAt).Seconds())
		}
	}
	for k, ds := range byT {
		tt := summarize(k, names[k], ds)
		tt.Finished, tt.Count = tt.Count, counts[k]
		st.ByTemplate = append(st.ByTemplate, tt)
	}
	sort.Slice(st.ByTemplate, func(i, j int) bool {
		return st.ByTemplate[i].Count > st.ByTemplate[j].Count || (st.ByTemplate[i].Count == st.ByTemplate[j].Count && st.ByTemplate[i].Key < st.ByTemplate[j].Key)
	})
	byA := map[string][]float64{}
	for start := 0; start < len(ids); start += 500 {
		end := min(start+500, len(ids))
		var tasks []Task
		if err := s.db.WithContext(ctx).Where("instance_id IN ? AND kind = ?", ids[start:end], KindApprove).Find(&tasks).Error; err != nil {
			return Stats{}, fmt.Errorf("approval: stats tasks: %w", err)
		}
		for _, t := range tasks {
			if t.Overdue && t.Status == TaskPending {
				st.Overdue++
			}
			if t.ActedAt != nil && t.AssignedAt != nil && (t.Status == TaskApproved || t.Status == TaskRejected) {
				byA[t.AssigneeID] = append(byA[t.AssigneeID], t.ActedAt.Sub(*t.AssignedAt).Seconds())
			}
		}
	}
	var uids []string
	for k := range byA {
		uids = append(uids, k)
	}
	users, err := s.org.UsersByID(ctx, uids)
	if err != nil {
		return Stats{}, err
	}
	for k, ds := range byA {
		st.ByApprover = append(st.ByApprover, summarize(k, users[k].Name, ds))
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
