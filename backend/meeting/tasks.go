package meeting

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"tack/backend/apperr"
	"tack/backend/identity"
	"tack/backend/store"
)

// TaskFilter selects tasks: Mine lists only the actor's own; otherwise also
// the tasks the actor handed out. Status "" means any.
type TaskFilter struct {
	Status string
	Mine   bool
	Limit  int
	Cursor string // keyset: tasks with a larger ID
}

// TaskPatch changes a task; nil fields stay.
type TaskPatch struct {
	Title   *string `json:"title"`
	Due     *string `json:"due"`
	Status  *string `json:"status"`
	Version int     `json:"version"`
}

// dueAt is the end of the due day in loc (a task due 2026-01-09 is overdue
// from 2026-01-10 00:00 local).
func dueAt(due string, loc *time.Location) (*time.Time, bool) {
	if due == "" {
		return nil, true
	}
	d, err := time.ParseInLocation("2006-01-02", due, loc)
	if err != nil {
		return nil, false
	}
	t := d.AddDate(0, 0, 1).UTC()
	return &t, true
}

func (s *Service) markOverdue(ts []Task) {
	now := s.clock.Now()
	for i := range ts {
		ts[i].Overdue = ts[i].Status == TaskOpen && ts[i].DueAt != nil && ts[i].DueAt.Before(now)
	}
}

// Tasks lists tasks, ordered by ID (creation).
func (s *Service) Tasks(ctx context.Context, actor identity.Actor, f TaskFilter) ([]Task, string, error) {
	if f.Status != "" && f.Status != TaskOpen && f.Status != TaskDone {
		return nil, "", apperr.Invalid("meeting.invalid_task", "status is open or done").WithField("status", "invalid")
	}
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	q := s.db.WithContext(ctx).Model(&Task{})
	if f.Mine {
		q = q.Where("owner_id = ?", actor.UserID)
	} else {
		q = q.Where("owner_id = ? OR created_by = ?", actor.UserID, actor.UserID)
	}
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	if f.Cursor != "" {
		q = q.Where("id > ?", f.Cursor)
	}
	var ts []Task
	if err := q.Order("id").Limit(f.Limit + 1).Find(&ts).Error; err != nil {
		return nil, "", fmt.Errorf("meeting: list tasks: %w", err)
	}
	next := ""
	if len(ts) > f.Limit {
		ts = ts[:f.Limit]
		next = ts[len(ts)-1].ID
	}
	s.markOverdue(ts)
	return ts, next, nil
}

// UpdateTask changes a task's title, due date or status (owner, creator or admin).
func (s *Service) UpdateTask(ctx context.Context, actor identity.Actor, id string, p TaskPatch) (Task, error) {
	var out Task
	err := store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
		var t Task
		if err := tx.First(&t, "id = ?", id).Error; err != nil {
			if store.IsNotFound(err) {
				return ErrTaskNotFound
			}
			return fmt.Errorf("meeting: load task: %w", err)
		}
		if t.OwnerID != actor.UserID && t.CreatedBy != actor.UserID && !actor.IsAdmin() {
			return ErrTaskNotFound
		}
		var v apperr.Validator
		upd := map[string]any{}
		now := s.clock.Now()
		if p.Title != nil {
			title := strings.TrimSpace(*p.Title)
			v.Check(title != "", "title", "required")
			v.Check(len([]rune(title)) <= 500, "title", "too_long")
			v.Check(apperr.SingleLine(title), "title", apperr.ControlCharacter)
			upd["title"], t.Title = title, title
		}
		if p.Due != nil {
			loc := time.UTC
			if t.DueAt != nil || t.MeetingID != "" {
				var m Meeting
				if tx.Select("time_zone").First(&m, "id = ?", t.MeetingID).Error == nil {
					loc = m.location()
				}
			}
			at, ok := dueAt(*p.Due, loc)
			v.Check(ok, "due", "invalid")
			upd["due_date"], upd["due_at"], upd["overdue_notified"] = *p.Due, at, false
			t.DueDate, t.DueAt = *p.Due, at
		}
		if p.Status != nil {
			v.Check(*p.Status == TaskOpen || *p.Status == TaskDone, "status", "invalid")
			if *p.Status == TaskDone && t.Status != TaskDone {
				upd["done_at"], t.DoneAt = now, &now
			} else if *p.Status == TaskOpen {
				upd["done_at"], t.DoneAt = nil, nil
			}
			upd["status"], t.Status = *p.Status, *p.Status
		}
		if err := v.Err("meeting.invalid_task", "the task change is not valid"); err != nil {
			return err
		}
		if p.Version != t.Version {
			return ErrTaskStale
		}
		upd["version"], upd["updated_at"] = t.Version+1, now
		res := tx.Model(&Task{}).Where("id = ? AND version = ?", id, p.Version).Updates(upd)
		if res.Error != nil {
			return fmt.Errorf("meeting: update task: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return ErrTaskStale
		}
		t.Version++
		t.UpdatedAt = now
		out = t
		return nil
	})
	if err == nil {
		ts := []Task{out}
		s.markOverdue(ts)
		out = ts[0]
	}
	return out, err
}
