package chat

import (
	"context"
	"errors"
	"fmt"

	"tack/backend/apperr"
	"tack/backend/identity"
	"tack/backend/notify"
)

// Dinger sends a DING (notify.Service): DingUnread reuses it, with its
// daily limit per sender and its receipts.
type Dinger interface {
	SendDing(ctx context.Context, a identity.Actor, req notify.DingRequest) (notify.Ding, error)
}

// SetDinger wires the DING service (server.New).
func (s *Service) SetDinger(d Dinger) { s.dinger = d }

// ErrAllRead: nobody is left to DING about a message.
var ErrAllRead = apperr.Conflict("chat.all_read", "everyone has read this message")

// DingUnreadRequest is the DING's text; empty means the message itself.
type DingUnreadRequest struct {
	Message string `json:"message"`
}

// DingUnread DINGs the members who have not read one of the actor's own
// messages (its receipts' unread list), about the conversation: a notify
// DING, under the sender's daily DING limit (ding.rate_limited).
func (s *Service) DingUnread(ctx context.Context, a identity.Actor, id string, req DingUnreadRequest) (notify.Ding, error) {
	db := s.db.WithContext(ctx)
	m, c, _, err := loadOwnable(db, a, id)
	if err != nil {
		return notify.Ding{}, err
	}
	switch {
	case m.SenderID != a.UserID:
		return notify.Ding{}, ErrForbidden
	case m.RecalledAt != nil:
		return notify.Ding{}, ErrRecalled
	case c.ArchivedAt != nil:
		return notify.Ding{}, ErrArchived
	}
	ms, err := members(db, c.ID)
	if err != nil {
		return notify.Ding{}, err
	}
	var rec []string
	for _, x := range ms {
		if x.UserID != m.SenderID && x.JoinedSeq < m.Seq && x.ReadSeq < m.Seq {
			rec = append(rec, x.UserID)
		}
	}
	if len(rec) == 0 {
		return notify.Ding{}, ErrAllRead
	}
	if s.dinger == nil {
		return notify.Ding{}, fmt.Errorf("chat: no DING service wired")
	}
	text := req.Message
	if text == "" {
		body := []rune(m.Body)
		if len(body) > 200 {
			body = append(body[:200], '…')
		}
		text = string(body)
	}
	return s.dinger.SendDing(ctx, a, notify.DingRequest{Recipients: rec, Message: text, SubjectType: "chat", SubjectID: c.ID})
}

// DingAccess answers notify about DINGs whose subject is a conversation:
// its members may open it.
func (s *Service) DingAccess() notify.SubjectAccess { return dingAccess{s} }

type dingAccess struct{ s *Service }

func (d dingAccess) CanSee(ctx context.Context, userID, id string) (bool, error) {
	_, _, err := membership(d.s.db.WithContext(ctx), id, userID)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}
