package meeting

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"tack/backend/apperr"
	"tack/backend/event"
	"tack/backend/identity"
	"tack/backend/notify"
	"tack/backend/store"
	"tack/backend/workcal"
)

// MinutesInput saves a draft of the minutes of one occurrence (zero
// OccurrenceStart: the first/only one). Version 0 creates them.
type MinutesInput struct {
	OccurrenceStart time.Time    `json:"occurrence_start"`
	Present         []string     `json:"present"`
	Absent          []string     `json:"absent"`
	Discussion      string       `json:"discussion"`
	Decisions       []string     `json:"decisions"`
	ActionItems     []ActionItem `json:"action_items"`
	Version         int          `json:"version"`
}

func canWriteMinutes(a identity.Actor, m *Meeting) bool {
	return a.UserID == m.MinuteTakerID || a.UserID == m.OrganizerID || a.IsAdmin()
}

func occurrenceKey(m *Meeting, t time.Time) (time.Time, error) {
	if t.IsZero() {
		return m.StartAt, nil
	}
	t = t.UTC().Truncate(time.Second)
	if t.Equal(m.StartAt) || m.isOriginalStart(t) {
		return t, nil
	}
	return time.Time{}, apperr.Invalid("meeting.invalid_minutes", "no such occurrence").WithField("occurrence_start", "not_found")
}

// Minutes returns the minutes of an occurrence to the people in the meeting;
// an empty draft (version 0) when none were written yet.
func (s *Service) Minutes(ctx context.Context, actor identity.Actor, meetingID string, occ time.Time) (Minutes, error) {
	m, err := s.load(s.db.WithContext(ctx), meetingID)
	if err != nil {
		return Minutes{}, err
	}
	if !canSee(actor, m) {
		return Minutes{}, ErrMeetingNotFound
	}
	key, err := occurrenceKey(m, occ)
	if err != nil {
		return Minutes{}, err
	}
	mn, err := s.minutes(s.db.WithContext(ctx), m.ID, key)
	if err != nil || canWriteMinutes(actor, m) || mn.PublishedAt != nil {
		return mn, err
	}
	// A draft is the minute-taker's work in progress: attendees read the
	// minutes once they are published, not before.
	return emptyMinutes(m.ID, key), nil
}

func emptyMinutes(meetingID string, key time.Time) Minutes {
	return Minutes{MeetingID: meetingID, OccurrenceStart: key, Present: []string{}, Absent: []string{},
		Decisions: []string{}, ActionItems: []ActionItem{}, Status: "draft"}
}

func (s *Service) minutes(db *gorm.DB, meetingID string, key time.Time) (Minutes, error) {
	var mn Minutes
	err := db.First(&mn, "meeting_id = ? AND occurrence_start = ?", meetingID, key).Error
	if store.IsNotFound(err) {
		return emptyMinutes(meetingID, key), nil
	}
	if err != nil {
		return Minutes{}, fmt.Errorf("meeting: load minutes: %w", err)
	}
	mn.OccurrenceStart = mn.OccurrenceStart.UTC()
	return mn, nil
}

