package chat

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"tack/backend/apperr"
	"tack/backend/identity"
	"tack/backend/org"
	"tack/backend/store"
)

// MaxNameLen bounds a group's name (characters).
const MaxNameLen = 60

// OpenDirect returns the direct chat between the actor and req.UserID,
// creating it the first time: there is one per pair, found again, never
// duplicated (the unique direct_key settles two people opening it at once).
func (s *Service) OpenDirect(ctx context.Context, a identity.Actor, req DirectRequest) (ConversationView, error) {
	if req.UserID == "" || req.UserID == a.UserID {
		return ConversationView{}, apperr.Invalid("chat.invalid_conversation", "choose someone else").WithField("user_id", "invalid")
	}
	pair := []string{a.UserID, req.UserID}
	slices.Sort(pair)
	key := strings.Join(pair, "|")
	var id string
	err := store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
		var c Conversation
		err := tx.First(&c, "direct_key = ?", key).Error
		if err == nil {
			id = c.ID
			return nil
		}
		if !store.IsNotFound(err) {
			return fmt.Errorf("chat: find direct: %w", err)
		}
		inactive, err := org.LockActive(tx, []string{req.UserID})
		if err != nil {
			return err
		}
		if len(inactive) > 0 {
			return ErrUserNotFound
		}
		now := s.clock.Now()
		c = Conversation{ID: store.NewID(), Kind: KindDirect, DirectKey: &key, PostPolicy: PolicyAll, AddPolicy: PolicyAdmins,
			Version: 1, CreatedAt: now, UpdatedAt: now}
		if err := tx.Create(&c).Error; err != nil {
			return fmt.Errorf("chat: create direct: %w", err)
		}
		for _, uid := range pair {
			if err := addMember(tx, &c, uid, RoleMember, now); err != nil {
				return err
			}
		}
		id = c.ID
		return nil
	})
	if store.IsDuplicate(err) { // opened by the other person at the same moment
		var c Conversation
		if err := s.db.WithContext(ctx).First(&c, "direct_key = ?", key).Error; err != nil {
			return ConversationView{}, fmt.Errorf("chat: find direct: %w", err)
		}
		id, err = c.ID, nil
	}
	if err != nil {
		return ConversationView{}, err
	}
	return s.GetConversation(ctx, a, id)
}

// CreateGroup creates a project group (ProjectGroupRoles only) or a
// temporary group (anyone), owned by the actor, with the chosen members.
func (s *Service) CreateGroup(ctx context.Context, a identity.Actor, req NewGroupRequest) (ConversationView, error) {
	var v apperr.Validator
	req.Name = strings.TrimSpace(req.Name)
	v.Check(req.Kind == KindProject || req.Kind == KindTemporary, "kind", "invalid")
	v.Check(req.Name != "", "name", "required")
	v.Check(utf8.RuneCountInString(req.Name) <= MaxNameLen, "name", "too_long")
	v.Check(apperr.SingleLine(req.Name), "name", apperr.ControlCharacter) // a newline would forge a line in lists and notifications
	v.Check(len(req.MemberIDs) <= 1000, "member_ids", "too_large")
	if err := v.Err("chat.invalid_conversation", "the group is not valid"); err != nil {
		return ConversationView{}, err
	}
	if req.Kind == KindProject && !canCreateProject(a) {
		return ConversationView{}, ErrProjectRole
	}
	ids := slices.DeleteFunc(slices.Compact(slices.Sorted(slices.Values(req.MemberIDs))), func(id string) bool { return id == a.UserID || id == "" })
	var c Conversation
	err := store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
		inactive, err := org.LockActive(tx, ids)
		if err != nil {
			return err
		}
		if len(inactive) > 0 {
			return apperr.Invalid("chat.invalid_conversation", "the group is not valid").WithField("member_ids", "not_found")
		}
		now := s.clock.Now()
		c = Conversation{ID: store.NewID(), Kind: req.Kind, Name: req.Name, OwnerID: a.UserID, PostPolicy: PolicyAll,
			AddPolicy: PolicyAll, Version: 1, CreatedAt: now, UpdatedAt: now}
		if err := tx.Create(&c).Error; err != nil {
			return fmt.Errorf("chat: create group: %w", err)
		}
		if err := addMember(tx, &c, a.UserID, RoleOwner, now); err != nil {
			return err
		}
		for _, uid := range ids {
			if err := addMember(tx, &c, uid, RoleMember, now); err != nil {
				return err
			}
		}
		return emitConv(tx, a.UserID, &c, "created", ids)
	})
	if err != nil {
		return ConversationView{}, err
	}
	return s.GetConversation(ctx, a, c.ID)
}

