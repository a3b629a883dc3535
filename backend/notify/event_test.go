package notify_test

import (
	"errors"
	"testing"

	"gorm.io/gorm"

	"tack/backend/event"
	"tack/backend/notify"
	"tack/backend/store/storetest"
)

func TestEmitIsTransactional(t *testing.T) {
	t.Parallel()
	storetest.Each(t, notify.Migrations(), func(t *testing.T, db *gorm.DB) {
		boom := errors.New("boom")
		err := db.Transaction(func(tx *gorm.DB) error {
			if err := notify.Emit(tx, &notify.Event{Type: event.TaskAssigned}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		ev := &notify.Event{Type: event.TaskOverdue, Recipients: []string{"u1"}, Data: map[string]any{"n": 1}}
		if err := db.Transaction(func(tx *gorm.DB) error { return notify.Emit(tx, ev) }); err != nil {
			t.Fatal(err)
		}
		var got []notify.Event
		db.Order("id").Find(&got)
		if len(got) != 1 || got[0].Type != event.TaskOverdue || got[0].Recipients[0] != "u1" || got[0].ID == 0 {
			t.Fatalf("events = %+v", got)
		}
		if err := notify.Emit(db, &notify.Event{}); err == nil {
			t.Fatal("empty type accepted")
		}
		if err := notify.Emit(db, &notify.Event{Type: "task.undeclared"}); err == nil {
			t.Fatal("a type backend/event does not declare was accepted")
		}
	})
}
