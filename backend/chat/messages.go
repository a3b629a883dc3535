package chat

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"tack/backend/apperr"
	"tack/backend/event"
	"tack/backend/identity"
	"tack/backend/notify"
	"tack/backend/store"
)

// Limits of a message.
const (
	MaxBodyLen   = 5000 // characters
	MaxKeyLen    = 100
	RecallWindow = 24 * time.Hour
	// MentionAllLimit is how many @all one group gets in MentionAllWindow:
	// @all interrupts everyone, so it stays rare.
	MentionAllLimit  = 3
	MentionAllWindow = 24 * time.Hour
	EditWindow       = 15 * time.Minute
	quoteLen         = 80
)

// Send posts a message. Its sequence number is the conversation's next one,
// taken in the write transaction (the UPDATE of last_seq locks the
// conversation row on PostgreSQL; SQLite has one writer), so concurrent
// senders get distinct, gap-free numbers in commit order. A retried send
// with the same ClientKey returns the first message and writes nothing.
func (s *Service) Send(ctx context.Context, a identity.Actor, convID string, req SendRequest) (MessageView, error) {
	req.Body = strings.TrimSpace(req.Body)
	var v apperr.Validator
	v.Check(req.Body != "", "body", "required")
	v.Check(utf8.RuneCountInString(req.Body) <= MaxBodyLen, "body", "too_long")
	v.Check(len(req.ClientKey) <= MaxKeyLen, "client_key", "too_long")
	v.Check(len(req.Mentions) <= 100, "mentions", "too_large")
	if err := v.Err("chat.invalid_message", "the message is not valid"); err != nil {
		return MessageView{}, err
	}
	if req.ClientKey == "" {
		req.ClientKey = store.NewID()
	}
	// Concurrent sends share a transaction (send_batch.go).
	out, err := s.commitSend(ctx, &sendJob{a: a, convID: convID, req: req})
	if errors.Is(err, errKeyTaken) || store.IsDuplicate(err) {
		// A retry (or the same key racing itself): the first one stands.
		var m Message
		if e := s.db.WithContext(ctx).Select("id").First(&m, "conversation_id = ? AND sender_id = ? AND client_key = ?", convID, a.UserID, req.ClientKey).Error; e == nil {
			return s.GetMessage(ctx, a, m.ID)
		}
	}
	if err != nil {
		return MessageView{}, err
	}
	return out, nil
}

// errKeyTaken rolls back a send whose client key was used already: it is a
// retry of a message that was sent.
var errKeyTaken = errors.New("chat: client key already sent")

// sent is what send wrote: the message and the members (with the sender's
// watermark moved), enough to show it without reading it back.
type sent struct {
	msg     *Message
	members []Member
}

