package approval

import (
	"context"
	"fmt"
)

// OnLeave reports which of userIDs have an approved leave request whose
// period covers day ("2026-01-05", a date of the company calendar): work
// reports exempt them from that day's report.
func (s *Service) OnLeave(ctx context.Context, day string, userIDs []string) (map[string]bool, error) {
	out := map[string]bool{}
	if len(userIDs) == 0 {
		return out, nil
	}
	var insts []Instance
	err := s.db.WithContext(ctx).Select("id, applicant_id, form").
		Where("status = ? AND applicant_id IN ? AND template_id IN (?)", StatusApproved, userIDs,
			s.db.Model(&Template{}).Select("id").Where("builtin_key = ?", "leave")).
		Find(&insts).Error
	if err != nil {
		return nil, fmt.Errorf("approval: on leave: %w", err)
	}
	for _, in := range insts {
		p, _ := in.Form["period"].(map[string]any)
		start, _ := p["start"].(string)
		end, _ := p["end"].(string)
		if start != "" && end != "" && start <= day && day <= end {
			out[in.ApplicantID] = true
		}
	}
	return out, nil
}
