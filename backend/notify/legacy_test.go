package notify

import (
	"reflect"
	"testing"
	"time"

	"gorm.io/gorm"

	"tack/backend/event"
	"tack/backend/store"
	"tack/backend/store/storetest"
)

// TestLegacyDingContent: the sentences DINGs were written in before they
// had fields are read back once, by the migration; a person's look-alike
// message is not.
func TestLegacyDingContent(t *testing.T) {
	scenarios := []struct {
		name string
		d    Ding
		want *event.DingContent
	}{
		{"one unread", Ding{Message: "Unread: 年会通知", Auto: true},
			&event.DingContent{Kind: event.DingUnread, Count: 1, Items: []event.DingItem{{Title: "年会通知"}}}},
		{"several unread", Ding{Message: "Unread (3): 年会通知; 请假审批", Auto: true},
			&event.DingContent{Kind: event.DingUnread, Count: 3, Items: []event.DingItem{{Title: "年会通知"}, {Title: "请假审批"}}}},
		{"announcement reminder", Ding{Message: "Please read: 消防演练", SubjectType: "announcement", SubjectID: "an1"},
			&event.DingContent{Kind: event.DingPleaseRead, Count: 1, Items: []event.DingItem{
				{Type: event.AnnouncementPublished, Title: "消防演练", Link: "/announcements/an1"}}}},
		{"a colleague's Unread", Ding{Message: "Unread: my note"}, nil},
		{"a colleague's Please read about an approval", Ding{Message: "Please read: x", SubjectType: "approval"}, nil},
		{"an automatic DING in other words", Ding{Message: "hello", Auto: true}, nil},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			if got := legacyDingContent(s.d); !reflect.DeepEqual(got, s.want) {
				t.Fatalf("got %+v, want %+v", got, s.want)
			}
		})
	}
}

// TestDingContentMigration: rows written before notify-0008 get their
// content from their sentence; a person's DING keeps none.
func TestDingContentMigration(t *testing.T) {
	all := Migrations()
	i := len(all) - 1
	for all[i].ID != "notify-0008-events-ding-content" {
		i--
	}
	storetest.Each(t, all[:i], func(t *testing.T, db *gorm.DB) {
		now := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
		for id, row := range map[string]map[string]any{
			"d1": {"message": "Unread (2): A; B", "auto": true},
			"d2": {"message": "Please read: N", "subject_type": "announcement", "subject_id": "an1"},
			"d3": {"message": "Unread: mine", "auto": false},
		} {
			row["id"], row["sender_id"], row["created_at"] = id, "s", now
			if err := db.Table("dings").Create(row).Error; err != nil {
				t.Fatal(err)
			}
		}
		if err := store.Migrate(db, all); err != nil {
			t.Fatal(err)
		}
		var ds []Ding
		if err := db.Order("id").Find(&ds).Error; err != nil {
			t.Fatal(err)
		}
		if len(ds) != 3 || ds[0].Content == nil || ds[0].Content.Count != 2 || len(ds[0].Content.Items) != 2 ||
			ds[1].Content == nil || ds[1].Content.Kind != event.DingPleaseRead || ds[1].Content.Items[0].Link != "/announcements/an1" ||
			ds[2].Content != nil {
			t.Fatalf("after migration %+v", ds)
		}
	})
}
