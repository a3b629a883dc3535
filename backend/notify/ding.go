package notify

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"tack/backend/apperr"
	"tack/backend/event"
	"tack/backend/identity"
	"tack/backend/store"
)

// dingSubjects are what a person's DING may be about. ("notification" is
// only for the escalation policy's own DINGs: a notification is its one
// recipient's, so nobody else could open it.)
var dingSubjects = []string{"", "approval", "meeting", "announcement", "chat"}

// maxDingRecipients is how many people one DING reaches: a DING is a
// nudge to named people, not a broadcast (announcements are those).
const maxDingRecipients = 200

// SendDing sends an urgent reminder; each recipient must acknowledge it.
// A person may send at most Config.DingDailyLimit DINGs per day (a day in the company zone, Config.Location).
func (s *Service) SendDing(ctx context.Context, a identity.Actor, req DingRequest) (Ding, error) {
	return s.sendDing(ctx, a, req, maxDingRecipients, nil)
}

// sendDing is SendDing with a bound on the recipients (an announcement
// reminder goes to its whole audience that has not read it, however large)
// and, for a DING Tack words itself, its structured content.
func (s *Service) sendDing(ctx context.Context, a identity.Actor, req DingRequest, maxRecipients int, content *event.DingContent) (Ding, error) {
	req.Message = strings.TrimSpace(req.Message)
	var rec []string
	for _, r := range req.Recipients {
		if r != "" && r != a.UserID && !slices.Contains(rec, r) {
			rec = append(rec, r)
		}
	}
	v := &apperr.Validator{}
	v.Check(len(rec) > 0, "recipients", "required")
	v.Check(len(rec) <= maxRecipients, "recipients", "too_large")
	v.Check(req.Message != "", "message", "required")
	v.Check(utf8.RuneCountInString(req.Message) <= 1000, "message", "too_long")
	v.Check(slices.Contains(dingSubjects, req.SubjectType), "subject_type", "invalid")
	v.Check(req.SubjectType == "" || req.SubjectID != "", "subject_id", "required")
	if len(rec) > 0 {
		people, err := s.dir.People(ctx, rec)
		if err != nil {
			return Ding{}, err
		}
		for _, id := range rec {
			if p, ok := people[id]; !ok || !p.Active {
				v.Check(false, "recipients", "not_found")
			}
		}
	}
	if err := v.Err("ding.invalid", "invalid DING"); err != nil {
		return Ding{}, err
	}
	if err := s.checkDingSubject(ctx, a, req.SubjectType, req.SubjectID, rec); err != nil {
		return Ding{}, err
	}
	d := Ding{ID: store.NewID(), SenderID: a.UserID, SenderName: a.Name, Message: req.Message,
		SubjectType: req.SubjectType, SubjectID: req.SubjectID, Content: content, CreatedAt: s.clk.Now()}
	err := store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
		dayStart := s.dayStart(d.CreatedAt)
		// Serialise one sender's DINGs so two at once cannot both pass the limit.
		if err := store.XactLock(tx, "ding:"+a.UserID); err != nil {
			return err
		}
		var sent int64
		if err := tx.Model(&Ding{}).Where("sender_id = ? AND auto = ? AND created_at >= ?", a.UserID, false, dayStart).Count(&sent).Error; err != nil {
			return err
		}
		if sent >= int64(s.cfg.DingDailyLimit) {
			return errDingRateLimited.WithRetryAfter(dayStart.Add(24 * time.Hour).Sub(d.CreatedAt)) // the next day in the company zone
		}
		return s.createDing(tx, &d, rec)
	})
	if err != nil {
		return Ding{}, err
	}
	return s.GetDing(ctx, a, d.ID)
}

// createDing writes the DING, its receipts and the ding.received event in tx.
func (s *Service) createDing(tx *gorm.DB, d *Ding, rec []string) error {
	if err := tx.Create(d).Error; err != nil {
		return fmt.Errorf("notify: create ding: %w", err)
	}
	rs := make([]DingReceipt, len(rec))
	for i, id := range rec {
		rs[i] = DingReceipt{DingID: d.ID, UserID: id}
	}
	if err := tx.CreateInBatches(&rs, 500).Error; err != nil { // a reminder may go to thousands
		return fmt.Errorf("notify: create ding receipts: %w", err)
	}
	return Emit(tx, &Event{Type: event.DingReceived, SubjectType: "ding", SubjectID: d.ID, ActorID: d.SenderID,
		Recipients: rec, Data: event.Data(event.Ding{
			Title: d.Message, Link: "/ding/" + d.ID, DingID: d.ID, Message: d.Message,
			SenderID: d.SenderID, SenderName: d.SenderName, Auto: d.Auto,
			SubjectType: d.SubjectType, SubjectID: d.SubjectID, Content: d.Content,
		})})
}

