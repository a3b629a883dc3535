package chat

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"gorm.io/gorm"

	"tack/backend/apperr"
	"tack/backend/event"
	"tack/backend/identity"
	"tack/backend/notify"
	"tack/backend/store"
)

// MaxAnnouncementLen bounds a group announcement (characters).
const MaxAnnouncementLen = 2000

// AnnouncementRequest sets (or, with an empty body, clears) the group
// announcement; Version is the conversation's, as for UpdateGroup.
type AnnouncementRequest struct {
	Body    string `json:"body"`
	Version int    `json:"version"`
}

// AnnouncementReceipts says who has and has not read the current announcement.
type AnnouncementReceipts struct {
	Version int      `json:"announcement_version"`
	Read    []Person `json:"read"`
	Unread  []Person `json:"unread"`
}

// SetAnnouncement pins a group announcement (群公告) at the top of the group
// (owner and admins). Each new text is a new announcement version: every
// member but the author has it unread, and is notified (a notification row,
// as company announcements make). Read state is one number per member (the
// version they last read), like the message watermark.
func (s *Service) SetAnnouncement(ctx context.Context, a identity.Actor, id string, req AnnouncementRequest) (ConversationView, error) {
	req.Body = strings.TrimSpace(req.Body)
	var v apperr.Validator
	v.Check(utf8.RuneCountInString(req.Body) <= MaxAnnouncementLen, "body", "too_long")
	if err := v.Err("chat.invalid_announcement", "the announcement is not valid"); err != nil {
		return ConversationView{}, err
	}
	err := store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
		c, m, err := membership(tx, id, a.UserID)
		if err != nil {
			return err
		}
		switch {
		case c.Kind == KindDirect:
			return ErrForbidden
		case !m.isAdmin():
			return ErrNotAdmin
		case c.ArchivedAt != nil:
			return ErrArchived
		}
		now := s.clock.Now()
		changes := map[string]any{"version": c.Version + 1, "updated_at": now, "announcement": req.Body,
			"announcement_by": a.UserID, "announcement_at": now, "announcement_version": c.AnnouncementVersion + 1}
		if req.Body == "" {
			changes["announcement_by"], changes["announcement_at"] = "", nil
		}
		res := tx.Model(&Conversation{}).Where("id = ? AND version = ?", id, req.Version).Updates(changes)
		if res.Error != nil {
			return fmt.Errorf("chat: set announcement: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return ErrStale
		}
		if err := tx.Model(&Member{}).Where("conversation_id = ? AND user_id = ?", id, a.UserID).
			Update("announcement_read", c.AnnouncementVersion+1).Error; err != nil {
			return fmt.Errorf("chat: author read: %w", err)
		}
		ids, err := memberIDs(tx, id)
		if err != nil {
			return err
		}
		if req.Body != "" {
			if err := notify.Emit(tx, &notify.Event{Type: event.ChatAnnouncement, SubjectType: "chat", SubjectID: id,
				ActorID: a.UserID, Recipients: ids, Data: event.Data(event.ChatAnnouncementData{Title: c.Name, Link: link(id),
					ConversationID: id, Body: excerpt(req.Body, 200), AuthorName: a.Name})}); err != nil {
				return err
			}
		}
		return emitConv(tx, a.UserID, c, "announcement", ids)
	})
	if err != nil {
		return ConversationView{}, err
	}
	return s.GetConversation(ctx, a, id)
}

func excerpt(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// ReadAnnouncement marks the group's current announcement read by the
// actor; its author (and the group's admins, who follow receipts) hear of it
// live.
func (s *Service) ReadAnnouncement(ctx context.Context, a identity.Actor, id string) (ConversationView, error) {
	err := store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
		c, m, err := membership(tx, id, a.UserID)
		if err != nil {
			return err
		}
		if c.AnnouncementVersion == 0 || c.Announcement == "" || m.AnnouncementRead >= c.AnnouncementVersion {
			return nil
		}
		if err := tx.Model(&Member{}).Where("conversation_id = ? AND user_id = ?", id, a.UserID).
			Update("announcement_read", c.AnnouncementVersion).Error; err != nil {
			return fmt.Errorf("chat: read announcement: %w", err)
		}
		var admins []string
		if err := tx.Model(&Member{}).Where("conversation_id = ? AND role IN ?", id, []string{RoleOwner, RoleAdmin}).
			Pluck("user_id", &admins).Error; err != nil {
			return fmt.Errorf("chat: admins: %w", err)
		}
		if c.AnnouncementBy != "" {
			admins = append(admins, c.AnnouncementBy)
		}
		return emitConv(tx, a.UserID, c, "announcement_read", slices.Compact(slices.Sorted(slices.Values(admins))))
	})
	if err != nil {
		return ConversationView{}, err
	}
	return s.GetConversation(ctx, a, id)
}

// AnnouncementReceipts lists who has read the current announcement (the
// group's owner and admins, and its author).
func (s *Service) AnnouncementReceipts(ctx context.Context, a identity.Actor, id string) (AnnouncementReceipts, error) {
	db := s.db.WithContext(ctx)
	c, m, err := membership(db, id, a.UserID)
	if err != nil {
		return AnnouncementReceipts{}, err
	}
	if !m.isAdmin() && c.AnnouncementBy != a.UserID {
		return AnnouncementReceipts{}, ErrNotAdmin
	}
	out := AnnouncementReceipts{Version: c.AnnouncementVersion, Read: []Person{}, Unread: []Person{}}
	if c.Announcement == "" {
		return out, nil
	}
	ms, err := members(db, id)
	if err != nil {
		return AnnouncementReceipts{}, err
	}
	ids := make([]string, len(ms))
	for i, x := range ms {
		ids[i] = x.UserID
	}
	nm, err := names(db, ids)
	if err != nil {
		return AnnouncementReceipts{}, err
	}
	for _, x := range ms {
		if x.UserID == c.AnnouncementBy {
			continue
		}
		p := Person{ID: x.UserID, Name: nm[x.UserID]}
		if x.AnnouncementRead >= c.AnnouncementVersion {
			out.Read = append(out.Read, p)
		} else {
			out.Unread = append(out.Unread, p)
		}
	}
	return out, nil
}