// send writes one message inside tx. The path is short on purpose (seven
// statements: the conversation, its members, the next sequence, the
// message, its search entry, the sender's watermark, the event row):
// SQLite has one writer, and each statement is parsed again every time.
// A client key that was sent already ends in errKeyTaken (the caller
// rolls back and returns the first message).
func (s *Service) send(tx *gorm.DB, a identity.Actor, convID string, req SendRequest, forwardedFrom string) (*sent, error) {
	c, err := loadConv(tx, convID)
	if err != nil {
		return nil, err
	}
	ms, err := members(tx, convID)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(ms, func(m Member) bool { return m.UserID == a.UserID })
	if i < 0 {
		return nil, ErrNotFound
	}
	if err := s.maySend(tx, c, &ms[i], req); err != nil {
		// A retry of a message sent before the group changed returns it.
		if s.keyTaken(tx, convID, a.UserID, req.ClientKey) {
			return nil, errKeyTaken
		}
		return nil, err
	}
	ids := make([]string, len(ms))
	for j, m := range ms {
		ids[j] = m.UserID
	}
	mentions := slices.Compact(slices.Sorted(slices.Values(req.Mentions)))
	for _, uid := range mentions {
		if !slices.Contains(ids, uid) {
			return nil, apperr.Invalid("chat.invalid_message", "the message is not valid").WithField("mentions", "not_found")
		}
	}
	if req.ReplyToID != "" {
		var n int64
		if err := tx.Model(&Message{}).Where("id = ? AND conversation_id = ?", req.ReplyToID, convID).Count(&n).Error; err != nil {
			return nil, fmt.Errorf("chat: reply target: %w", err)
		}
		if n == 0 {
			return nil, apperr.Invalid("chat.invalid_message", "the message is not valid").WithField("reply_to_id", "not_found")
		}
	}
	now := s.clock.Now()
	if req.MentionAll {
		var n int64
		if err := tx.Model(&Message{}).Where("conversation_id = ? AND mention_all = ? AND created_at > ?", convID, true, now.Add(-MentionAllWindow)).
			Count(&n).Error; err != nil {
			return nil, fmt.Errorf("chat: count @all: %w", err)
		}
		if n >= MentionAllLimit {
			return nil, ErrMentionAllLimit
		}
	}
	// Take the next sequence number: the UPDATE locks the row until commit
	// (PostgreSQL; SQLite has one writer), so a concurrent sender waits and
	// then increments our value; RETURNING reads it in the same statement.
	var seq int64
	if err := tx.Raw("UPDATE chat_conversations SET last_seq = last_seq + 1, last_message_at = ? WHERE id = ? RETURNING last_seq", now, convID).
		Scan(&seq).Error; err != nil {
		return nil, fmt.Errorf("chat: next seq: %w", err)
	}
	kind := req.kind
	if kind == "" {
		kind = MessageText
	}
	fileID := ""
	if req.file != nil {
		fileID = req.file.ID
	}
	msg := Message{ID: store.NewID(), ConversationID: convID, Seq: seq, SenderID: a.UserID, ClientKey: req.ClientKey,
		Kind: kind, Body: req.Body, FileID: fileID, File: req.file, Mentions: mentions, MentionAll: req.MentionAll, ReplyToID: req.ReplyToID,
		ForwardedFromID: forwardedFrom, CreatedAt: now}
	if msg.Mentions == nil {
		msg.Mentions = []string{}
	}
	// The key's unique index decides a retry: no row means it was sent.
	res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&msg)
	if res.Error != nil {
		return nil, fmt.Errorf("chat: insert message: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return nil, errKeyTaken
	}
	if err := indexMessage(tx, &msg); err != nil {
		return nil, err
	}
	// Sending reads the conversation up to one's own message.
	if err := tx.Model(&Member{}).Where("conversation_id = ? AND user_id = ? AND read_seq < ?", convID, a.UserID, seq).
		Update("read_seq", seq).Error; err != nil {
		return nil, fmt.Errorf("chat: sender watermark: %w", err)
	}
	ms[i].ReadSeq = max(ms[i].ReadSeq, seq)
	return &sent{msg: &msg, members: ms}, emitMessage(tx, a, c, &msg, ActionNew, ids)
}

// maySend checks the conversation's rules for one sender.
func (s *Service) maySend(tx *gorm.DB, c *Conversation, m *Member, req SendRequest) error {
	switch {
	case c.ArchivedAt != nil:
		return ErrArchived
	case c.PostPolicy == PolicyAdmins && !m.isAdmin():
		return ErrPostForbidden
	case req.MentionAll && (c.Kind == KindDirect || !m.isAdmin()):
		return ErrMentionAll
	}
	return nil
}

// keyTaken reports whether the sender already sent a message with key.
func (s *Service) keyTaken(tx *gorm.DB, convID, senderID, key string) bool {
	var n int64
	return tx.Model(&Message{}).Where("conversation_id = ? AND sender_id = ? AND client_key = ?", convID, senderID, key).
		Count(&n).Error == nil && n > 0
}

// sentView shows a message just sent from what send has in hand (the
// sender's name from the actor; the quote read only for a reply).
func (s *Service) sentView(tx *gorm.DB, a identity.Actor, r *sent) (MessageView, error) {
	var q *Message
	if r.msg.ReplyToID != "" {
		var m Message
		if err := tx.First(&m, "id = ?", r.msg.ReplyToID).Error; err != nil {
			return MessageView{}, fmt.Errorf("chat: quote: %w", err)
		}
		q = &m
	}
	people := []string{}
	if a.Name == "" {
		people = append(people, a.UserID)
	}
	if q != nil {
		people = append(people, q.SenderID)
	}
	nm := map[string]string{}
	if len(people) > 0 {
		var err error
		if nm, err = names(tx, people); err != nil {
			return MessageView{}, err
		}
	}
	if a.Name != "" {
		nm[a.UserID] = a.Name
	}
	v := view(*r.msg, nm, q)
	v.Unread = unreadOf(*r.msg, r.members)
	return v, nil
}

