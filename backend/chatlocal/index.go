package chatlocal

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"tack/backend/fulltext"
	"tack/backend/store"
)

// messageIndex is the local full-text index of message bodies, the same
// tokenisation as the server's chat_message_fts.
var messageIndex = fulltext.Index{Table: "chatlocal_message_fts"}

func migrations() []store.Migration {
	return []store.Migration{
		{ID: "chatlocal-0001-tables", SQL: `
CREATE TABLE chatlocal_conversations (
	id TEXT PRIMARY KEY,
	kind TEXT NOT NULL,
	title TEXT NOT NULL,
	last_seq BIGINT NOT NULL DEFAULT 0,
	synced_seq BIGINT NOT NULL DEFAULT 0
);
CREATE TABLE chatlocal_messages (
	id TEXT PRIMARY KEY,
	conversation_id TEXT NOT NULL,
	seq BIGINT NOT NULL,
	sender_id TEXT NOT NULL,
	sender_name TEXT NOT NULL,
	body TEXT NOT NULL,
	created_at TIMESTAMPTZ NOT NULL,
	UNIQUE (conversation_id, seq)
);
CREATE INDEX chatlocal_messages_created ON chatlocal_messages (created_at);`},
		messageIndex.Migration("chatlocal-0002-fts"),
	}
}

// Index is one user's local chat index (one SQLite file).
type Index struct {
	db *gorm.DB
}

// Open opens (and migrates) the index under dir.
func Open(ctx context.Context, dir string) (*Index, error) {
	db, err := store.OpenLocal(ctx, filepath.Clean(dir), migrations())
	if err != nil {
		return nil, fmt.Errorf("chatlocal: open: %w", err)
	}
	return &Index{db: db}, nil
}

// Close closes the file.
func (ix *Index) Close() error { return store.Close(ix.db) }

// Conversation is a conversation the user is a member of, as the server
// listed it. SyncedSeq is how far its messages have been fetched.
type Conversation struct {
	ID        string `gorm:"primaryKey" json:"id"`
	Kind      string `json:"kind"`
	Title     string `json:"title"`
	LastSeq   int64  `json:"last_seq"`
	SyncedSeq int64  `json:"synced_seq"`
}

// TableName is the table of conversations.
func (Conversation) TableName() string { return "chatlocal_conversations" }

// Message is one message as the server gave it. A recalled one is not kept.
type Message struct {
	ID             string    `gorm:"primaryKey" json:"id"`
	ConversationID string    `json:"conversation_id"`
	Seq            int64     `json:"seq"`
	SenderID       string    `json:"sender_id"`
	SenderName     string    `json:"sender_name"`
	Body           string    `json:"body"`
	CreatedAt      time.Time `json:"created_at"`
	Recalled       bool      `gorm:"-" json:"-"`
}

// TableName is the table of messages.
func (Message) TableName() string { return "chatlocal_messages" }

// Retain records the user's conversations as the server lists them now and
// drops every other one with its messages and their search documents: what
// the user may no longer read leaves this machine's index too. A known
// conversation keeps how far it was fetched.
func (ix *Index) Retain(ctx context.Context, convs []Conversation) error {
	return ix.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		keep := make([]string, 0, len(convs))
		for _, c := range convs {
			keep = append(keep, c.ID)
			c.SyncedSeq = 0
			if err := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "id"}},
				DoUpdates: clause.AssignmentColumns([]string{"kind", "title", "last_seq"})}).Create(&c).Error; err != nil {
				return fmt.Errorf("chatlocal: save conversation: %w", err)
			}
		}
		gone := tx.Model(&Conversation{}).Select("id")
		if len(keep) > 0 {
			gone = gone.Where("id NOT IN ?", keep)
		}
		var ids []string
		if err := gone.Pluck("id", &ids).Error; err != nil {
			return fmt.Errorf("chatlocal: find dropped conversations: %w", err)
		}
		for _, id := range ids {
			if err := dropConversation(tx, id); err != nil {
				return err
			}
		}
		return nil
	})
}

// Drop forgets one conversation at once (the user was removed from it).
func (ix *Index) Drop(ctx context.Context, conversationID string) error {
	return ix.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error { return dropConversation(tx, conversationID) })
}

func dropConversation(tx *gorm.DB, id string) error {
	var msgs []string
	if err := tx.Model(&Message{}).Where("conversation_id = ?", id).Pluck("id", &msgs).Error; err != nil {
		return fmt.Errorf("chatlocal: drop conversation: %w", err)
	}
	for _, m := range msgs {
		if err := messageIndex.Delete(tx, m); err != nil {
			return fmt.Errorf("chatlocal: drop conversation: %w", err)
		}
	}
	if err := tx.Where("conversation_id = ?", id).Delete(&Message{}).Error; err != nil {
		return fmt.Errorf("chatlocal: drop conversation: %w", err)
	}
	return tx.Where("id = ?", id).Delete(&Conversation{}).Error
}

