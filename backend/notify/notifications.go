package notify

import (
	"context"
	"fmt"
	"slices"

	"tack/backend/apperr"
	"tack/backend/identity"
)

// List returns the actor's notifications, newest first (keyset by ID).
func (s *Service) List(ctx context.Context, a identity.Actor, unreadOnly bool, limit int, cursor string) ([]Notification, string, error) {
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	q := s.db.WithContext(ctx).Where("user_id = ?", a.UserID)
	if unreadOnly {
		q = q.Where("read_at IS NULL")
	}
	if cursor != "" {
		q = q.Where("id < ?", cursor)
	}
	var ns []Notification
	if err := q.Order("id DESC").Limit(limit + 1).Find(&ns).Error; err != nil {
		return nil, "", fmt.Errorf("notify: list: %w", err)
	}
	next := ""
	if len(ns) > limit {
		ns = ns[:limit]
		next = ns[limit-1].ID
	}
	return ns, next, nil
}

// UnreadCount counts the actor's unread notifications.
func (s *Service) UnreadCount(ctx context.Context, a identity.Actor) (int64, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&Notification{}).Where("user_id = ? AND read_at IS NULL", a.UserID).Count(&n).Error
	if err != nil {
		return 0, fmt.Errorf("notify: unread count: %w", err)
	}
	return n, nil
}

// MarkRead marks one of the actor's notifications read (idempotent).
func (s *Service) MarkRead(ctx context.Context, a identity.Actor, id string) (Notification, error) {
	var n Notification
	db := s.db.WithContext(ctx)
	if err := db.Where("id = ? AND user_id = ?", id, a.UserID).Take(&n).Error; err != nil {
		return n, apperr.NotFound("notify.not_found", "notification not found").Wrap(err)
	}
	if n.ReadAt == nil {
		now := s.clk.Now()
		if err := db.Model(&Notification{}).Where("id = ? AND read_at IS NULL", id).Update("read_at", now).Error; err != nil {
			return n, fmt.Errorf("notify: mark read: %w", err)
		}
		n.ReadAt = &now
	}
	return n, nil
}

// MarkAllRead marks every unread notification of the actor read.
func (s *Service) MarkAllRead(ctx context.Context, a identity.Actor) (int64, error) {
	res := s.db.WithContext(ctx).Model(&Notification{}).Where("user_id = ? AND read_at IS NULL", a.UserID).Update("read_at", s.clk.Now())
	if res.Error != nil {
		return 0, fmt.Errorf("notify: mark all read: %w", res.Error)
	}
	return res.RowsAffected, nil
}

// markSubjectRead marks the user's notifications about a subject read (an
// opened announcement or acknowledged DING needs no further reminder).
func (s *Service) markSubjectRead(ctx context.Context, userID, subjectType, subjectID string) error {
	return s.db.WithContext(ctx).Model(&Notification{}).
		Where("user_id = ? AND subject_type = ? AND subject_id = ? AND read_at IS NULL", userID, subjectType, subjectID).
		Update("read_at", s.clk.Now()).Error
}

// EventsAfter returns up to limit events after id addressed to userID, in ID
// order: the SSE replay after a reconnect. It looks no further back than the
// newest Config.ReplayWindow events.
func (s *Service) EventsAfter(ctx context.Context, userID string, after int64, limit int) ([]Event, error) {
	newest, err := s.LastEventID(ctx)
	if err != nil {
		return nil, fmt.Errorf("notify: replay: %w", err)
	}
	after = max(after, newest-s.cfg.ReplayWindow)
	var out []Event
	for {
		var evs []Event
		if err := s.db.WithContext(ctx).Where("id > ? AND recipients LIKE ?", after, `%"`+userID+`"%`).Order("id").Limit(500).Find(&evs).Error; err != nil {
			return nil, fmt.Errorf("notify: replay: %w", err)
		}
		for _, ev := range evs {
			if slices.Contains(ev.Recipients, userID) {
				out = append(out, ev)
				if len(out) >= limit {
					return out, nil
				}
			}
		}
		if len(evs) < 500 {
			return out, nil
		}
		after = evs[len(evs)-1].ID
	}
}

// LastEventID is the newest event ID (where a fresh SSE stream starts).
func (s *Service) LastEventID(ctx context.Context) (int64, error) {
	var id int64
	err := s.db.WithContext(ctx).Raw("SELECT COALESCE(MAX(id), 0) FROM events").Scan(&id).Error
	return id, err
}