// SaveMinutes stores a draft (minute-taker, organizer or admin; optimistic locking).
func (s *Service) SaveMinutes(ctx context.Context, actor identity.Actor, meetingID string, in MinutesInput) (Minutes, error) {
	var out Minutes
	err := store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
		m, err := s.load(tx, meetingID)
		if err != nil {
			return err
		}
		if !canSee(actor, m) {
			return ErrMeetingNotFound
		}
		if !canWriteMinutes(actor, m) {
			return ErrNotMinuteTaker
		}
		key, err := occurrenceKey(m, in.OccurrenceStart)
		if err != nil {
			return err
		}
		if err := s.validateMinutes(ctx, m, &in); err != nil {
			return err
		}
		cur, err := s.minutes(tx, m.ID, key)
		if err != nil {
			return err
		}
		if in.Version != cur.Version {
			return ErrMinutesStale
		}
		// Keep the task links of items already published.
		for i := range in.ActionItems {
			for _, old := range cur.ActionItems {
				if old.TaskID != "" && old.Title == in.ActionItems[i].Title && old.OwnerID == in.ActionItems[i].OwnerID {
					in.ActionItems[i].TaskID = old.TaskID
				}
			}
		}
		now := s.clock.Now()
		mn := cur
		mn.Present, mn.Absent, mn.Discussion, mn.Decisions, mn.ActionItems = in.Present, in.Absent, in.Discussion, in.Decisions, in.ActionItems
		mn.UpdatedBy, mn.UpdatedAt, mn.Version = actor.UserID, now, cur.Version+1
		if cur.Version == 0 {
			mn.CreatedAt = now
			if err := tx.Create(&mn).Error; err != nil {
				if store.IsDuplicate(err) {
					return ErrMinutesStale
				}
				return fmt.Errorf("meeting: create minutes: %w", err)
			}
		} else {
			res := tx.Model(&Minutes{}).Where("meeting_id = ? AND occurrence_start = ? AND version = ?", m.ID, key, cur.Version).
				Updates(map[string]any{"present": mustJSON(mn.Present), "absent": mustJSON(mn.Absent), "discussion": mn.Discussion,
					"decisions": mustJSON(mn.Decisions), "action_items": mustJSON(mn.ActionItems), "updated_by": actor.UserID,
					"updated_at": now, "version": mn.Version})
			if res.Error != nil {
				return fmt.Errorf("meeting: save minutes: %w", res.Error)
			}
			if res.RowsAffected == 0 {
				return ErrMinutesStale
			}
		}
		out = mn
		return nil
	})
	return out, err
}

func (s *Service) validateMinutes(ctx context.Context, m *Meeting, in *MinutesInput) error {
	var v apperr.Validator
	in.Discussion = strings.TrimSpace(in.Discussion)
	v.Check(len(in.Discussion) <= 100000, "discussion", "too_long")
	people := map[string]bool{m.OrganizerID: true}
	for _, a := range m.Attendees {
		people[a.UserID] = true
	}
	for _, id := range in.Present {
		v.Check(people[id], "present", "invalid")
	}
	for _, id := range in.Absent {
		v.Check(people[id], "absent", "invalid")
		v.Check(!slices.Contains(in.Present, id), "absent", "duplicate")
	}
	decisions := []string{}
	for _, d := range in.Decisions {
		if d = strings.TrimSpace(d); d != "" {
			v.Check(len(d) <= 5000, "decisions", "too_long")
			decisions = append(decisions, d)
		}
	}
	in.Decisions = decisions
	v.Check(len(in.ActionItems) <= 100, "action_items", "too_large")
	owners := []string{}
	for i := range in.ActionItems {
		it := &in.ActionItems[i]
		it.Title = strings.TrimSpace(it.Title)
		it.TaskID = ""
		v.Check(it.Title != "", "action_items", "required")
		v.Check(len([]rune(it.Title)) <= 500, "action_items", "too_long")
		v.Check(apperr.SingleLine(it.Title), "action_items", apperr.ControlCharacter)
		v.Check(it.OwnerID != "", "action_items", "required")
		_, ok := dueAt(it.Due, time.UTC)
		v.Check(ok, "action_items", "invalid")
		owners = append(owners, it.OwnerID)
	}
	if len(owners) > 0 {
		us, err := s.org.UsersByID(ctx, owners)
		if err != nil {
			return err
		}
		for _, o := range owners {
			u, ok := us[o]
			v.Check(ok && u.Active, "action_items", "not_found")
		}
	}
	if in.Present == nil {
		in.Present = []string{}
	}
	if in.Absent == nil {
		in.Absent = []string{}
	}
	if in.ActionItems == nil {
		in.ActionItems = []ActionItem{}
	}
	return v.Err("meeting.invalid_minutes", "the minutes are not valid")
}

// MinutesFolder is the drive folder minutes are published into, named in the
// company's language as the README promises (before: "Meetings", which the
// drive keeps using where it already holds a meeting's minutes).
const MinutesFolder = "会议纪要"