// addMember puts userID in c: they read from now on (watermark at the
// newest message) and older messages do not count them as unread.
func addMember(tx *gorm.DB, c *Conversation, userID, role string, now time.Time) error {
	m := Member{ConversationID: c.ID, UserID: userID, Role: role, ReadSeq: c.LastSeq, JoinedSeq: c.LastSeq, JoinedAt: now}
	if err := tx.Create(&m).Error; err != nil {
		return fmt.Errorf("chat: add member: %w", err)
	}
	return nil
}

// removeMember takes userID out of c; an owner leaving hands the group on
// (an admin, else the successor when given and a member, else the longest
// member); a group nobody is left in is archived.
func removeMember(tx *gorm.DB, c *Conversation, userID, successor string, now time.Time) error {
	if err := tx.Delete(&Member{}, "conversation_id = ? AND user_id = ?", c.ID, userID).Error; err != nil {
		return fmt.Errorf("chat: remove member: %w", err)
	}
	if c.Kind == KindDirect || c.OwnerID != userID {
		return nil
	}
	rest, err := members(tx, c.ID)
	if err != nil {
		return err
	}
	next := ""
	for _, m := range rest {
		if m.Role == RoleAdmin {
			next = m.UserID
			break
		}
	}
	if next == "" && successor != "" && slices.ContainsFunc(rest, func(m Member) bool { return m.UserID == successor }) {
		next = successor
	}
	if next == "" && len(rest) > 0 {
		next = rest[0].UserID
	}
	changes := map[string]any{"owner_id": next, "updated_at": now, "version": gorm.Expr("version + 1")}
	if next == "" && c.ArchivedAt == nil && !c.orgManaged() {
		changes["archived_at"] = now
	}
	if err := tx.Model(&Conversation{}).Where("id = ?", c.ID).Updates(changes).Error; err != nil {
		return fmt.Errorf("chat: hand on: %w", err)
	}
	c.OwnerID = next
	if next == "" {
		return nil
	}
	if err := tx.Model(&Member{}).Where("conversation_id = ? AND user_id = ?", c.ID, next).Update("role", RoleOwner).Error; err != nil {
		return fmt.Errorf("chat: new owner: %w", err)
	}
	return nil
}

// ListConversations returns the actor's conversations: pinned first, then
// the most recently active.
func (s *Service) ListConversations(ctx context.Context, a identity.Actor) ([]ConversationView, error) {
	db := s.db.WithContext(ctx)
	var mine []Member
	if err := db.Where("user_id = ?", a.UserID).Find(&mine).Error; err != nil {
		return nil, fmt.Errorf("chat: my conversations: %w", err)
	}
	return s.views(db, a.UserID, mine, false)
}

// GetConversation returns one conversation of the actor's, with its members.
func (s *Service) GetConversation(ctx context.Context, a identity.Actor, id string) (ConversationView, error) {
	db := s.db.WithContext(ctx)
	_, m, err := membership(db, id, a.UserID)
	if err != nil {
		return ConversationView{}, err
	}
	vs, err := s.views(db, a.UserID, []Member{*m}, true)
	if err != nil {
		return ConversationView{}, err
	}
	return vs[0], nil
}

