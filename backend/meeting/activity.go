package meeting

import (
	"context"
	"fmt"
	"time"
)

// ActivityLines lists, for a work report written from activity (backend/report
// Suggest), the meetings userID organised or attended (not declined, not cancelled) that
// started in [from, to) and the action items (tasks from meetings) they own
// created or done in it: one line each, at most 20 of each. A recurring
// meeting counts by its first occurrence only.
func (s *Service) ActivityLines(ctx context.Context, userID string, from, to time.Time) ([]string, error) {
	db := s.db.WithContext(ctx)
	var ms []Meeting
	if err := db.Table("meetings AS m").Select("m.title").Joins("LEFT JOIN meeting_attendees a ON a.meeting_id = m.id AND a.user_id = ?", userID).
		Where("(m.organizer_id = ? OR (a.user_id IS NOT NULL AND a.response <> ?)) AND m.status <> ? AND m.start_at >= ? AND m.start_at < ?",
			userID, ResponseDeclined, StatusCancelled, from, to).
		Order("m.start_at").Limit(20).Find(&ms).Error; err != nil {
		return nil, fmt.Errorf("meeting: activity: %w", err)
	}
	var lines []string
	for _, m := range ms {
		lines = append(lines, "参加会议："+m.Title)
	}
	var ts []Task
	if err := db.Where("owner_id = ? AND meeting_id <> '' AND ((created_at >= ? AND created_at < ?) OR (done_at >= ? AND done_at < ?))", userID, from, to, from, to).
		Order("created_at").Limit(20).Find(&ts).Error; err != nil {
		return nil, fmt.Errorf("meeting: activity: %w", err)
	}
	for _, t := range ts {
		state := "待办"
		if t.Status == "done" {
			state = "已完成"
		}
		lines = append(lines, fmt.Sprintf("会议待办（%s）：%s", state, t.Title))
	}
	return lines, nil
}
