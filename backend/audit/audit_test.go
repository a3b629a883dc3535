package audit_test

import (
	"context"
	"testing"

	"gorm.io/gorm"

	"tack/backend/audit"
	"tack/backend/store/storetest"
)

func TestRecordAndListNewestFirst(t *testing.T) {
	t.Parallel()
	storetest.Each(t, audit.Migrations(), func(t *testing.T, db *gorm.DB) {
		for _, a := range []string{"user.create", "user.deactivate", "dept.create"} {
			if err := audit.Record(db, audit.Entry{ActorID: "admin", Action: a, TargetID: "x"}); err != nil {
				t.Fatal(err)
			}
		}
		got, err := audit.List(context.Background(), db, audit.Filter{Limit: 2})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].Action != "dept.create" || got[1].Action != "user.deactivate" {
			t.Fatalf("page 1 = %+v", got)
		}
		rest, _ := audit.List(context.Background(), db, audit.Filter{Before: got[1].ID})
		if len(rest) != 1 || rest[0].Action != "user.create" {
			t.Fatalf("page 2 = %+v", rest)
		}
	})
}