// Conversations lists what the index holds, in no particular order.
func (ix *Index) Conversations(ctx context.Context) ([]Conversation, error) {
	var cs []Conversation
	err := ix.db.WithContext(ctx).Order("id").Find(&cs).Error
	return cs, err
}

// Put stores messages of a conversation the index holds (messages of one it
// does not hold are ignored: the user is not, or no longer, a member) and
// moves its fetched-up-to mark to upTo when that is further. A recalled
// message is deleted; an edited one replaces the text it had.
func (ix *Index) Put(ctx context.Context, conversationID string, msgs []Message, upTo int64) error {
	return ix.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&Conversation{}).Where("id = ?", conversationID).Count(&n).Error; err != nil {
			return fmt.Errorf("chatlocal: put: %w", err)
		}
		if n == 0 {
			return nil
		}
		for _, m := range msgs {
			if m.ConversationID != conversationID {
				continue
			}
			if m.Recalled {
				if err := tx.Where("id = ?", m.ID).Delete(&Message{}).Error; err != nil {
					return fmt.Errorf("chatlocal: put recalled: %w", err)
				}
				if err := messageIndex.Delete(tx, m.ID); err != nil {
					return fmt.Errorf("chatlocal: put recalled: %w", err)
				}
				continue
			}
			m.CreatedAt = m.CreatedAt.UTC()
			if err := tx.Clauses(clause.OnConflict{UpdateAll: true}).Create(&m).Error; err != nil {
				return fmt.Errorf("chatlocal: put message: %w", err)
			}
			if err := messageIndex.Put(tx, m.ID, m.Body); err != nil {
				return fmt.Errorf("chatlocal: index message: %w", err)
			}
		}
		return tx.Model(&Conversation{}).Where("id = ? AND synced_seq < ?", conversationID, upTo).
			Update("synced_seq", upTo).Error
	})
}

// Change applies an edit (the new text) or a recall (the message leaves the
// index) to a message the index holds; one it does not hold is ignored.
func (ix *Index) Change(ctx context.Context, messageID, body string, recalled bool) error {
	return ix.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&Message{}).Where("id = ?", messageID).Count(&n).Error; err != nil || n == 0 {
			return err
		}
		if recalled {
			if err := tx.Where("id = ?", messageID).Delete(&Message{}).Error; err != nil {
				return fmt.Errorf("chatlocal: recall: %w", err)
			}
			return messageIndex.Delete(tx, messageID)
		}
		if err := tx.Model(&Message{}).Where("id = ?", messageID).Update("body", body).Error; err != nil {
			return fmt.Errorf("chatlocal: edit: %w", err)
		}
		return messageIndex.Put(tx, messageID, body)
	})
}

// MaxResults caps one search's hits.
const MaxResults = 50

// SearchRequest is what the chat search box asks: the text, optionally one
// conversation, one sender and a time range (From inclusive, To exclusive).
type SearchRequest struct {
	Q              string    `json:"q"`
	ConversationID string    `json:"conversation_id"`
	SenderID       string    `json:"sender_id"`
	From           time.Time `json:"from"`
	To             time.Time `json:"to"`
	Limit          int       `json:"limit"`
}

// Hit is one message found, with its conversation's title (the UI may have
// no conversation list when the server is unreachable).
type Hit struct {
	Message
	ConversationTitle string `json:"conversation_title"`
}

// Search finds messages by their text, newest first: the same query
// language as the server's chat search (backend/fulltext).
func (ix *Index) Search(ctx context.Context, req SearchRequest) ([]Hit, error) {
	out := []Hit{}
	q := messageIndex.Parse(req.Q)
	if q.Empty() {
		return out, nil
	}
	if req.Limit <= 0 || req.Limit > MaxResults {
		req.Limit = MaxResults
	}
	tx := ix.db.WithContext(ctx).Select("m.*, c.title AS conversation_title").
		Scopes(q.Scope("chatlocal_messages AS m", "m.id", fulltext.Unordered)).
		Joins("JOIN chatlocal_conversations AS c ON c.id = m.conversation_id")
	if req.ConversationID != "" {
		tx = tx.Where("m.conversation_id = ?", req.ConversationID)
	}
	if req.SenderID != "" {
		tx = tx.Where("m.sender_id = ?", req.SenderID)
	}
	if !req.From.IsZero() {
		tx = tx.Where("m.created_at >= ?", req.From.UTC())
	}
	if !req.To.IsZero() {
		tx = tx.Where("m.created_at < ?", req.To.UTC())
	}
	// Newest by the message's time, not the document's: the index fills in
	// any order (a catch-up after days offline writes old messages last).
	if err := tx.Order("m.created_at DESC, m.seq DESC").Limit(req.Limit).Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("chatlocal: search: %w", err)
	}
	return out, nil
}
