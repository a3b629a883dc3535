package chat

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"tack/backend/event"
	"tack/backend/notify"
	"tack/backend/store"
)

// Busy hours: a group message never raises a notification of its own (only
// direct messages and mentions do, on the desktop); a person who sat in a
// meeting gets, when it ends, one chat.busy_summary per group that got new
// messages from others meanwhile and that they have not read since ("会议期间
// X 群有 N 条新消息"). Muted groups, direct chats and archived groups are left
// out; so is a person who declined the meeting.

// Sitting is a stretch of time some people spent in a meeting; Key names it
// (one summary per person per sitting).
type Sitting struct {
	Key        string
	Start, End time.Time
	People     []string
}

// Meetings tells chat which meeting sittings ended in (from, to].
type Meetings interface {
	Ended(ctx context.Context, from, to time.Time) ([]Sitting, error)
}

// MeetingsFunc adapts a function to Meetings (server.New wires the meeting
// service through it: chat does not import meeting).
type MeetingsFunc func(ctx context.Context, from, to time.Time) ([]Sitting, error)

// Ended calls f.
func (f MeetingsFunc) Ended(ctx context.Context, from, to time.Time) ([]Sitting, error) {
	return f(ctx, from, to)
}

// SetMeetings lets the busy-hours summary know who sat in meetings; without
// it SummariseBusyHours does nothing.
func (s *Service) SetMeetings(m Meetings) { s.meetings = m }

// BusyLookback is how long after a sitting ends its summary may still be
// sent (a job that was down longer sends none: stale news is noise).
const BusyLookback = time.Hour

const busyLockName = "chat.busy_hours"

// busySent marks a person's sitting as summarised.
type busySent struct {
	SittingKey string `gorm:"primaryKey"`
	UserID     string `gorm:"primaryKey"`
	CreatedAt  time.Time
}

func (busySent) TableName() string { return "chat_busy_summaries" }

// busyGroup is one group's count for one person.
type busyGroup struct {
	ConversationID string
	Name           string
	N              int
}

// SummariseBusyHours sends the summaries of the sittings that ended in the
// last BusyLookback and were not summarised yet, and returns how many it
// sent. Each person's sitting is summarised once (a marker row, written
// with the notifications), even with replicas running it at once; on
// PostgreSQL one replica works at a time (advisory lock).
func (s *Service) SummariseBusyHours(ctx context.Context) (int, error) {
	if s.meetings == nil {
		return 0, nil
	}
	now := s.clock.Now()
	sittings, err := s.meetings.Ended(ctx, now.Add(-BusyLookback), now)
	if err != nil {
		return 0, fmt.Errorf("chat: busy hours: %w", err)
	}
	sent := 0
	err = store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
		sent = 0
		ok, err := store.TryXactLock(tx, busyLockName)
		if err != nil || !ok {
			return err
		}
		if err := tx.Where("created_at < ?", now.Add(-2*BusyLookback)).Delete(&busySent{}).Error; err != nil {
			return fmt.Errorf("chat: busy markers: %w", err)
		}
		for _, st := range sittings {
			for _, uid := range st.People {
				n, err := s.summarise(tx, st, uid, now)
				if err != nil {
					return err
				}
				sent += n
			}
		}
		return nil
	})
	return sent, err
}

// summarise sends one person's summaries of one sitting, unless sent.
func (s *Service) summarise(tx *gorm.DB, st Sitting, userID string, now time.Time) (int, error) {
	res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&busySent{SittingKey: st.Key, UserID: userID, CreatedAt: now})
	if res.Error != nil {
		return 0, fmt.Errorf("chat: busy marker: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return 0, nil // summarised already
	}
	var gs []busyGroup
	if err := tx.Table("chat_messages AS m").
		Select("m.conversation_id, c.name, COUNT(*) AS n").
		Joins("JOIN chat_members AS mb ON mb.conversation_id = m.conversation_id AND mb.user_id = ?", userID).
		Joins("JOIN chat_conversations AS c ON c.id = m.conversation_id").
		Where("c.kind <> ? AND c.archived_at IS NULL AND mb.muted = ? AND m.sender_id <> ? AND m.recalled_at IS NULL"+
			" AND m.created_at >= ? AND m.created_at < ? AND m.seq > mb.read_seq AND m.seq > mb.joined_seq",
			KindDirect, false, userID, st.Start, st.End).
		Group("m.conversation_id, c.name").Order("c.name, m.conversation_id").Scan(&gs).Error; err != nil {
		return 0, fmt.Errorf("chat: busy counts: %w", err)
	}
	for _, g := range gs {
		if err := notify.Emit(tx, &notify.Event{Type: event.ChatBusySummary, SubjectType: "chat", SubjectID: g.ConversationID,
			ActorID: "system", Recipients: []string{userID}, Data: event.Data(event.ChatBusy{Title: g.Name, Link: link(g.ConversationID),
				ConversationID: g.ConversationID, Count: g.N, From: st.Start.Format(time.RFC3339), To: st.End.Format(time.RFC3339)})}); err != nil {
			return 0, err
		}
	}
	return len(gs), nil
}

// BusyJob sends the busy-hours summaries every Interval (default a minute).
type BusyJob struct {
	S        *Service
	Interval time.Duration
}

// Serve runs the job until ctx ends.
func (j BusyJob) Serve(ctx context.Context) error {
	iv := j.Interval
	if iv <= 0 {
		iv = time.Minute
	}
	return store.Every(ctx, iv, "chat: busy-hours job", func(ctx context.Context) error {
		_, err := j.S.SummariseBusyHours(ctx)
		return err
	})
}