// emitMessage sends chat.message to the members.
func emitMessage(tx *gorm.DB, a identity.Actor, c *Conversation, m *Message, action string, recipients []string) error {
	return notify.Emit(tx, messageEvent(a, c, m, action, recipients))
}

// messageEvent is the chat.message event of m.
func messageEvent(a identity.Actor, c *Conversation, m *Message, action string, recipients []string) *notify.Event {
	return &notify.Event{Type: event.ChatMessage, SubjectType: "chat", SubjectID: c.ID, ActorID: a.UserID,
		Recipients: recipients, Data: event.Data(event.Message{Title: c.Name, Link: link(c.ID), ConversationID: c.ID,
			MessageID: m.ID, Seq: m.Seq, Action: action, SenderID: m.SenderID, SenderName: a.Name, Body: shown(m),
			Mentions: m.Mentions, MentionAll: m.MentionAll, Direct: c.Kind == KindDirect})}
}

// shown is the body a reader sees: nothing of a recalled message.
func shown(m *Message) string {
	if m.RecalledAt != nil {
		return ""
	}
	return m.Body
}

// GetMessage returns one message of a conversation the actor is in.
func (s *Service) GetMessage(ctx context.Context, a identity.Actor, id string) (MessageView, error) {
	db := s.db.WithContext(ctx)
	var m Message
	if err := db.First(&m, "id = ?", id).Error; err != nil {
		if store.IsNotFound(err) {
			return MessageView{}, ErrMessageNotFound
		}
		return MessageView{}, fmt.Errorf("chat: load message: %w", err)
	}
	if _, _, err := membership(db, m.ConversationID, a.UserID); err != nil {
		return MessageView{}, ErrMessageNotFound
	}
	vs, err := s.messageViews(db, a.UserID, m.ConversationID, []Message{m})
	if err != nil {
		return MessageView{}, err
	}
	return vs[0], nil
}

// ListMessages returns messages of a conversation in sequence order: the
// newest `limit` (no cursor), those before `before` (scrolling back) or
// those after `after` (catching up after a reconnect; no loss, no repeats).
func (s *Service) ListMessages(ctx context.Context, a identity.Actor, convID string, after, before int64, limit int) (MessagePage, error) {
	db := s.db.WithContext(ctx)
	if _, _, err := membership(db, convID, a.UserID); err != nil {
		return MessagePage{}, err
	}
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	return s.listMessages(db, a, convID, after, before, limit)
}

// ListAround returns the messages around sequence number seq (a search
// result shown in context): up to limit/2 up to and including it, and the
// rest after it. More says older messages remain, Newer that newer ones do.
func (s *Service) ListAround(ctx context.Context, a identity.Actor, convID string, seq int64, limit int) (MessagePage, error) {
	db := s.db.WithContext(ctx)
	if _, _, err := membership(db, convID, a.UserID); err != nil {
		return MessagePage{}, err
	}
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	older, err := s.listMessages(db, a, convID, 0, seq+1, (limit+1)/2)
	if err != nil {
		return MessagePage{}, err
	}
	newer, err := s.listMessages(db, a, convID, seq, 0, limit/2)
	if err != nil {
		return MessagePage{}, err
	}
	return MessagePage{Items: append(older.Items, newer.Items...), More: older.More, Newer: newer.More}, nil
}

func (s *Service) listMessages(db *gorm.DB, a identity.Actor, convID string, after, before int64, limit int) (MessagePage, error) {
	q := db.Where("conversation_id = ?", convID).Limit(limit + 1)
	var ms []Message
	switch {
	case after > 0:
		q = q.Where("seq > ?", after).Order("seq")
	case before > 0:
		q = q.Where("seq < ?", before).Order("seq DESC")
	default:
		q = q.Order("seq DESC")
	}
	if err := q.Find(&ms).Error; err != nil {
		return MessagePage{}, fmt.Errorf("chat: list messages: %w", err)
	}
	more := len(ms) > limit
	if more {
		ms = ms[:limit]
	}
	if after == 0 {
		slices.Reverse(ms)
	}
	items, err := s.messageViews(db, a.UserID, convID, ms)
	if err != nil {
		return MessagePage{}, err
	}
	return MessagePage{Items: items, More: more}, nil
}

