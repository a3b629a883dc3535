// Package audit keeps the append-only log of administrative actions: who did
// what to which record, when. Entries are written in the same transaction as
// the action, so the log never claims an action that did not happen.
package audit

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"tack/backend/store"
)

// Entry is one audited action.
type Entry struct {
	ID         string         `gorm:"primaryKey" json:"id"`
	ActorID    string         `json:"actor_id"`
	Action     string         `json:"action"` // e.g. "user.deactivate"
	TargetType string         `json:"target_type"`
	TargetID   string         `json:"target_id"`
	Detail     map[string]any `gorm:"serializer:json" json:"detail"`
	CreatedAt  time.Time      `json:"created_at"`
}

// TableName keeps the table name stable.
func (Entry) TableName() string { return "audit_log" }

// Record appends e inside tx. ID and CreatedAt are filled when empty.
func Record(tx *gorm.DB, e Entry) error {
	if e.ID == "" {
		e.ID = store.NewID()
	}
	if e.Detail == nil {
		e.Detail = map[string]any{}
	}
	if err := tx.Create(&e).Error; err != nil {
		return fmt.Errorf("audit: record %s: %w", e.Action, err)
	}
	return nil
}

// Filter narrows List. Before is a keyset cursor: entries with a smaller ID.
type Filter struct {
	ActorID  string
	TargetID string
	Action   string
	Before   string
	Limit    int
}

// List returns entries newest first. Callers check that the viewer may read
// the audit log (admins only); this package has no notion of people.
func List(ctx context.Context, db *gorm.DB, f Filter) ([]Entry, error) {
	q := db.WithContext(ctx).Model(&Entry{})
	if f.ActorID != "" {
		q = q.Where("actor_id = ?", f.ActorID)
	}
	if f.TargetID != "" {
		q = q.Where("target_id = ?", f.TargetID)
	}
	if f.Action != "" {
		q = q.Where("action = ?", f.Action)
	}
	if f.Before != "" {
		q = q.Where("id < ?", f.Before)
	}
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	var out []Entry
	if err := q.Order("id DESC").Limit(f.Limit).Find(&out).Error; err != nil {
		return nil, fmt.Errorf("audit: list: %w", err)
	}
	return out, nil
}

// Migrations returns this package's schema steps in order.
func Migrations() []store.Migration {
	return []store.Migration{
		{ID: "audit-0001-log", SQL: `
CREATE TABLE audit_log (
	id TEXT PRIMARY KEY,
	actor_id TEXT NOT NULL DEFAULT '',
	action TEXT NOT NULL,
	target_type TEXT NOT NULL DEFAULT '',
	target_id TEXT NOT NULL DEFAULT '',
	detail TEXT NOT NULL DEFAULT '{}',
	created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX audit_log_target ON audit_log (target_id)`},
	}
}
