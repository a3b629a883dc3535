package meeting

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"tack/backend/event"
	"tack/backend/notify"
	"tack/backend/org"
)

// OnUserDeactivated is the org offboarding hook: the leaver's open tasks and
// the meetings they organize that are still to come pass to their manager.
// Register with org.Service.OnDeactivate at wiring time.
func (s *Service) OnUserDeactivated(ctx context.Context, tx *gorm.DB, u org.User, manager *org.User) error {
	if manager == nil {
		return nil
	}
	now := s.clock.Now()
	var tasks []Task
	if err := tx.Where("owner_id = ? AND status = ?", u.ID, TaskOpen).Find(&tasks).Error; err != nil {
		return fmt.Errorf("meeting: offboard tasks: %w", err)
	}
	for _, t := range tasks {
		if err := tx.Model(&Task{}).Where("id = ?", t.ID).Updates(map[string]any{"owner_id": manager.ID,
			"version": gorm.Expr("version + 1"), "updated_at": now}).Error; err != nil {
			return fmt.Errorf("meeting: hand over task: %w", err)
		}
		if err := notify.Emit(tx, &notify.Event{Type: event.TaskAssigned, SubjectType: "task", SubjectID: t.ID, ActorID: "system",
			Recipients: []string{manager.ID}, Data: event.Data(event.Task{Title: t.Title, Link: "/tasks", Due: t.DueDate,
				MeetingID: t.MeetingID, FromUser: u.Name})}); err != nil {
			return err
		}
	}
	var ms []Meeting
	if err := tx.Where("organizer_id = ? AND status = ? AND (span_end IS NULL OR span_end > ?)", u.ID, StatusActive, now).
		Find(&ms).Error; err != nil {
		return fmt.Errorf("meeting: offboard meetings: %w", err)
	}
	for _, m := range ms {
		if err := tx.Model(&Meeting{}).Where("id = ?", m.ID).Updates(map[string]any{"organizer_id": manager.ID,
			"version": gorm.Expr("version + 1"), "updated_at": now}).Error; err != nil {
			return fmt.Errorf("meeting: hand over meeting: %w", err)
		}
		if err := tx.Where("meeting_id = ? AND user_id = ?", m.ID, manager.ID).Delete(&Attendee{}).Error; err != nil {
			return fmt.Errorf("meeting: hand over meeting: %w", err)
		}
		if err := notify.Emit(tx, &notify.Event{Type: event.MeetingChanged, SubjectType: "meeting", SubjectID: m.ID, ActorID: "system",
			Recipients: []string{manager.ID}, Data: s.eventData(tx, &m, event.Meeting{OrganizerHandoverFrom: u.Name})}); err != nil {
			return err
		}
	}
	return nil
}