// views builds the reader's view of the conversations of their member rows.
func (s *Service) views(db *gorm.DB, userID string, mine []Member, withMembers bool) ([]ConversationView, error) {
	out := make([]ConversationView, 0, len(mine))
	if len(mine) == 0 {
		return out, nil
	}
	ids := make([]string, len(mine))
	for i, m := range mine {
		ids[i] = m.ConversationID
	}
	convs := map[string]Conversation{}
	counts := map[string]int{}
	peers := map[string]string{}
	lasts := map[string]Message{}
	for chunk := range slices.Chunk(ids, 500) {
		var cs []Conversation
		if err := db.Where("id IN ?", chunk).Find(&cs).Error; err != nil {
			return nil, fmt.Errorf("chat: conversations: %w", err)
		}
		for _, c := range cs {
			convs[c.ID] = c
		}
		type count struct {
			ConversationID string
			N              int
		}
		var ns []count
		if err := db.Model(&Member{}).Select("conversation_id, COUNT(*) AS n").Where("conversation_id IN ?", chunk).
			Group("conversation_id").Scan(&ns).Error; err != nil {
			return nil, fmt.Errorf("chat: member counts: %w", err)
		}
		for _, n := range ns {
			counts[n.ConversationID] = n.N
		}
		var others []Member
		if err := db.Joins("JOIN chat_conversations c ON c.id = chat_members.conversation_id AND c.kind = ?", KindDirect).
			Where("chat_members.conversation_id IN ? AND chat_members.user_id <> ?", chunk, userID).Find(&others).Error; err != nil {
			return nil, fmt.Errorf("chat: peers: %w", err)
		}
		for _, o := range others {
			peers[o.ConversationID] = o.UserID
		}
		var ms []Message
		if err := db.Joins("JOIN chat_conversations c ON c.id = chat_messages.conversation_id AND chat_messages.seq = c.last_seq").
			Where("chat_messages.conversation_id IN ?", chunk).Find(&ms).Error; err != nil {
			return nil, fmt.Errorf("chat: last messages: %w", err)
		}
		for _, m := range ms {
			lasts[m.ConversationID] = m
		}
	}
	people := []string{}
	for _, p := range peers {
		people = append(people, p)
	}
	for _, m := range lasts {
		people = append(people, m.SenderID)
	}
	for _, c := range convs {
		if c.AnnouncementBy != "" {
			people = append(people, c.AnnouncementBy)
		}
	}
	var all []Member
	if withMembers {
		var err error
		if all, err = members(db, mine[0].ConversationID); err != nil {
			return nil, err
		}
		for _, m := range all {
			people = append(people, m.UserID)
		}
	}
	nm, err := names(db, people)
	if err != nil {
		return nil, err
	}
	for _, m := range mine {
		c, ok := convs[m.ConversationID]
		if !ok {
			continue
		}
		v := ConversationView{Conversation: c, Title: c.Name, MyRole: m.Role, Muted: m.Muted, Pinned: m.Pinned,
			ReadSeq: m.ReadSeq, Unread: max(0, c.LastSeq-m.ReadSeq), MemberCount: counts[c.ID],
			AnnouncementUnread: c.Announcement != "" && m.AnnouncementRead < c.AnnouncementVersion,
			AnnouncementByName: nm[c.AnnouncementBy]}
		if c.Kind == KindDirect {
			v.PeerID = peers[c.ID]
			v.Title = nm[v.PeerID]
		}
		if last, ok := lasts[c.ID]; ok {
			mv := view(last, nm, nil)
			v.Last = &mv
		}
		if withMembers {
			for i := range all {
				all[i].Name = nm[all[i].UserID]
			}
			v.Members = all
		}
		out = append(out, v)
	}
	slices.SortStableFunc(out, func(x, y ConversationView) int {
		if x.Pinned != y.Pinned {
			if x.Pinned {
				return -1
			}
			return 1
		}
		return activity(y).Compare(activity(x))
	})
	return out, nil
}

func activity(v ConversationView) time.Time {
	if v.LastMessageAt != nil {
		return *v.LastMessageAt
	}
	return v.CreatedAt
}

