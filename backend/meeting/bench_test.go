package meeting_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"gorm.io/gorm"

	"tack/backend/clock"
	"tack/backend/identity"
	"tack/backend/meeting"
	"tack/backend/org"
	"tack/backend/server"
	"tack/backend/store"
	"tack/backend/store/storetest"
)

// seedOrg fills db with a 5,000-person company: 40 rooms, ~7,000 single
// meetings over four weeks (3–8 people, 30–120 minutes, working hours) and
// 400 weekly series (4–10 people), so each person has a realistic 5–10
// meetings a week.
func seedOrg(b *testing.B, db *gorm.DB, start time.Time) ([]string, []string) {
	b.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	now := start
	root := org.Department{ID: store.NewID(), Name: "Co", Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := db.Create(&root).Error; err != nil {
		b.Fatal(err)
	}
	users := make([]org.User, 5000)
	ids := make([]string, len(users))
	for i := range users {
		users[i] = org.User{ID: store.NewID(), Email: fmt.Sprintf("u%d@x", i), Name: fmt.Sprint("U", i), DepartmentID: root.ID,
			Active: true, Version: 1, CreatedAt: now, UpdatedAt: now}
		ids[i] = users[i].ID
	}
	if err := db.CreateInBatches(users, 500).Error; err != nil {
		b.Fatal(err)
	}
	rooms := make([]meeting.Room, 40)
	roomIDs := make([]string, len(rooms))
	for i := range rooms {
		rooms[i] = meeting.Room{ID: store.NewID(), Name: fmt.Sprint("R", i), Capacity: []int{4, 6, 8, 12, 20, 40}[i%6],
			Equipment: []string{}, Active: true, Version: 1, CreatedAt: now, UpdatedAt: now}
		roomIDs[i] = rooms[i].ID
	}
	if err := db.Create(&rooms).Error; err != nil {
		b.Fatal(err)
	}
	loc, _ := time.LoadLocation("Asia/Shanghai")
	var ms []meeting.Meeting
	var ats []meeting.Attendee
	add := func(s time.Time, dur time.Duration, rule string, n int) {
		m := meeting.Meeting{ID: store.NewID(), Title: "m", OrganizerID: ids[rng.IntN(len(ids))], TimeZone: "Asia/Shanghai",
			StartAt: s.UTC(), EndAt: s.Add(dur).UTC(), RRule: rule, SpanStart: s.UTC(), ReminderMinutes: 10,
			Status: meeting.StatusActive, Version: 1, Attachments: []string{}, CreatedAt: now, UpdatedAt: now}
		if rule == "" {
			e := m.EndAt
			m.SpanEnd = &e
		}
		if rng.IntN(2) == 0 {
			m.RoomID = roomIDs[rng.IntN(len(roomIDs))]
		}
		ms = append(ms, m)
		seen := map[string]bool{m.OrganizerID: true}
		for len(seen) < n {
			u := ids[rng.IntN(len(ids))]
			if !seen[u] {
				seen[u] = true
				ats = append(ats, meeting.Attendee{MeetingID: m.ID, UserID: u, Response: meeting.ResponseAccepted})
			}
		}
	}
	day0 := time.Date(start.In(loc).Year(), start.In(loc).Month(), start.In(loc).Day(), 0, 0, 0, 0, loc)
	for i := 0; i < 7000; i++ {
		d := day0.AddDate(0, 0, rng.IntN(28))
		if d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
			continue
		}
		s := d.Add(9*time.Hour + time.Duration(rng.IntN(16))*30*time.Minute)
		add(s, time.Duration(1+rng.IntN(4))*30*time.Minute, "", 3+rng.IntN(6))
	}
	for i := 0; i < 400; i++ {
		s := day0.AddDate(0, 0, -rng.IntN(60)).Add(9*time.Hour + time.Duration(rng.IntN(16))*30*time.Minute)
		add(s, time.Hour, "FREQ=WEEKLY", 4+rng.IntN(7))
	}
	if err := db.Omit("Attendees", "Exceptions").CreateInBatches(ms, 500).Error; err != nil {
		b.Fatal(err)
	}
	if err := db.CreateInBatches(ats, 1000).Error; err != nil {
		b.Fatal(err)
	}
	return ids, roomIDs
}

// BenchmarkFindTime: 30 attendees, two weeks, 5,000-user org.
// Run: go test -run '^$' -bench FindTime -benchtime 20x ./backend/meeting/
func BenchmarkFindTime(b *testing.B) {
	for _, kind := range []string{"sqlite", "postgres"} {
		b.Run(kind, func(b *testing.B) {
			var db *gorm.DB
			if kind == "sqlite" {
				db = storetest.SQLite(b, server.Migrations())
			} else {
				db = storetest.Postgres(b, server.Migrations())
			}
			start := time.Date(2026, 1, 5, 1, 0, 0, 0, time.UTC)
			ids, _ := seedOrg(b, db, start)
			clk := clock.NewFake(start)
			svc := meeting.NewService(db, clk, org.NewService(db, clk), meeting.Deps{})
			rng := rand.New(rand.NewPCG(3, 4))
			ctx := context.Background()
			b.ResetTimer()
			found := 0
			for i := 0; i < b.N; i++ {
				att := make([]string, 30)
				for j := range att {
					att[j] = ids[rng.IntN(len(ids))]
				}
				actor := identity.Actor{UserID: att[0]}
				sug, err := svc.FindTime(ctx, actor, meeting.FindTimeInput{AttendeeIDs: att[1:], DurationMinutes: 60,
					From: start, To: start.Add(14 * 24 * time.Hour), MinCapacity: 20, TimeZone: "Asia/Shanghai"})
				if err != nil {
					b.Fatal(err)
				}
				found += len(sug)
			}
			b.ReportMetric(float64(found)/float64(b.N), "suggestions/op")
		})
	}
}