// messageViews adds names, quotes and, on the reader's own messages, the
// unread counts (from the members' watermarks: one row per member).
func (s *Service) messageViews(db *gorm.DB, userID, convID string, ms []Message) ([]MessageView, error) {
	out := make([]MessageView, 0, len(ms))
	if len(ms) == 0 {
		return out, nil
	}
	var replyIDs, people []string
	own := false
	for _, m := range ms {
		people = append(people, m.SenderID)
		if m.ReplyToID != "" {
			replyIDs = append(replyIDs, m.ReplyToID)
		}
		own = own || m.SenderID == userID
	}
	quotes := map[string]Message{}
	if len(replyIDs) > 0 {
		var qs []Message
		if err := db.Where("id IN ? AND conversation_id = ?", replyIDs, convID).Find(&qs).Error; err != nil {
			return nil, fmt.Errorf("chat: quotes: %w", err)
		}
		for _, q := range qs {
			quotes[q.ID] = q
			people = append(people, q.SenderID)
		}
	}
	var ms2 []Member
	if own {
		var err error
		if ms2, err = members(db, convID); err != nil {
			return nil, err
		}
	}
	nm, err := names(db, people)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		var q *Message
		if r, ok := quotes[m.ReplyToID]; ok {
			q = &r
		}
		v := view(m, nm, q)
		if m.SenderID == userID {
			v.Unread = unreadOf(m, ms2)
		}
		out = append(out, v)
	}
	return out, nil
}

// unreadOf counts the members other than the sender who joined before m
// and whose watermark is below it.
func unreadOf(m Message, ms []Member) int {
	n := 0
	for _, x := range ms {
		if x.UserID != m.SenderID && x.JoinedSeq < m.Seq && x.ReadSeq < m.Seq {
			n++
		}
	}
	return n
}

func view(m Message, nm map[string]string, q *Message) MessageView {
	m.Body = shown(&m)
	if m.Mentions == nil {
		m.Mentions = []string{}
	}
	v := MessageView{Message: m, SenderName: nm[m.SenderID], Unread: -1}
	if q != nil {
		body := []rune(shown(q))
		if len(body) > quoteLen {
			body = append(body[:quoteLen], '…')
		}
		v.Reply = &Quote{ID: q.ID, Seq: q.Seq, SenderID: q.SenderID, SenderName: nm[q.SenderID], Body: string(body),
			Recalled: q.RecalledAt != nil}
	}
	return v
}

// loadOwnable reads a message and the actor's membership of its conversation.
func loadOwnable(tx *gorm.DB, a identity.Actor, id string) (*Message, *Conversation, *Member, error) {
	var m Message
	if err := tx.First(&m, "id = ?", id).Error; err != nil {
		if store.IsNotFound(err) {
			return nil, nil, nil, ErrMessageNotFound
		}
		return nil, nil, nil, fmt.Errorf("chat: load message: %w", err)
	}
	c, me, err := membership(tx, m.ConversationID, a.UserID)
	if err != nil {
		return nil, nil, nil, ErrMessageNotFound
	}
	return &m, c, me, nil
}

// Edit replaces the text of the actor's own message within EditWindow; the
// message shows as edited.
func (s *Service) Edit(ctx context.Context, a identity.Actor, id string, req EditRequest) (MessageView, error) {
	req.Body = strings.TrimSpace(req.Body)
	var v apperr.Validator
	v.Check(req.Body != "", "body", "required")
	v.Check(utf8.RuneCountInString(req.Body) <= MaxBodyLen, "body", "too_long")
	if err := v.Err("chat.invalid_message", "the message is not valid"); err != nil {
		return MessageView{}, err
	}
	err := store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
		m, c, _, err := loadOwnable(tx, a, id)
		if err != nil {
			return err
		}
		now := s.clock.Now()
		switch {
		case m.SenderID != a.UserID:
			return ErrForbidden
		case m.RecalledAt != nil:
			return ErrRecalled
		case c.ArchivedAt != nil:
			return ErrArchived
		case m.Kind != MessageText && m.Kind != "":
			return errNotText
		case now.Sub(m.CreatedAt) > EditWindow:
			return ErrEditExpired
		}
		if err := tx.Model(&Message{}).Where("id = ?", id).Updates(map[string]any{"body": req.Body, "edited_at": now}).Error; err != nil {
			return fmt.Errorf("chat: edit: %w", err)
		}
		m.Body, m.EditedAt = req.Body, &now
		if err := indexMessage(tx, m); err != nil {
			return err
		}
		ids, err := memberIDs(tx, c.ID)
		if err != nil {
			return err
		}
		return emitMessage(tx, a, c, m, ActionEdited, ids)
	})
	if err != nil {
		return MessageView{}, err
	}
	return s.GetMessage(ctx, a, id)
}

