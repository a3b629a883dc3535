package approval

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"tack/backend/event"
	"tack/backend/org"
	"tack/backend/store"
)

// Job runs the SLA check every interval.
type Job struct {
	S        *Service
	Interval time.Duration
}

// Serve runs until ctx ends. With PostgreSQL only the replica holding the
// advisory lock works; the others keep trying.
func (j Job) Serve(ctx context.Context) error {
	iv := j.Interval
	if iv == 0 {
		iv = time.Minute
	}
	return store.Every(ctx, iv, "approval: sla job", func(ctx context.Context) error {
		_, err := j.S.RunSLA(ctx)
		return err
	})
}

// RunSLA does one SLA pass under the advisory lock (PostgreSQL): a pending
// task past its due time is flagged overdue, its approver reminded and the
// applicant told; one more SLA period later it is escalated: the approver is
// reminded again and their manager told. It returns how many tasks moved.
func (s *Service) RunSLA(ctx context.Context) (int, error) {
	moved := 0
	_, err := store.WithJobLock(ctx, s.db, "approval.sla", func(db *gorm.DB) error {
		now := s.clock.Now()
		var tasks []Task
		if err := db.Where("kind = ? AND status = ? AND ((sla_stage = 0 AND due_at <= ?) OR (sla_stage = 1 AND escalate_at <= ?))",
			KindApprove, TaskPending, now, now).Order("id").Limit(500).Find(&tasks).Error; err != nil {
			return fmt.Errorf("approval: sla scan: %w", err)
		}
		for _, t := range tasks {
			var mgr string
			if t.SLAStage == 1 {
				if chain, err := s.org.ManagerChain(ctx, t.AssigneeID, 1); err == nil && len(chain) > 0 {
					mgr = chain[0].ID
				}
			}
			if err := store.WriteTx(ctx, s.db, func(tx *gorm.DB) error { return s.slaStep(tx, t, mgr, now) }); err != nil {
				return err
			}
			moved++
		}
		return nil
	})
	return moved, err
}

func (s *Service) slaStep(tx *gorm.DB, t Task, manager string, now time.Time) error {
	var inst Instance
	if err := tx.First(&inst, "id = ?", t.InstanceID).Error; err != nil {
		return fmt.Errorf("approval: sla instance: %w", err)
	}
	hours, err := s.slaHours(tx, inst.TemplateID)
	if err != nil {
		return err
	}
	cal, err := s.cal.Load(tx)
	if err != nil {
		return err
	}
	upd := map[string]any{"sla_stage": t.SLAStage + 1, "overdue": true, "version": t.Version + 1}
	if t.SLAStage == 0 {
		upd["escalate_at"] = cal.AddWorkingHours(now, hours)
	}
	res := tx.Model(&Task{}).Where("id = ? AND version = ? AND status = ?", t.ID, t.Version, TaskPending).Updates(upd)
	if res.Error != nil {
		return fmt.Errorf("approval: sla update: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return nil // acted on meanwhile
	}
	data := event.Approval{By: "sla", TaskID: t.ID, Stage: t.SLAStage + 1}
	if err := s.emit(tx, &inst, event.ApprovalReminder, org.System.UserID, []string{t.AssigneeID}, data); err != nil {
		return err
	}
	if t.SLAStage == 0 {
		if err := s.emit(tx, &inst, event.ApprovalOverdue, org.System.UserID, []string{t.AssigneeID, inst.ApplicantID}, event.Approval{TaskID: t.ID, ApproverID: t.AssigneeID}); err != nil {
			return err
		}
		return s.timeline(tx, &inst, org.System.UserID, "overdue", t.NodeIndex, "", map[string]any{"user_id": t.AssigneeID})
	}
	if manager != "" && manager != t.AssigneeID {
		if err := s.emit(tx, &inst, event.ApprovalOverdue, org.System.UserID, []string{manager}, event.Approval{TaskID: t.ID, ApproverID: t.AssigneeID, Escalated: true}); err != nil {
			return err
		}
	}
	return s.timeline(tx, &inst, org.System.UserID, "escalated_overdue", t.NodeIndex, "", map[string]any{"user_id": t.AssigneeID, "to": manager})
}
