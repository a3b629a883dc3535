package notify

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
	"tack/backend/store"
)

// maxAudienceDepartments is how many departments one announcement may name
// (sub-departments come with them, so a real audience needs few).
const maxAudienceDepartments = 200

// CanPublish reports whether the actor may publish announcements.
func (s *Service) CanPublish(a identity.Actor) bool {
	for _, r := range s.cfg.PublisherRoles {
		if slices.Contains(a.Roles, r) {
			return true
		}
	}
	return a.IsAdmin()
}

// Publish creates an announcement for everyone or for departments (with
// their sub-departments), one receipt per audience member, and emits
// announcement.published to them.
func (s *Service) Publish(ctx context.Context, a identity.Actor, req AnnouncementRequest) (Announcement, error) {
	if !s.CanPublish(a) {
		return Announcement{}, errCannotPublish
	}
	req.Title = strings.TrimSpace(req.Title)
	if req.Format == "" {
		req.Format = "markdown"
	}
	v := &apperr.Validator{}
	v.Check(req.Title != "", "title", "required")
	v.Check(utf8.RuneCountInString(req.Title) <= 200, "title", "too_long")
	v.Check(apperr.SingleLine(req.Title), "title", apperr.ControlCharacter)
	v.Check(strings.TrimSpace(req.Body) != "", "body", "required")
	v.Check(len(req.Body) <= 100_000, "body", "too_long")
	v.Check(req.Format == "markdown" || req.Format == "plain", "format", "invalid")
	v.Check(req.Everyone || len(req.DepartmentIDs) > 0, "department_ids", "required")
	// Each department costs a walk of the tree: a bound keeps a huge list
	// (a script, a stolen HR session) from tying up the server.
	v.Check(req.Everyone || len(req.DepartmentIDs) <= maxAudienceDepartments, "department_ids", "too_large")
	if err := v.Err("announcement.invalid", "invalid announcement"); err != nil {
		return Announcement{}, err
	}
	if req.Everyone {
		req.DepartmentIDs = []string{}
	}
	audience, err := s.dir.Audience(ctx, req.Everyone, req.DepartmentIDs)
	if err != nil {
		return Announcement{}, fmt.Errorf("notify: audience: %w", err)
	}
	if len(audience) == 0 {
		return Announcement{}, apperr.Invalid("announcement.no_audience", "nobody is in the chosen departments").WithField("department_ids", "not_found")
	}
	an := Announcement{ID: store.NewID(), Title: req.Title, Body: req.Body, Format: req.Format, RequireAck: req.RequireAck,
		Everyone: req.Everyone, DepartmentIDs: req.DepartmentIDs, PublisherID: a.UserID, PublisherName: a.Name, CreatedAt: s.clk.Now()}
	err = store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
		if err := tx.Create(&an).Error; err != nil {
			return err
		}
		rs := make([]AnnouncementReceipt, len(audience))
		ids := make([]string, len(audience))
		for i, p := range audience {
			rs[i] = AnnouncementReceipt{AnnouncementID: an.ID, UserID: p.ID}
			ids[i] = p.ID
		}
		if err := tx.CreateInBatches(&rs, 200).Error; err != nil {
			return err
		}
		return Emit(tx, &Event{Type: event.AnnouncementPublished, SubjectType: "announcement", SubjectID: an.ID,
			ActorID: a.UserID, Recipients: ids, Data: event.Data(event.Announcement{
				Title: an.Title, Link: "/announcements/" + an.ID, RequireAck: an.RequireAck, PublisherName: a.Name})})
	})
	if err != nil {
		return Announcement{}, fmt.Errorf("notify: publish: %w", err)
	}
	return an, nil
}

// CanManage reports whether the actor sees the announcement's receipts and
// may remind its audience: admins, and its publisher while they may still
// publish (HR who moved to another job no longer follows who read what, nor
// DINGs the company about it).
func (s *Service) CanManage(a identity.Actor, an Announcement) bool { return s.canManage(a, an) }

func (s *Service) canManage(a identity.Actor, an Announcement) bool {
	return a.IsAdmin() || an.PublisherID == a.UserID && s.CanPublish(a)
}

