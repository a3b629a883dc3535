package chat

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"tack/backend/fulltext"
	"tack/backend/identity"
)

// messageIndex is the full-text index of message bodies (backend/fulltext):
// a message is indexed when sent, re-indexed when edited and removed when
// recalled, in the transaction that makes the change.
var messageIndex = fulltext.Index{Table: "chat_message_fts"}

// MaxSearchResults caps one page of search results.
const MaxSearchResults = 50

// SearchRequest searches the messages of the conversations the reader is a
// member of now. ConversationID, SenderID, From and To narrow it (From
// inclusive, To exclusive).
type SearchRequest struct {
	Q              string
	ConversationID string
	SenderID       string
	From, To       time.Time
	Limit          int
}

// SearchHit is one message found (its conversation_id says where).
type SearchHit struct {
	MessageView
}

// Search finds messages by their text, newest first. The reader sees only
// messages of conversations they are a member of now (a removed member finds
// nothing of that group any more); recalled messages are not in the index.
// A conversation filter naming one they are not in is chat.not_found.
func (s *Service) Search(ctx context.Context, a identity.Actor, req SearchRequest) ([]SearchHit, error) {
	db := s.db.WithContext(ctx)
	out := []SearchHit{}
	if req.ConversationID != "" {
		if _, _, err := membership(db, req.ConversationID, a.UserID); err != nil {
			return nil, err
		}
	}
	q := messageIndex.Parse(req.Q)
	if q.Empty() {
		return out, nil
	}
	if req.Limit <= 0 || req.Limit > MaxSearchResults {
		req.Limit = MaxSearchResults
	}
	tx := db.Scopes(q.Scope("chat_messages AS m", "m.id", fulltext.Newest)).
		Where("m.conversation_id IN (?)", db.Model(&Member{}).Select("conversation_id").Where("user_id = ?", a.UserID)).
		Where("m.recalled_at IS NULL")
	if req.ConversationID != "" {
		tx = tx.Where("m.conversation_id = ?", req.ConversationID)
	}
	if req.SenderID != "" {
		tx = tx.Where("m.sender_id = ?", req.SenderID)
	}
	if !req.From.IsZero() {
		tx = tx.Where("m.created_at >= ?", req.From)
	}
	if !req.To.IsZero() {
		tx = tx.Where("m.created_at < ?", req.To)
	}
	var ms []Message
	if err := tx.Limit(req.Limit).Find(&ms).Error; err != nil {
		return nil, fmt.Errorf("chat: search: %w", err)
	}
	people := make([]string, 0, len(ms))
	for _, m := range ms {
		people = append(people, m.SenderID)
	}
	nm, err := names(db, people)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		out = append(out, SearchHit{MessageView: view(m, nm, nil)})
	}
	return out, nil
}

// indexMessage (re)indexes a message's text; a recalled one leaves the index.
func indexMessage(tx *gorm.DB, m *Message) error {
	if m.RecalledAt != nil {
		return messageIndex.Delete(tx, m.ID)
	}
	return messageIndex.Put(tx, m.ID, m.Body)
}

// backfillIndex indexes the messages sent before search existed.
func backfillIndex(tx *gorm.DB) error {
	after := ""
	for {
		var ms []Message
		if err := tx.Where("id > ? AND recalled_at IS NULL", after).Order("id").Limit(500).Find(&ms).Error; err != nil {
			return fmt.Errorf("chat: backfill index: %w", err)
		}
		for i := range ms {
			if err := indexMessage(tx, &ms[i]); err != nil {
				return err
			}
		}
		if len(ms) < 500 {
			return nil
		}
		after = ms[len(ms)-1].ID
	}
}
