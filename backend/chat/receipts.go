package chat

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"tack/backend/event"
	"tack/backend/identity"
	"tack/backend/notify"
	"tack/backend/store"
)

// MarkRead moves the actor's read watermark up to seq (never down, never
// past the newest message). It is one row per member per conversation,
// never a row per message per reader. The reader's other devices and the
// senders of the messages it covers hear of it (their "N unread").
func (s *Service) MarkRead(ctx context.Context, a identity.Actor, convID string, seq int64) (ConversationView, error) {
	err := store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
		c, m, err := membership(tx, convID, a.UserID)
		if err != nil {
			return err
		}
		seq = min(seq, c.LastSeq)
		if seq <= m.ReadSeq {
			return nil
		}
		res := tx.Model(&Member{}).Where("conversation_id = ? AND user_id = ? AND read_seq < ?", convID, a.UserID, seq).
			Update("read_seq", seq)
		if res.Error != nil {
			return fmt.Errorf("chat: mark read: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return nil
		}
		var senders []string
		if err := tx.Model(&Message{}).Distinct("sender_id").
			Where("conversation_id = ? AND seq > ? AND seq <= ? AND sender_id <> ?", convID, max(m.ReadSeq, m.JoinedSeq), seq, a.UserID).
			Pluck("sender_id", &senders).Error; err != nil {
			return fmt.Errorf("chat: senders: %w", err)
		}
		return notify.Emit(tx, &notify.Event{Type: event.ChatRead, SubjectType: "chat", SubjectID: convID, ActorID: a.UserID,
			Recipients: append(senders, a.UserID),
			Data:       event.Data(event.ReadMark{Title: c.Name, Link: link(convID), ConversationID: convID, UserID: a.UserID, Seq: seq})})
	})
	if err != nil {
		return ConversationView{}, err
	}
	return s.GetConversation(ctx, a, convID)
}

// Receipts lists who has and has not read one of the actor's own messages
// (members who joined after it are in neither list).
func (s *Service) Receipts(ctx context.Context, a identity.Actor, messageID string) (Receipts, error) {
	db := s.db.WithContext(ctx)
	m, _, _, err := loadOwnable(db, a, messageID)
	if err != nil {
		return Receipts{}, err
	}
	if m.SenderID != a.UserID {
		return Receipts{}, ErrForbidden
	}
	ms, err := members(db, m.ConversationID)
	if err != nil {
		return Receipts{}, err
	}
	ids := make([]string, 0, len(ms))
	for _, x := range ms {
		ids = append(ids, x.UserID)
	}
	nm, err := names(db, ids)
	if err != nil {
		return Receipts{}, err
	}
	out := Receipts{MessageID: m.ID, Seq: m.Seq, Read: []Person{}, Unread: []Person{}}
	for _, x := range ms {
		if x.UserID == m.SenderID || x.JoinedSeq >= m.Seq {
			continue
		}
		p := Person{ID: x.UserID, Name: nm[x.UserID]}
		if x.ReadSeq >= m.Seq {
			out.Read = append(out.Read, p)
		} else {
			out.Unread = append(out.Unread, p)
		}
	}
	return out, nil
}

// UnreadTotal is the actor's unread messages over every conversation they
// have not muted: one indexed read of their member rows.
func (s *Service) UnreadTotal(ctx context.Context, a identity.Actor) (Unread, error) {
	var total int64
	err := s.db.WithContext(ctx).Model(&Member{}).
		Joins("JOIN chat_conversations c ON c.id = chat_members.conversation_id").
		Where("chat_members.user_id = ? AND chat_members.muted = ? AND c.last_seq > chat_members.read_seq", a.UserID, false).
		Select("COALESCE(SUM(c.last_seq - chat_members.read_seq), 0)").Scan(&total).Error
	if err != nil {
		return Unread{}, fmt.Errorf("chat: unread total: %w", err)
	}
	return Unread{Total: total}, nil
}