// seesAnnouncement: its audience, its publisher and admins may see it.
func (s *Service) seesAnnouncement(ctx context.Context, a identity.Actor, an Announcement) (bool, error) {
	if a.IsAdmin() || an.PublisherID == a.UserID {
		return true, nil
	}
	return s.hasReceipt(ctx, an.ID, a.UserID)
}

// GetAnnouncement returns an announcement to its audience, publisher or an admin.
func (s *Service) GetAnnouncement(ctx context.Context, a identity.Actor, id string) (Announcement, error) {
	var an Announcement
	db := s.db.WithContext(ctx)
	if err := db.Where("id = ?", id).Take(&an).Error; err != nil {
		return an, errAnnouncementNotFound.Wrap(err)
	}
	var r AnnouncementReceipt
	err := db.Where("announcement_id = ? AND user_id = ?", id, a.UserID).Take(&r).Error
	if err != nil && !store.IsNotFound(err) {
		return an, fmt.Errorf("notify: receipt: %w", err)
	}
	if err != nil && !a.IsAdmin() && an.PublisherID != a.UserID {
		return Announcement{}, errAnnouncementNotFound
	}
	an.ReadAt, an.AckedAt = r.ReadAt, r.AckedAt
	return an, nil
}

// ListAnnouncements lists what the actor may see, newest first: their own
// audience's, plus (for publishers and admins) what they published / all.
func (s *Service) ListAnnouncements(ctx context.Context, a identity.Actor, limit int, cursor string) ([]Announcement, string, error) {
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	db := s.db.WithContext(ctx)
	q := db.Model(&Announcement{})
	if !a.IsAdmin() {
		q = q.Where("publisher_id = ? OR id IN (?)", a.UserID,
			s.db.Model(&AnnouncementReceipt{}).Select("announcement_id").Where("user_id = ?", a.UserID))
	}
	if cursor != "" {
		q = q.Where("id < ?", cursor)
	}
	var as []Announcement
	if err := q.Order("id DESC").Limit(limit + 1).Find(&as).Error; err != nil {
		return nil, "", fmt.Errorf("notify: list announcements: %w", err)
	}
	next := ""
	if len(as) > limit {
		as = as[:limit]
		next = as[limit-1].ID
	}
	ids := make([]string, len(as))
	for i, an := range as {
		ids[i] = an.ID
	}
	var rs []AnnouncementReceipt
	if len(ids) > 0 {
		if err := db.Where("user_id = ? AND announcement_id IN ?", a.UserID, ids).Find(&rs).Error; err != nil {
			return nil, "", fmt.Errorf("notify: list receipts: %w", err)
		}
	}
	for i := range as {
		for _, r := range rs {
			if r.AnnouncementID == as[i].ID {
				as[i].ReadAt, as[i].AckedAt = r.ReadAt, r.AckedAt
			}
		}
	}
	return as, next, nil
}

// MarkAnnouncementRead records that the actor opened it (idempotent); ack
// also acknowledges. Either marks the announcement's notification read.
func (s *Service) MarkAnnouncementRead(ctx context.Context, a identity.Actor, id string, ack bool) (Announcement, error) {
	an, err := s.GetAnnouncement(ctx, a, id)
	if err != nil {
		return an, err
	}
	if an.ReadAt != nil && (!ack || an.AckedAt != nil) {
		return an, nil
	}
	now := s.clk.Now()
	err = store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
		res := tx.Model(&AnnouncementReceipt{}).Where("announcement_id = ? AND user_id = ? AND read_at IS NULL", id, a.UserID).Update("read_at", now)
		if res.Error != nil {
			return res.Error
		}
		if ack {
			if err := tx.Model(&AnnouncementReceipt{}).Where("announcement_id = ? AND user_id = ? AND acked_at IS NULL", id, a.UserID).Update("acked_at", now).Error; err != nil {
				return err
			}
		}
		return tx.Model(&Notification{}).
			Where("user_id = ? AND subject_type = ? AND subject_id = ? AND read_at IS NULL", a.UserID, "announcement", id).
			Update("read_at", now).Error
	})
	if err != nil {
		return an, fmt.Errorf("notify: mark announcement read: %w", err)
	}
	return s.GetAnnouncement(ctx, a, id)
}