// PublishMinutes writes the minutes into the drive (MinutesFolder of the
// organizer's department space, or of their personal space when they sit in
// the root department; readable by the attendees), marks them
// published, turns new action items into tasks and tells everyone. Publishing
// again (after corrections) stores a new version and adds only new tasks.
func (s *Service) PublishMinutes(ctx context.Context, actor identity.Actor, meetingID string, occ time.Time, version int) (Minutes, error) {
	db := s.db.WithContext(ctx)
	m, err := s.load(db, meetingID)
	if err != nil {
		return Minutes{}, err
	}
	if !canSee(actor, m) {
		return Minutes{}, ErrMeetingNotFound
	}
	if !canWriteMinutes(actor, m) {
		return Minutes{}, ErrNotMinuteTaker
	}
	key, err := occurrenceKey(m, occ)
	if err != nil {
		return Minutes{}, err
	}
	mn, err := s.minutes(db, m.ID, key)
	if err != nil {
		return Minutes{}, err
	}
	if mn.Version == 0 {
		return Minutes{}, apperr.Invalid("meeting.minutes_empty", "save the minutes before publishing")
	}
	if version != mn.Version {
		return Minutes{}, ErrMinutesStale
	}
	if s.publisher == nil {
		return Minutes{}, ErrNoPublisher
	}
	organizer, err := s.org.User(ctx, m.OrganizerID)
	if err != nil {
		return Minutes{}, err
	}
	content, err := s.renderMinutes(ctx, m, &mn)
	if err != nil {
		return Minutes{}, err
	}
	viewers := append([]string{m.OrganizerID}, m.attendeeIDs()...)
	name := fmt.Sprintf("%s %s 纪要.md", key.In(m.location()).Format("2006-01-02"), safeName(m.Title))
	docID, err := s.publisher.PublishMinutes(ctx, actor, MinutesDocument{DepartmentID: organizer.DepartmentID, OrganizerID: organizer.ID,
		Folder: MinutesFolder, Name: name, Content: []byte(content), Viewers: viewers, Writers: []string{m.OrganizerID, m.MinuteTakerID},
		Attachments: driveAttachmentIDs(m)})
	if err != nil {
		return Minutes{}, err
	}
	err = store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
		now := s.clock.Now()
		// A copy, so a run that store.WriteTx retries starts again from
		// action items without task IDs.
		items := slices.Clone(mn.ActionItems)
		var newTasks []Task
		for i := range items {
			it := &items[i]
			if it.TaskID != "" {
				continue
			}
			at, _ := dueAt(it.Due, m.location())
			t := Task{ID: newID(), OwnerID: it.OwnerID, Title: it.Title, DueDate: it.Due, DueAt: at, Status: TaskOpen,
				MeetingID: m.ID, CreatedBy: actor.UserID, Version: 1, CreatedAt: now, UpdatedAt: now}
			it.TaskID = t.ID
			newTasks = append(newTasks, t)
		}
		res := tx.Model(&Minutes{}).Where("meeting_id = ? AND occurrence_start = ? AND version = ?", m.ID, key, version).
			Updates(map[string]any{"status": "published", "document_id": docID, "published_at": now,
				"action_items": mustJSON(items), "version": version + 1, "updated_at": now, "updated_by": actor.UserID})
		if res.Error != nil {
			return fmt.Errorf("meeting: publish minutes: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return ErrMinutesStale
		}
		mn.Status, mn.DocumentID, mn.PublishedAt, mn.Version, mn.UpdatedAt, mn.UpdatedBy = "published", docID, &now, version+1, now, actor.UserID
		mn.ActionItems = items
		for _, t := range newTasks {
			if err := tx.Create(&t).Error; err != nil {
				return fmt.Errorf("meeting: create task: %w", err)
			}
			if err := notify.Emit(tx, &notify.Event{Type: event.TaskAssigned, SubjectType: "task", SubjectID: t.ID, ActorID: actor.UserID,
				Recipients: []string{t.OwnerID}, Data: event.Data(event.Task{Title: t.Title, Link: "/tasks", Due: t.DueDate,
					MeetingID: m.ID, MeetingTitle: m.Title})}); err != nil {
				return err
			}
		}
		if rcpt := without(viewers, actor.UserID); len(rcpt) > 0 {
			data := event.Meeting{DocumentID: docID, OccurrenceStart: key.Format(time.RFC3339), DocumentName: name,
				Link: occurrenceLink(m, key)} // the minutes of this sitting, not of the series' first
			return notify.Emit(tx, &notify.Event{Type: event.MeetingMinutesPublished, SubjectType: "meeting", SubjectID: m.ID,
				ActorID: actor.UserID, Recipients: rcpt, Data: s.eventData(tx, m, data)})
		}
		return nil
	})
	return mn, err
}

