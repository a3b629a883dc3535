package chat

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"tack/backend/apperr"
	"tack/backend/identity"
)

// FindFilter is an administrator's search for conversations to export:
// Query matches a group's name or a member's name (a direct chat is found
// by either person), Kind narrows to one kind; Cursor pages on.
type FindFilter struct {
	Query  string
	Kind   string
	Cursor string
	Limit  int
}

// FoundConversation is one conversation in the administrator's list: what
// tells it apart, not its messages.
type FoundConversation struct {
	ID            string     `json:"id"`
	Kind          string     `json:"kind"`
	Title         string     `json:"title"` // the group's name; a direct chat's two people
	MemberCount   int        `json:"member_count"`
	Members       []Person   `json:"members"` // the first few, by name
	LastSeq       int64      `json:"last_seq"`
	LastMessageAt *time.Time `json:"last_message_at"`
	ArchivedAt    *time.Time `json:"archived_at"`
	CreatedAt     time.Time  `json:"created_at"`
}

// FoundPage is a page of FindConversations.
type FoundPage struct {
	Items      []FoundConversation `json:"items"`
	NextCursor string              `json:"next_cursor"`
}

const foundMembersShown = 5

var errFindForbidden = apperr.Forbidden("chat.export_forbidden", "only administrators export conversations")

func invalidFind(field, why string) error {
	return apperr.Invalid("chat.invalid_find", "the search is not valid").WithField(field, why)
}

// FindConversations lists every conversation of the company, member or
// not, for an administrator to export (ExportConversation, audited); the
// newest activity first. Anyone else gets chat.export_forbidden. The list
// shows names, kinds and member counts, never messages.
func (s *Service) FindConversations(ctx context.Context, a identity.Actor, f FindFilter) (FoundPage, error) {
	if !a.IsAdmin() {
		return FoundPage{}, errFindForbidden
	}
	f.Query = strings.TrimSpace(f.Query)
	switch {
	case !utf8.ValidString(f.Query):
		return FoundPage{}, invalidFind("q", "invalid")
	case strings.ContainsFunc(f.Query, unicode.IsControl):
		return FoundPage{}, invalidFind("q", "control_character")
	case utf8.RuneCountInString(f.Query) > 100:
		return FoundPage{}, invalidFind("q", "too_long")
	case f.Kind != "" && !slices.Contains([]string{KindDirect, KindAllStaff, KindDepartment, KindProject, KindTemporary}, f.Kind):
		return FoundPage{}, invalidFind("kind", "invalid")
	}
	offset := 0
	if f.Cursor != "" {
		n, err := strconv.Atoi(f.Cursor)
		if err != nil || n < 0 || n > 1_000_000 {
			return FoundPage{}, invalidFind("cursor", "invalid")
		}
		offset = n
	}
	if f.Limit <= 0 || f.Limit > 100 {
		f.Limit = 30
	}
	db := s.db.WithContext(ctx)
	q := db.Model(&Conversation{})
	if f.Kind != "" {
		q = q.Where("kind = ?", f.Kind)
	}
	if f.Query != "" {
		like := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(strings.ToLower(f.Query)) + "%"
		q = q.Where(`LOWER(name) LIKE ? ESCAPE '\' OR id IN (?)`, like,
			db.Table("chat_members AS m").Select("m.conversation_id").Joins("JOIN users AS u ON u.id = m.user_id").
				Where(`LOWER(u.name) LIKE ? ESCAPE '\'`, like))
	}
	var cs []Conversation
	if err := q.Order("COALESCE(last_message_at, created_at) DESC, id").Offset(offset).Limit(f.Limit + 1).Find(&cs).Error; err != nil {
		return FoundPage{}, fmt.Errorf("chat: find conversations: %w", err)
	}
	page := FoundPage{Items: []FoundConversation{}}
	if len(cs) > f.Limit {
		cs = cs[:f.Limit]
		page.NextCursor = strconv.Itoa(offset + f.Limit)
	}
	for _, c := range cs {
		ms, err := members(db, c.ID)
		if err != nil {
			return FoundPage{}, err
		}
		ids := make([]string, 0, foundMembersShown)
		for _, m := range ms[:min(len(ms), foundMembersShown)] {
			ids = append(ids, m.UserID)
		}
		nm, err := names(db, ids)
		if err != nil {
			return FoundPage{}, err
		}
		fc := FoundConversation{ID: c.ID, Kind: c.Kind, Title: c.Name, MemberCount: len(ms), Members: []Person{},
			LastSeq: c.LastSeq, LastMessageAt: c.LastMessageAt, ArchivedAt: c.ArchivedAt, CreatedAt: c.CreatedAt}
		for _, id := range ids {
			fc.Members = append(fc.Members, Person{ID: id, Name: nm[id]})
		}
		if c.Kind == KindDirect {
			ns := make([]string, len(fc.Members))
			for i, p := range fc.Members {
				ns[i] = p.Name
			}
			fc.Title = strings.Join(ns, " · ")
		}
		page.Items = append(page.Items, fc)
	}
	return page, nil
}