// UpdateGroup changes a group's name and policies (owner and admins; the
// org's groups keep the department's name).
func (s *Service) UpdateGroup(ctx context.Context, a identity.Actor, id string, req UpdateGroupRequest) (ConversationView, error) {
	var v apperr.Validator
	if req.Name != nil {
		*req.Name = strings.TrimSpace(*req.Name)
		v.Check(*req.Name != "", "name", "required")
		v.Check(utf8.RuneCountInString(*req.Name) <= MaxNameLen, "name", "too_long")
		v.Check(apperr.SingleLine(*req.Name), "name", apperr.ControlCharacter)
	}
	policy := func(p *string, field string) {
		if p != nil {
			v.Check(*p == PolicyAll || *p == PolicyAdmins, field, "invalid")
		}
	}
	policy(req.PostPolicy, "post_policy")
	policy(req.AddPolicy, "add_policy")
	if err := v.Err("chat.invalid_conversation", "the group is not valid"); err != nil {
		return ConversationView{}, err
	}
	err := store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
		c, m, err := membership(tx, id, a.UserID)
		if err != nil {
			return err
		}
		if c.Kind == KindDirect {
			return ErrForbidden
		}
		if !m.isAdmin() {
			return ErrNotAdmin
		}
		if c.ArchivedAt != nil {
			return ErrArchived
		}
		changes := map[string]any{"version": c.Version + 1, "updated_at": s.clock.Now()}
		if req.Name != nil {
			if c.orgManaged() {
				return ErrOrgManaged
			}
			changes["name"] = *req.Name
			c.Name = *req.Name
		}
		if req.PostPolicy != nil {
			changes["post_policy"] = *req.PostPolicy
		}
		if req.AddPolicy != nil {
			changes["add_policy"] = *req.AddPolicy
		}
		if req.IncludeSub != nil {
			if c.Kind != KindDepartment {
				return apperr.Invalid("chat.invalid_conversation", "only department groups include sub-departments").WithField("include_sub", "invalid")
			}
			changes["include_sub"] = *req.IncludeSub
			c.IncludeSub = *req.IncludeSub
		}
		res := tx.Model(&Conversation{}).Where("id = ? AND version = ?", id, req.Version).Updates(changes)
		if res.Error != nil {
			return fmt.Errorf("chat: update group: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return ErrStale
		}
		if req.IncludeSub != nil {
			depts, err := departments(tx)
			if err != nil {
				return err
			}
			if err := s.syncGroup(tx, c, depts); err != nil {
				return err
			}
		}
		return emitToMembers(tx, a.UserID, c, id, "updated")
	})
	if err != nil {
		return ConversationView{}, err
	}
	return s.GetConversation(ctx, a, id)
}

// SetMine changes the actor's own mute and pin of a conversation.
func (s *Service) SetMine(ctx context.Context, a identity.Actor, id string, req MySettingsRequest) (ConversationView, error) {
	err := store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
		if _, _, err := membership(tx, id, a.UserID); err != nil {
			return err
		}
		changes := map[string]any{}
		if req.Muted != nil {
			changes["muted"] = *req.Muted
		}
		if req.Pinned != nil {
			changes["pinned"] = *req.Pinned
		}
		if len(changes) == 0 {
			return nil
		}
		if err := tx.Model(&Member{}).Where("conversation_id = ? AND user_id = ?", id, a.UserID).Updates(changes).Error; err != nil {
			return fmt.Errorf("chat: my settings: %w", err)
		}
		return nil
	})
	if err != nil {
		return ConversationView{}, err
	}
	return s.GetConversation(ctx, a, id)
}

// AddMembers adds active people to a group: its admins, or any member when
// the add policy is "all". The org's groups refuse (chat.org_managed).
func (s *Service) AddMembers(ctx context.Context, a identity.Actor, id string, req MembersRequest) (ConversationView, error) {
	if len(req.UserIDs) == 0 || len(req.UserIDs) > 1000 {
		return ConversationView{}, apperr.Invalid("chat.invalid_conversation", "choose people to add").WithField("user_ids", "required")
	}
	err := store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
		c, m, err := membership(tx, id, a.UserID)
		if err != nil {
			return err
		}
		switch {
		case c.Kind == KindDirect:
			return ErrForbidden
		case c.orgManaged():
			return ErrOrgManaged
		case c.ArchivedAt != nil:
			return ErrArchived
		case c.AddPolicy == PolicyAdmins && !m.isAdmin():
			return ErrAddForbidden
		}
		have, err := memberIDs(tx, id)
		if err != nil {
			return err
		}
		ids := slices.DeleteFunc(slices.Compact(slices.Sorted(slices.Values(req.UserIDs))), func(u string) bool { return slices.Contains(have, u) })
		inactive, err := org.LockActive(tx, ids)
		if err != nil {
			return err
		}
		if len(inactive) > 0 {
			return apperr.Invalid("chat.invalid_conversation", "the group is not valid").WithField("user_ids", "not_found")
		}
		now := s.clock.Now()
		for _, uid := range ids {
			if err := addMember(tx, c, uid, RoleMember, now); err != nil {
				return err
			}
		}
		if err := emitConv(tx, a.UserID, c, "created", ids); err != nil {
			return err
		}
		return emitConv(tx, a.UserID, c, "members", have)
	})
	if err != nil {
		return ConversationView{}, err
	}
	return s.GetConversation(ctx, a, id)
}