func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		if strings.ContainsRune(`/\:*?"<>|`, r) || r < 32 {
			return '_'
		}
		return r
	}, s)
}

// renderMinutes renders the minutes as Markdown (Chinese headings, the
// company's working language).
func (s *Service) renderMinutes(ctx context.Context, m *Meeting, mn *Minutes) (string, error) {
	ids := append([]string{m.OrganizerID, m.MinuteTakerID}, m.attendeeIDs()...)
	for _, it := range mn.ActionItems {
		ids = append(ids, it.OwnerID)
	}
	users, err := s.org.UsersByID(ctx, ids)
	if err != nil {
		return "", err
	}
	name := func(id string) string {
		if u, ok := users[id]; ok {
			return u.Name
		}
		return id
	}
	names := func(ids []string) string {
		out := make([]string, len(ids))
		for i, id := range ids {
			out[i] = name(id)
		}
		if len(out) == 0 {
			return "—"
		}
		return strings.Join(out, "、")
	}
	loc := m.location()
	start := mn.OccurrenceStart.In(loc)
	end := start.Add(m.EndAt.Sub(m.StartAt))
	for _, e := range m.Exceptions {
		if e.OriginalStart.Equal(mn.OccurrenceStart) && !e.Cancelled {
			start, end = e.StartAt.In(loc), e.EndAt.In(loc)
		}
	}
	place := m.Place
	if m.RoomID != "" {
		var r Room
		if s.db.WithContext(ctx).First(&r, "id = ?", m.RoomID).Error == nil {
			place = roomLabel(r)
		}
	}
	if m.OnlineURL != "" {
		place = strings.TrimSpace(place + " " + m.OnlineURL)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# %s 纪要\n\n", m.Title)
	fmt.Fprintf(&b, "- 时间：%s–%s（%s）\n", start.Format("2006-01-02 15:04"), end.Format("15:04"), zoneNameZH(m.TimeZone))
	if place != "" {
		fmt.Fprintf(&b, "- 地点：%s\n", place)
	}
	fmt.Fprintf(&b, "- 组织者：%s\n", name(m.OrganizerID))
	if m.MinuteTakerID != "" {
		fmt.Fprintf(&b, "- 记录人：%s\n", name(m.MinuteTakerID))
	}
	fmt.Fprintf(&b, "- 出席：%s\n- 缺席：%s\n", names(mn.Present), names(mn.Absent))
	if strings.TrimSpace(m.Agenda) != "" {
		fmt.Fprintf(&b, "\n## 议程\n\n%s\n", strings.TrimSpace(m.Agenda))
	}
	fmt.Fprintf(&b, "\n## 讨论内容\n\n%s\n", orDash(mn.Discussion))
	b.WriteString("\n## 决议\n\n")
	if len(mn.Decisions) == 0 {
		b.WriteString("—\n")
	}
	for i, d := range mn.Decisions {
		fmt.Fprintf(&b, "%d. %s\n", i+1, d)
	}
	b.WriteString("\n## 待办事项\n\n")
	if len(mn.ActionItems) == 0 {
		b.WriteString("—\n")
	} else {
		b.WriteString("| 事项 | 负责人 | 截止日期 |\n| --- | --- | --- |\n")
		for _, it := range mn.ActionItems {
			fmt.Fprintf(&b, "| %s | %s | %s |\n", cell(it.Title), cell(name(it.OwnerID)), orDash(it.Due))
		}
	}
	return b.String(), nil
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}

func cell(s string) string { return strings.ReplaceAll(strings.ReplaceAll(s, "|", "\\|"), "\n", " ") }

// zoneNameZH is how the published minutes (a Chinese document) name zone.
func zoneNameZH(zone string) string { return workcal.ZoneName(zone, false) }
