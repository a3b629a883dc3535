package meeting

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"tack/backend/event"
	"tack/backend/notify"
	"tack/backend/store"
)

// jobLockName is the PostgreSQL advisory lock that makes one replica run the job.
const jobLockName = "meeting.reminders"

// maxReminderLead is the longest reminder a meeting may ask for.
const maxReminderLead = 7 * 24 * time.Hour

// Job runs reminders and overdue-task checks every Interval.
type Job struct {
	S        *Service
	Interval time.Duration
}

// Serve runs the job until ctx ends.
func (j Job) Serve(ctx context.Context) error {
	iv := j.Interval
	if iv <= 0 {
		iv = 30 * time.Second
	}
	return store.Every(ctx, iv, "meeting: job", func(ctx context.Context) error {
		_, err := j.S.RunJobOnce(ctx)
		return err
	})
}

// JobStats says what one run did.
type JobStats struct {
	Reminders int
	Overdue   int
	Skipped   bool // another replica holds the lock
}

// RunJobOnce sends due reminders (meeting.reminder, once per occurrence,
// ReminderMinutes before its start) and flags newly overdue tasks
// (task.overdue, once per task). On PostgreSQL only the replica holding the
// advisory lock works; the sent-markers make each reminder exactly-once.
func (s *Service) RunJobOnce(ctx context.Context) (JobStats, error) {
	var st JobStats
	err := store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
		ok, err := store.TryXactLock(tx, jobLockName)
		if err != nil {
			return err
		}
		if !ok {
			st.Skipped = true
			return nil
		}
		n, err := s.sendReminders(tx)
		if err != nil {
			return err
		}
		st.Reminders = n
		st.Overdue, err = s.flagOverdue(tx)
		return err
	})
	return st, err
}

func (s *Service) sendReminders(tx *gorm.DB) (int, error) {
	now := s.clock.Now()
	var ms []Meeting
	if err := tx.Where("status = ? AND reminder_minutes > 0 AND span_start <= ? AND (span_end IS NULL OR span_end > ?)",
		StatusActive, now.Add(maxReminderLead), now).Find(&ms).Error; err != nil {
		return 0, fmt.Errorf("meeting: reminder scan: %w", err)
	}
	if err := s.fill(tx, ms); err != nil {
		return 0, err
	}
	sent := 0
	for i := range ms {
		m := &ms[i]
		lead := time.Duration(m.ReminderMinutes) * time.Minute
		for _, o := range m.Occurrences(now, now.Add(lead+time.Minute)) {
			if !o.Start.After(now) || o.Start.Add(-lead).After(now) {
				continue
			}
			res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&reminderSent{MeetingID: m.ID, OccurrenceStart: o.OriginalStart, SentAt: now})
			if res.Error != nil {
				return sent, fmt.Errorf("meeting: reminder marker: %w", res.Error)
			}
			if res.RowsAffected == 0 {
				continue // already sent
			}
			err := notify.Emit(tx, &notify.Event{Type: event.MeetingReminder, SubjectType: "meeting", SubjectID: m.ID,
				ActorID: "system", Recipients: m.people(), Data: s.eventData(tx, m, event.Meeting{
					OccurrenceStart: o.Start.Format(time.RFC3339), OccurrenceEnd: o.End.Format(time.RFC3339), Link: occurrenceLink(m, o.OriginalStart),
					MinutesBefore: m.ReminderMinutes})})
			if err != nil {
				return sent, err
			}
			sent++
		}
	}
	return sent, nil
}

func (s *Service) flagOverdue(tx *gorm.DB) (int, error) {
	now := s.clock.Now()
	var ts []Task
	if err := tx.Where("status = ? AND overdue_notified = ? AND due_at < ?", TaskOpen, false, now).Find(&ts).Error; err != nil {
		return 0, fmt.Errorf("meeting: overdue scan: %w", err)
	}
	n := 0
	for _, t := range ts {
		res := tx.Model(&Task{}).Where("id = ? AND overdue_notified = ?", t.ID, false).Update("overdue_notified", true)
		if res.Error != nil {
			return n, fmt.Errorf("meeting: flag overdue: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			continue
		}
		rcpt := []string{t.OwnerID}
		if t.CreatedBy != "" && t.CreatedBy != t.OwnerID {
			rcpt = append(rcpt, t.CreatedBy)
		}
		if err := notify.Emit(tx, &notify.Event{Type: event.TaskOverdue, SubjectType: "task", SubjectID: t.ID, ActorID: "system",
			Recipients: rcpt, Data: event.Data(event.Task{Title: t.Title, Link: "/tasks", Due: t.DueDate, MeetingID: t.MeetingID})}); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
