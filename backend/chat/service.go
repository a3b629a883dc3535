package chat

import (
	"fmt"
	"slices"

	"gorm.io/gorm"

	"tack/backend/clock"
	"tack/backend/event"
	"tack/backend/identity"
	"tack/backend/notify"
	"tack/backend/org"
	"tack/backend/store"
)

// ProjectGroupRoles may create project groups (the company policy restricts
// who creates groups); anyone creates a temporary group.
var ProjectGroupRoles = []string{org.RoleAdmin, org.RoleDeptHead, org.RoleGeneralManager}

// Service is the chat domain.
type Service struct {
	db    *gorm.DB
	clock clock.Clock
	org   *org.Service
	// dinger sends DINGs to the unread (SetDinger).
	dinger Dinger
	// files stores file messages in the drive (SetFiles); maxFile is the
	// per-file limit (0: DefaultMaxFileBytes).
	files   Files
	maxFile int64
	// meetings says who sat in which meeting (SetMeetings; busy.go).
	meetings Meetings
	// sendQ groups concurrent sends into one transaction (send_batch.go).
	sendQ store.GroupCommit[*sendJob]
}

// NewService builds the chat service. Register OnUserChanged,
// OnUserDeactivated, OnDepartmentChanged and OnDepartmentDeleted with org so
// the org's groups follow it.
func NewService(db *gorm.DB, clk clock.Clock, orgSvc *org.Service) *Service {
	return &Service{db: db, clock: clk, org: orgSvc, sendQ: store.GroupCommit[*sendJob]{Max: sendBatchFor(db)}}
}

func link(convID string) string { return "/chat/" + convID }

// loadConv reads a conversation (chat.not_found when missing).
func loadConv(db *gorm.DB, id string) (*Conversation, error) {
	var c Conversation
	if err := db.First(&c, "id = ?", id).Error; err != nil {
		if store.IsNotFound(err) {
			return nil, ErrNotFound
		}
		return nil, fmt.Errorf("chat: load conversation %s: %w", id, err)
	}
	return &c, nil
}

// membership returns the conversation and the actor's member row; a
// non-member gets chat.not_found: the conversation does not exist for them.
func membership(db *gorm.DB, convID, userID string) (*Conversation, *Member, error) {
	var m Member
	if err := db.First(&m, "conversation_id = ? AND user_id = ?", convID, userID).Error; err != nil {
		if store.IsNotFound(err) {
			return nil, nil, ErrNotFound
		}
		return nil, nil, fmt.Errorf("chat: load member: %w", err)
	}
	c, err := loadConv(db, convID)
	if err != nil {
		return nil, nil, err
	}
	return c, &m, nil
}

// members returns every member row of a conversation, in join order.
func members(db *gorm.DB, convID string) ([]Member, error) {
	var ms []Member
	if err := db.Where("conversation_id = ?", convID).Order("joined_at, user_id").Find(&ms).Error; err != nil {
		return nil, fmt.Errorf("chat: members: %w", err)
	}
	return ms, nil
}

func memberIDs(db *gorm.DB, convID string) ([]string, error) {
	var ids []string
	if err := db.Model(&Member{}).Where("conversation_id = ?", convID).Order("user_id").Pluck("user_id", &ids).Error; err != nil {
		return nil, fmt.Errorf("chat: member ids: %w", err)
	}
	return ids, nil
}

// names maps user IDs to names (read through db, so hooks can use their tx).
func names(db *gorm.DB, ids []string) (map[string]string, error) {
	out := map[string]string{}
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	for chunk := range slices.Chunk(ids, 500) {
		var us []org.User
		if err := db.Select("id, name").Where("id IN ?", chunk).Find(&us).Error; err != nil {
			return nil, fmt.Errorf("chat: names: %w", err)
		}
		for _, u := range us {
			out[u.ID] = u.Name
		}
	}
	return out, nil
}

// emitToMembers tells every current member of conversation id of change.
func emitToMembers(tx *gorm.DB, actorID string, c *Conversation, id, change string) error {
	ids, err := memberIDs(tx, id)
	if err != nil {
		return err
	}
	return emitConv(tx, actorID, c, change, ids)
}

// emitConv tells recipients that a conversation changed.
func emitConv(tx *gorm.DB, actorID string, c *Conversation, change string, recipients []string) error {
	if len(recipients) == 0 {
		return nil
	}
	return notify.Emit(tx, &notify.Event{Type: event.ChatConversation, SubjectType: "chat", SubjectID: c.ID,
		ActorID: actorID, Recipients: recipients,
		Data: event.Data(event.Conversation{Title: c.Name, Link: link(c.ID), ConversationID: c.ID, Change: change})})
}

// canCreateProject reports whether the actor's role allows project groups.
func canCreateProject(a identity.Actor) bool {
	return slices.ContainsFunc(ProjectGroupRoles, a.HasRole)
}
