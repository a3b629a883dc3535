package meeting

import (
	"context"
	"fmt"
	"io"
	"time"

	"tack/backend/org"
)

// LoadDemo adds demo rooms and a week of meetings for the demo company (org
// demo accounts, looked up by e-mail). It does nothing when rooms exist or
// the demo people are missing.
func (s *Service) LoadDemo(ctx context.Context, out io.Writer) error {
	var n int64
	if err := s.db.WithContext(ctx).Model(&Room{}).Count(&n).Error; err != nil {
		return fmt.Errorf("meeting: demo: %w", err)
	}
	if n > 0 {
		return nil
	}
	var people []org.User
	if err := s.db.WithContext(ctx).Where("email LIKE ?", "%@demo.tack").Find(&people).Error; err != nil {
		return fmt.Errorf("meeting: demo people: %w", err)
	}
	by := map[string]string{}
	for _, u := range people {
		by[u.Email] = u.ID
	}
	admin, err := s.org.ActorFor(ctx, by["admin@demo.tack"])
	if err != nil {
		return nil // no demo company
	}
	rooms := []RoomInput{
		{Name: "松 · 大会议室", Capacity: 20, Location: "3F 东", Equipment: []string{"投影仪", "视频会议", "白板"}},
		{Name: "竹 · 中会议室", Capacity: 10, Location: "3F 西", Equipment: []string{"电视", "白板"}},
		{Name: "梅 · 小会议室", Capacity: 6, Location: "2F", Equipment: []string{"白板"}},
		{Name: "兰 · 洽谈室", Capacity: 4, Location: "1F 前台旁", Equipment: []string{}},
	}
	ids := make([]string, len(rooms))
	for i, r := range rooms {
		room, err := s.CreateRoom(ctx, admin, r)
		if err != nil {
			return err
		}
		ids[i] = room.ID
	}
	loc, _ := time.LoadLocation(DefaultTimeZone)
	now := s.clock.Now().In(loc)
	monday := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	for monday.Weekday() != time.Monday {
		monday = monday.AddDate(0, 0, -1)
	}
	at := func(day, hour, min int) string {
		t := monday.AddDate(0, 0, day).Add(time.Duration(hour)*time.Hour + time.Duration(min)*time.Minute)
		if t.Before(now) {
			t = t.AddDate(0, 0, 7)
		}
		return t.Format(time.RFC3339)
	}
	type demoMeeting struct {
		organizer string
		in        MeetingInput
	}
	rd := []string{by["wuhao@demo.tack"], by["machao@demo.tack"], by["xuting@demo.tack"], by["zhulin@demo.tack"], by["guofang@demo.tack"]}
	list := []demoMeeting{
		{"zhoujie@demo.tack", MeetingInput{Title: "研发部周例会", Start: at(0, 10, 0), End: at(0, 11, 0), RoomID: ids[1], RRule: "FREQ=WEEKLY;BYDAY=MO",
			AttendeeIDs: rd, MinuteTakerID: by["guofang@demo.tack"], Agenda: "1. 上周进度\n2. 本周计划\n3. 风险"}},
		{"wangjianguo@demo.tack", MeetingInput{Title: "经营分析会", Start: at(2, 14, 0), End: at(2, 16, 0), RoomID: ids[0],
			AttendeeIDs:   []string{by["zhangwei@demo.tack"], by["lintao@demo.tack"], by["zhoujie@demo.tack"], by["chenjing@demo.tack"], by["lixiuying@demo.tack"]},
			MinuteTakerID: by["lixiuying@demo.tack"], Agenda: "月度经营数据与下月目标"}},
		{"lintao@demo.tack", MeetingInput{Title: "新品发布会筹备", Start: at(3, 10, 30), End: at(3, 11, 30), RoomID: ids[2],
			AttendeeIDs: []string{by["hexue@demo.tack"], by["gaofeng@demo.tack"], by["luojia@demo.tack"]}, MinuteTakerID: by["hexue@demo.tack"]}},
		{"chenjing@demo.tack", MeetingInput{Title: "新员工入职面谈", Start: at(1, 15, 0), End: at(1, 15, 30), RoomID: ids[3],
			AttendeeIDs: []string{by["liuyang@demo.tack"]}, OnlineURL: "https://meet.example.com/hr"}},
	}
	made := 0
	for _, d := range list {
		a, err := s.org.ActorFor(ctx, by[d.organizer])
		if err != nil {
			continue
		}
		d.in.TimeZone = DefaultTimeZone
		if _, err := s.Create(ctx, a, d.in); err != nil {
			fmt.Fprintf(out, "demo: meeting %q not booked: %v\n", d.in.Title, err)
			continue
		}
		made++
	}
	fmt.Fprintf(out, "demo: %d meeting rooms and %d meetings this week\n", len(rooms), made)
	return nil
}
