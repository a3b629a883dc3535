package notify

import (
	"fmt"
	"time"

	"gorm.io/gorm"

	"tack/backend/event"
)

// Event is a state change another user must see. ID is a database sequence so
// SSE clients can resume with Last-Event-ID.
type Event struct {
	ID          int64          `gorm:"primaryKey" json:"id"`
	Type        string         `json:"type"`         // a constant of backend/event, e.g. event.ApprovalTaskAssigned
	SubjectType string         `json:"subject_type"` // e.g. "approval"
	SubjectID   string         `json:"subject_id"`
	ActorID     string         `json:"actor_id"`
	Recipients  []string       `gorm:"serializer:json" json:"recipients"` // user IDs who should hear of it
	Data        map[string]any `gorm:"serializer:json" json:"data"`
	CreatedAt   time.Time      `json:"created_at"`
	// Dispatched: on PostgreSQL, the replica that writes notifications
	// has written this event's; every replica publishes it live only then.
	// Unused on SQLite, where one pass does both.
	Dispatched bool `json:"-"`
}

// TableName keeps the table name stable whatever gorm's naming rules.
func (Event) TableName() string { return "events" }

// Emit appends ev to the outbox inside tx. Call it in the transaction that
// makes the change, so a rolled-back change emits nothing.
func Emit(tx *gorm.DB, ev *Event) error {
	if ev.Type == "" {
		return fmt.Errorf("notify: emit: empty event type")
	}
	if _, ok := event.Payloads[ev.Type]; !ok { // clients would not know it: declare it first
		return fmt.Errorf("notify: emit: event type %q is not declared in backend/event", ev.Type)
	}
	if ev.Recipients == nil {
		ev.Recipients = []string{}
	}
	if ev.Data == nil {
		ev.Data = map[string]any{}
	}
	if err := tx.Create(ev).Error; err != nil {
		return fmt.Errorf("notify: emit %s: %w", ev.Type, err)
	}
	return nil
}

// EmitAll appends evs to the outbox in one statement, in order, inside tx:
// Emit for a batch of changes written together (chat's group commit).
func EmitAll(tx *gorm.DB, evs []*Event) error {
	for _, ev := range evs {
		if ev.Type == "" {
			return fmt.Errorf("notify: emit: empty event type")
		}
		if _, ok := event.Payloads[ev.Type]; !ok {
			return fmt.Errorf("notify: emit: event type %q is not declared in backend/event", ev.Type)
		}
		if ev.Recipients == nil {
			ev.Recipients = []string{}
		}
		if ev.Data == nil {
			ev.Data = map[string]any{}
		}
	}
	if len(evs) == 0 {
		return nil
	}
	if err := tx.Create(evs).Error; err != nil {
		return fmt.Errorf("notify: emit %d events: %w", len(evs), err)
	}
	return nil
}