// RemoveMember takes someone out of a group: the owner and admins remove
// members (admins not the owner or other admins), anyone leaves by removing
// themselves (the owner hands the group on first).
func (s *Service) RemoveMember(ctx context.Context, a identity.Actor, id, userID string) error {
	return store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
		c, m, err := membership(tx, id, a.UserID)
		if err != nil {
			return err
		}
		if c.Kind == KindDirect {
			return ErrForbidden
		}
		if c.orgManaged() {
			return ErrOrgManaged
		}
		var target Member
		if err := tx.First(&target, "conversation_id = ? AND user_id = ?", id, userID).Error; err != nil {
			if store.IsNotFound(err) {
				return ErrUserNotFound
			}
			return fmt.Errorf("chat: load member: %w", err)
		}
		self := userID == a.UserID
		switch {
		case self && target.Role == RoleOwner:
			return ErrOwnerLeave
		case self:
		case !m.isAdmin():
			return ErrNotAdmin
		case target.Role == RoleOwner || (target.Role == RoleAdmin && m.Role != RoleOwner):
			return ErrNotOwner
		}
		if err := removeMember(tx, c, userID, "", s.clock.Now()); err != nil {
			return err
		}
		if err := emitConv(tx, a.UserID, c, "removed", []string{userID}); err != nil {
			return err
		}
		rest, err := memberIDs(tx, id)
		if err != nil {
			return err
		}
		return emitConv(tx, a.UserID, c, "members", rest)
	})
}

// SetRole makes a member an admin or a plain member, or hands the group on
// ("owner": the old owner becomes an admin). Owner only.
func (s *Service) SetRole(ctx context.Context, a identity.Actor, id, userID string, req RoleRequest) (ConversationView, error) {
	if req.Role != RoleAdmin && req.Role != RoleMember && req.Role != RoleOwner {
		return ConversationView{}, apperr.Invalid("chat.invalid_conversation", "no such role").WithField("role", "invalid")
	}
	err := store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
		c, m, err := membership(tx, id, a.UserID)
		if err != nil {
			return err
		}
		if c.Kind == KindDirect {
			return ErrForbidden
		}
		if m.Role != RoleOwner {
			return ErrNotOwner
		}
		if c.ArchivedAt != nil {
			return ErrArchived
		}
		if userID == a.UserID {
			return apperr.Invalid("chat.invalid_conversation", "choose another member").WithField("user_id", "invalid")
		}
		res := tx.Model(&Member{}).Where("conversation_id = ? AND user_id = ?", id, userID).Update("role", req.Role)
		if res.Error != nil {
			return fmt.Errorf("chat: set role: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return ErrUserNotFound
		}
		if req.Role == RoleOwner {
			if err := tx.Model(&Member{}).Where("conversation_id = ? AND user_id = ?", id, a.UserID).Update("role", RoleAdmin).Error; err != nil {
				return fmt.Errorf("chat: old owner: %w", err)
			}
			if err := tx.Model(&Conversation{}).Where("id = ?", id).Updates(map[string]any{"owner_id": userID,
				"version": gorm.Expr("version + 1"), "updated_at": s.clock.Now()}).Error; err != nil {
				return fmt.Errorf("chat: hand on: %w", err)
			}
		}
		return emitToMembers(tx, a.UserID, c, id, "members")
	})
	if err != nil {
		return ConversationView{}, err
	}
	return s.GetConversation(ctx, a, id)
}

// Dissolve archives a project or temporary group (owner only): the members
// keep reading it, nobody writes to it again.
func (s *Service) Dissolve(ctx context.Context, a identity.Actor, id string) (ConversationView, error) {
	err := store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
		c, m, err := membership(tx, id, a.UserID)
		if err != nil {
			return err
		}
		if c.Kind != KindProject && c.Kind != KindTemporary {
			return ErrForbidden
		}
		if m.Role != RoleOwner {
			return ErrNotOwner
		}
		if c.ArchivedAt != nil {
			return ErrArchived
		}
		now := s.clock.Now()
		if err := tx.Model(&Conversation{}).Where("id = ?", id).Updates(map[string]any{"archived_at": now,
			"version": gorm.Expr("version + 1"), "updated_at": now}).Error; err != nil {
			return fmt.Errorf("chat: dissolve: %w", err)
		}
		return emitToMembers(tx, a.UserID, c, id, "dissolved")
	})
	if err != nil {
		return ConversationView{}, err
	}
	return s.GetConversation(ctx, a, id)
}