// Recall withdraws a message: the sender within RecallWindow, a group's
// owner and admins any message at any time. Its text is erased, and its
// file is deleted from the drive unless a forwarded copy still refers to it.
func (s *Service) Recall(ctx context.Context, a identity.Actor, id string) (MessageView, error) {
	var released []FileRef
	err := store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
		released = released[:0]
		m, c, me, err := loadOwnable(tx, a, id)
		if err != nil {
			return err
		}
		now := s.clock.Now()
		moderator := c.Kind != KindDirect && me.isAdmin()
		switch {
		case m.RecalledAt != nil:
			return ErrRecalled
		case c.ArchivedAt != nil:
			return ErrArchived
		case m.SenderID != a.UserID && !moderator:
			return ErrForbidden
		case m.SenderID == a.UserID && !moderator && now.Sub(m.CreatedAt) > RecallWindow:
			return ErrRecallExpired
		}
		if err := tx.Model(&Message{}).Where("id = ?", id).Updates(map[string]any{"body": "", "recalled_at": now,
			"recalled_by": a.UserID, "file_id": "", "file": nil}).Error; err != nil {
			return fmt.Errorf("chat: recall: %w", err)
		}
		if m.File != nil {
			released = append(released, *m.File)
		}
		m.Body, m.RecalledAt = "", &now
		if err := indexMessage(tx, m); err != nil {
			return err
		}
		ids, err := memberIDs(tx, c.ID)
		if err != nil {
			return err
		}
		return emitMessage(tx, a, c, m, ActionRecalled, ids)
	})
	if err != nil {
		return MessageView{}, err
	}
	if err := s.releaseFiles(ctx, released); err != nil {
		return MessageView{}, err
	}
	return s.GetMessage(ctx, a, id)
}

// Forward copies a message the actor can read to conversations they may
// post in, in one transaction (all or none). ClientKey makes a retry safe.
func (s *Service) Forward(ctx context.Context, a identity.Actor, id string, req ForwardRequest) ([]MessageView, error) {
	targets := slices.Compact(slices.Sorted(slices.Values(req.ConversationIDs)))
	if len(targets) == 0 || len(targets) > 20 {
		return nil, apperr.Invalid("chat.invalid_message", "choose where to forward").WithField("conversation_ids", "required")
	}
	if req.ClientKey == "" {
		req.ClientKey = store.NewID()
	}
	var ids []string
	err := store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
		ids = ids[:0]
		m, _, _, err := loadOwnable(tx, a, id)
		if err != nil {
			return err
		}
		if m.RecalledAt != nil {
			return ErrRecalled
		}
		for _, t := range targets {
			key := req.ClientKey + ":" + id
			var prior Message
			if err := tx.Select("id").Where("conversation_id = ? AND sender_id = ? AND client_key = ?", t, a.UserID, key).
				Limit(1).Find(&prior).Error; err != nil {
				return fmt.Errorf("chat: find by key: %w", err)
			}
			if prior.ID != "" {
				ids = append(ids, prior.ID) // a retry: already forwarded there
				continue
			}
			r, err := s.send(tx, a, t, SendRequest{ClientKey: key, Body: m.Body, kind: m.Kind, file: m.File}, m.ID)
			if err != nil {
				return err
			}
			ids = append(ids, r.msg.ID)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]MessageView, 0, len(ids))
	for _, nid := range ids {
		v, err := s.GetMessage(ctx, a, nid)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}
