package approval

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"tack/backend/org"
)

// OnUserDeactivated is the org offboarding hook: the leaving user's open
// approval tasks move to their manager (or the admin org chose), each with a
// timeline entry. It reads and writes through tx only.
func (s *Service) OnUserDeactivated(ctx context.Context, tx *gorm.DB, user org.User, manager *org.User) error {
	var tasks []Task
	if err := tx.Where("assignee_id = ? AND kind = ? AND status IN ?", user.ID, KindApprove, []string{TaskPending, TaskWaiting}).
		Order("id").Find(&tasks).Error; err != nil {
		return fmt.Errorf("approval: offboard tasks: %w", err)
	}
	if len(tasks) == 0 {
		return nil
	}
	if manager == nil {
		return fmt.Errorf("approval: no one to take over %s's approvals", user.ID)
	}
	for i := range tasks {
		t := &tasks[i]
		var inst Instance
		if err := tx.First(&inst, "id = ?", t.InstanceID).Error; err != nil {
			return fmt.Errorf("approval: offboard instance: %w", err)
		}
		if err := s.reassign(tx, &inst, t, manager.ID, org.System.UserID, "reassigned", ""); err != nil {
			return err
		}
		if err := s.saveInstance(tx, &inst); err != nil {
			return err
		}
	}
	return nil
}
