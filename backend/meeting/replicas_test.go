package meeting_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"tack/backend/clock"
	"tack/backend/identity"
	"tack/backend/meeting"
	"tack/backend/notify"
	"tack/backend/org"
	"tack/backend/server"
	"tack/backend/store"
	"tack/backend/store/storetest"
)

// Two replicas (two services, two pools, one database) run the reminder job
// at the same moment: each reminder goes out once.
func TestRemindersOnceAcrossReplicas(t *testing.T) {
	t.Parallel()
	storetest.Each(t, server.Migrations(), func(t *testing.T, db *gorm.DB) {
		start := time.Date(2026, 1, 5, 1, 0, 0, 0, time.UTC)
		clk := clock.NewFake(start)
		now := start
		dept := org.Department{ID: store.NewID(), Name: "Co", Version: 1, CreatedAt: now, UpdatedAt: now}
		u := org.User{ID: store.NewID(), Email: "a@x", Name: "A", DepartmentID: dept.ID, Active: true, Version: 1, CreatedAt: now, UpdatedAt: now}
		if err := db.Create(&dept).Error; err != nil {
			t.Fatal(err)
		}
		if err := db.Create(&u).Error; err != nil {
			t.Fatal(err)
		}
		a := identity.Actor{UserID: u.ID, Name: "A", DepartmentID: dept.ID}
		svc1 := meeting.NewService(db, clk, org.NewService(db, clk), meeting.Deps{})
		// The second replica has its own connection pool.
		db2, err := gorm.Open(db.Dialector, &gorm.Config{})
		if err != nil {
			t.Fatal(err)
		}
		svc2 := meeting.NewService(db2, clk, org.NewService(db2, clk), meeting.Deps{})
		for i := 0; i < 5; i++ {
			if _, err := svc1.Create(context.Background(), a, meeting.MeetingInput{Title: "m", TimeZone: "UTC", Place: "x",
				Start: start.Add(time.Duration(i)*time.Minute + 5*time.Minute).Format(time.RFC3339),
				End:   start.Add(time.Duration(i)*time.Minute + 35*time.Minute).Format(time.RFC3339)}); err != nil {
				t.Fatal(err)
			}
		}
		var wg sync.WaitGroup
		for round := 0; round < 3; round++ {
			for _, s := range []*meeting.Service{svc1, svc2, svc1, svc2} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if _, err := s.RunJobOnce(context.Background()); err != nil {
						t.Error(err)
					}
				}()
			}
			wg.Wait()
		}
		var n int64
		db.Model(&notify.Event{}).Where("type = ?", "meeting.reminder").Count(&n)
		if n != 5 {
			t.Fatalf("%d reminders, want 5", n)
		}
	})
}