// AckDing records the actor's acknowledgement (idempotent).
func (s *Service) AckDing(ctx context.Context, a identity.Actor, id string) (Ding, error) {
	var r DingReceipt
	db := s.db.WithContext(ctx)
	if err := db.Where("ding_id = ? AND user_id = ?", id, a.UserID).Take(&r).Error; err != nil {
		return Ding{}, errDingNotFound.Wrap(err)
	}
	if r.AckedAt == nil {
		if err := s.ack(ctx, a, id); err != nil {
			return Ding{}, err
		}
		if err := s.markSubjectRead(ctx, a.UserID, "ding", id); err != nil {
			return Ding{}, fmt.Errorf("notify: ack ding: %w", err)
		}
	}
	return s.GetDing(ctx, a, id)
}

// ack stores the acknowledgement and, in the same transaction, tells the
// sender (ding.acked) with the counts after it. Only the receipt that this
// call changed emits, so two confirmations at once emit once.
func (s *Service) ack(ctx context.Context, a identity.Actor, id string) error {
	now := s.clk.Now()
	return store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
		res := tx.Model(&DingReceipt{}).Where("ding_id = ? AND user_id = ? AND acked_at IS NULL", id, a.UserID).
			Update("acked_at", now)
		if res.Error != nil {
			return fmt.Errorf("notify: ack ding: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return nil
		}
		var d Ding
		if err := tx.Where("id = ?", id).Take(&d).Error; err != nil {
			return fmt.Errorf("notify: ack ding: %w", err)
		}
		if d.SenderID == "" || d.SenderID == a.UserID {
			return nil // nobody else follows this DING's receipts
		}
		var c struct{ Total, Acked int }
		if err := tx.Model(&DingReceipt{}).Select("COUNT(*) AS total, COUNT(acked_at) AS acked").
			Where("ding_id = ?", id).Scan(&c).Error; err != nil {
			return fmt.Errorf("notify: ack ding: %w", err)
		}
		return Emit(tx, &Event{Type: event.DingAcked, SubjectType: "ding", SubjectID: id, ActorID: a.UserID,
			Recipients: []string{d.SenderID}, Data: event.Data(event.DingAck{
				Title: d.Message, Link: "/ding/" + id, DingID: id, UserID: a.UserID, UserName: a.Name,
				AckedAt: now.UTC().Format(time.RFC3339), Acked: c.Acked, Total: c.Total,
			})})
	})
}

// GetDing returns a DING to its sender and to admins with every receipt, or
// to a receiver with their own receipt only.
func (s *Service) GetDing(ctx context.Context, a identity.Actor, id string) (Ding, error) {
	var d Ding
	db := s.db.WithContext(ctx)
	if err := db.Where("id = ?", id).Take(&d).Error; err != nil {
		return d, errDingNotFound.Wrap(err)
	}
	var rs []DingReceipt
	if err := db.Where("ding_id = ?", id).Order("user_id").Find(&rs).Error; err != nil {
		return d, fmt.Errorf("notify: ding receipts: %w", err)
	}
	mine := slices.IndexFunc(rs, func(r DingReceipt) bool { return r.UserID == a.UserID })
	if d.SenderID != a.UserID && !a.IsAdmin() && mine < 0 {
		return Ding{}, errDingNotFound
	}
	if mine >= 0 {
		d.AckedAt, d.Receiver = rs[mine].AckedAt, true
	}
	if d.SenderID != a.UserID && !a.IsAdmin() {
		// A receiver sees their own receipt only: who else was DINGed, and
		// who has acknowledged, is the sender's to follow. (An announcement
		// reminder goes to everyone who has not read it: the list would be
		// the receipts only the publisher may see.)
		rs = rs[mine : mine+1]
	}
	if err := s.nameReceipts(ctx, rs); err != nil {
		return d, err
	}
	d.Receipts = rs
	return d, nil
}

func (s *Service) nameReceipts(ctx context.Context, rs []DingReceipt) error {
	ids := make([]string, len(rs))
	for i, r := range rs {
		ids[i] = r.UserID
	}
	people, err := s.dir.People(ctx, ids)
	if err != nil {
		return err
	}
	for i := range rs {
		rs[i].Name = people[rs[i].UserID].Name
	}
	return nil
}

// ListDings lists DINGs the actor sent (box "sent") or received ("received"),
// newest first, with the receipts GetDing shows the actor.
func (s *Service) ListDings(ctx context.Context, a identity.Actor, box string, limit int, cursor string) ([]Ding, string, error) {
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	q := s.db.WithContext(ctx).Model(&Ding{})
	switch box {
	case "sent":
		q = q.Where("sender_id = ?", a.UserID)
	case "received", "":
		q = q.Where("id IN (?)", s.db.Model(&DingReceipt{}).Select("ding_id").Where("user_id = ?", a.UserID))
	default:
		return nil, "", apperr.Invalid("ding.invalid_box", "box must be sent or received").WithField("box", "invalid")
	}
	if cursor != "" {
		q = q.Where("id < ?", cursor)
	}
	var ds []Ding
	if err := q.Order("id DESC").Limit(limit + 1).Find(&ds).Error; err != nil {
		return nil, "", fmt.Errorf("notify: list dings: %w", err)
	}
	next := ""
	if len(ds) > limit {
		ds = ds[:limit]
		next = ds[limit-1].ID
	}
	for i := range ds {
		full, err := s.GetDing(ctx, a, ds[i].ID)
		if err != nil {
			return nil, "", err
		}
		ds[i] = full
	}
	return ds, next, nil
}
