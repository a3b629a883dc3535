package approval

import (
	"context"
	"fmt"
	"time"
)

// ActivityLines lists, for a work report written from activity (backend/report
// Suggest), the requests userID submitted and the tasks they decided in
// [from, to): one line each, at most 20 of each, oldest first. Only the
// user's own requests and decisions: nothing they could not see already.
func (s *Service) ActivityLines(ctx context.Context, userID string, from, to time.Time) ([]string, error) {
	db := s.db.WithContext(ctx)
	var mine []Instance
	if err := db.Select("title, number").Where("applicant_id = ? AND submitted_at >= ? AND submitted_at < ?", userID, from, to).
		Order("submitted_at").Limit(20).Find(&mine).Error; err != nil {
		return nil, fmt.Errorf("approval: activity: %w", err)
	}
	var lines []string
	for _, i := range mine {
		lines = append(lines, fmt.Sprintf("提交审批：%s（%s）", i.Title, i.Number))
	}
	var decided []struct{ Title, Number, Status string }
	if err := db.Table("approval_tasks AS t").Select("i.title, i.number, t.status").Joins("JOIN approval_instances i ON i.id = t.instance_id").
		Where("t.assignee_id = ? AND t.acted_at >= ? AND t.acted_at < ? AND t.status IN ?", userID, from, to, []string{TaskApproved, TaskRejected}).
		Order("t.acted_at").Limit(20).Scan(&decided).Error; err != nil {
		return nil, fmt.Errorf("approval: activity: %w", err)
	}
	for _, d := range decided {
		verb := "同意"
		if d.Status == TaskRejected {
			verb = "拒绝"
		}
		lines = append(lines, fmt.Sprintf("审批%s：%s（%s）", verb, d.Title, d.Number))
	}
	return lines, nil
}
