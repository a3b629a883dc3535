package notify

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"gorm.io/gorm"

	"tack/backend/store"
)

// escalateTypes are the notifications that must be read: unread after 2 h
// (created inside working hours) or 12 h (outside) they are DINGed once.
var escalateTypes = []string{"approval.task_assigned", "announcement.published"}

const escalationLockName = "notify.escalation"

// EscalationJob runs the DING escalation policy every Interval.
type EscalationJob struct {
	S        *Service
	Interval time.Duration
}

// Serve runs until ctx ends.
func (j EscalationJob) Serve(ctx context.Context) error {
	iv := j.Interval
	if iv <= 0 {
		iv = time.Minute
	}
	t := time.NewTicker(iv)
	defer t.Stop()
	for {
		if _, err := j.S.Escalate(ctx); err != nil && ctx.Err() == nil {
			slog.Error("notify: escalation", "err", err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

// EscalationDelay is how long a must-read notification created at t may stay
// unread: 2 h when created in working hours, 12 h outside.
func (s *Service) EscalationDelay(t time.Time) time.Duration {
	if s.cfg.WorkHours(t) {
		return 2 * time.Hour
	}
	return 12 * time.Hour
}

// Escalate DINGs, once each, the must-read notifications left unread past
// their delay and returns how many it DINGed. On PostgreSQL one replica works
// at a time (advisory lock); the escalated_at marker makes it exactly-once.
func (s *Service) Escalate(ctx context.Context) (int, error) {
	n := 0
	_, err := store.WithJobLock(ctx, s.db, escalationLockName, func(db *gorm.DB) error {
		now := s.clk.Now()
		after := ""
		for {
			var due []Notification
			// 2 h is the shortest delay: anything younger cannot be due.
			if err := db.Where("id > ? AND read_at IS NULL AND escalated_at IS NULL AND type IN ? AND created_at <= ?",
				after, escalateTypes, now.Add(-2*time.Hour)).Order("id").Limit(500).Find(&due).Error; err != nil {
				return fmt.Errorf("notify: escalation scan: %w", err)
			}
			ids := make([]string, len(due))
			for i, nt := range due {
				ids[i] = nt.UserID
			}
			people, err := s.dir.People(ctx, ids)
			if err != nil {
				return err
			}
			for _, nt := range due {
				if now.Sub(nt.CreatedAt) < s.EscalationDelay(nt.CreatedAt) {
					continue
				}
				if !people[nt.UserID].Active { // left the company: never DING, stop scanning it
					if err := db.Model(&Notification{}).Where("id = ?", nt.ID).Update("escalated_at", now).Error; err != nil {
						return fmt.Errorf("notify: escalation skip: %w", err)
					}
					continue
				}
				err := db.Transaction(func(tx *gorm.DB) error {
					res := tx.Model(&Notification{}).Where("id = ? AND escalated_at IS NULL AND read_at IS NULL", nt.ID).Update("escalated_at", now)
					if res.Error != nil || res.RowsAffected == 0 {
						return res.Error
					}
					d := Ding{ID: store.NewID(), SenderID: "system", SenderName: "Tack", Auto: true,
						Message: "Unread: " + nt.Title, SubjectType: "notification", SubjectID: nt.ID, CreatedAt: now}
					n++
					return s.createDing(tx, &d, []string{nt.UserID})
				})
				if err != nil {
					return fmt.Errorf("notify: escalate %s: %w", nt.ID, err)
				}
			}
			if len(due) < 500 {
				break
			}
			after = due[len(due)-1].ID
		}
		return nil
	})
	return n, err
}