// AnnouncementReceipts groups the audience by state (publisher or admin only).
// "Acknowledged" holds those who acknowledged; "read" those who read but did
// not (yet) acknowledge; "not_yet" those who have not opened it.
func (s *Service) AnnouncementReceipts(ctx context.Context, a identity.Actor, id string) (Receipts, error) {
	var an Announcement
	db := s.db.WithContext(ctx)
	if err := db.Where("id = ?", id).Take(&an).Error; err != nil {
		return Receipts{}, errAnnouncementNotFound.Wrap(err)
	}
	// Those who may not see the announcement get the same 404 as from
	// GET announcements/{id}, so this route does not confirm it exists;
	// its audience knows it does and is told why not (403).
	sees, err := s.seesAnnouncement(ctx, a, an)
	if err != nil {
		return Receipts{}, err
	}
	if !sees {
		return Receipts{}, errAnnouncementNotFound
	}
	if !s.canManage(a, an) {
		return Receipts{}, apperr.Forbidden("announcement.forbidden", "only the publisher or an admin sees receipts")
	}
	var rs []AnnouncementReceipt
	if err := db.Where("announcement_id = ?", id).Find(&rs).Error; err != nil {
		return Receipts{}, fmt.Errorf("notify: receipts: %w", err)
	}
	ids := make([]string, len(rs))
	for i, r := range rs {
		ids[i] = r.UserID
	}
	people, err := s.dir.People(ctx, ids)
	if err != nil {
		return Receipts{}, err
	}
	out := Receipts{Read: []AnnouncementReceipt{}, Acknowledged: []AnnouncementReceipt{}, NotYet: []AnnouncementReceipt{}}
	for _, r := range rs {
		p, ok := people[r.UserID]
		if (!ok || !p.Active) && r.ReadAt == nil {
			continue // left the company before reading: nobody to remind
		}
		r.Name = p.Name
		switch {
		case r.AckedAt != nil:
			out.Acknowledged = append(out.Acknowledged, r)
		case r.ReadAt != nil:
			out.Read = append(out.Read, r)
		default:
			out.NotYet = append(out.NotYet, r)
		}
	}
	for _, l := range [][]AnnouncementReceipt{out.Read, out.Acknowledged, out.NotYet} {
		slices.SortFunc(l, func(x, y AnnouncementReceipt) int { return strings.Compare(x.Name, y.Name) })
	}
	return out, nil
}

// RemindAnnouncement DINGs everyone who has not read it (or, when it
// requires acknowledgement, not acknowledged it). Counts as one DING of the
// actor's daily allowance.
func (s *Service) RemindAnnouncement(ctx context.Context, a identity.Actor, id string) (Ding, error) {
	rc, err := s.AnnouncementReceipts(ctx, a, id)
	if err != nil {
		return Ding{}, err
	}
	an, err := s.GetAnnouncement(ctx, a, id)
	if err != nil {
		return Ding{}, err
	}
	pending := rc.NotYet
	if an.RequireAck {
		pending = append(slices.Clone(pending), rc.Read...)
	}
	if len(pending) == 0 {
		return Ding{}, apperr.Invalid("announcement.all_read", "everyone has already read it")
	}
	ids := make([]string, len(pending))
	for i, r := range pending {
		ids[i] = r.UserID
	}
	// The whole audience that has not read it, past SendDing's 200: a
	// company-wide notice must be remindable in one go.
	return s.sendDing(ctx, a, DingRequest{Recipients: ids, Message: "Please read: " + an.Title,
		SubjectType: "announcement", SubjectID: an.ID}, len(ids), &event.DingContent{Kind: event.DingPleaseRead, Count: 1,
		Items: []event.DingItem{{Type: event.AnnouncementPublished, Title: an.Title, Link: "/announcements/" + an.ID}}})
}
