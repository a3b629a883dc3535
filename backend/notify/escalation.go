package notify

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"tack/backend/event"
	"tack/backend/store"
)

// escalateTypes are the notifications that must be read: unread after 2 h
// (created inside working hours) or 12 h (outside) they are DINGed once.
var escalateTypes = []string{event.ApprovalTaskAssigned, event.AnnouncementPublished}

const escalationLockName = "notify.escalation"

// EscalationJob runs the DING escalation policy every Interval.
type EscalationJob struct {
	S        *Service
	Interval time.Duration
}

// Serve runs until ctx ends.
func (j EscalationJob) Serve(ctx context.Context) error {
	iv := j.Interval
	if iv <= 0 {
		iv = time.Minute
	}
	return store.Every(ctx, iv, "notify: escalation", func(ctx context.Context) error {
		_, err := j.S.Escalate(ctx)
		return err
	})
}

// EscalationDelay is how long a must-read notification created at t may stay
// unread: 2 h when created in working hours, 12 h outside.
func (s *Service) EscalationDelay(t time.Time) time.Duration {
	if s.cfg.WorkHours(t) {
		return 2 * time.Hour
	}
	return 12 * time.Hour
}

// escalationLate is how far past its due time a notice may be DINGed at any
// hour. Later than that (it waited for the daily limit, or the server was
// down) it waits for working hours: nobody is woken for yesterday's backlog.
const escalationLate = 10 * time.Minute

// maxTitlesPerDing bounds how many notice titles one automatic DING lists.
const maxTitlesPerDing = 10

// Escalate DINGs the must-read notifications left unread past their delay
// and returns how many DINGs it sent. Each person gets one DING per run for
// everything of theirs that fell due, and at most Config.EscalationDailyLimit
// automatic DINGs a day; what is held back by the limit is DINGed on a later
// day, inside working hours, if still unread. On PostgreSQL one replica works
// at a time (advisory lock); the escalated_at marker makes it exactly-once.
func (s *Service) Escalate(ctx context.Context) (int, error) {
	n := 0
	_, err := store.WithJobLock(ctx, s.db, escalationLockName, func(db *gorm.DB) error {
		now := s.clk.Now()
		working := s.cfg.WorkHours(now)
		due := map[string][]Notification{}
		var users []string
		var afterAt time.Time
		afterID := ""
		for {
			var page []Notification
			// 2 h is the shortest delay: anything younger cannot be due. Paged
			// by (created_at, id) along the unread index.
			if err := db.Where("read_at IS NULL AND escalated_at IS NULL AND type IN ? AND created_at <= ? AND (created_at, id) > (?, ?)",
				escalateTypes, now.Add(-2*time.Hour), afterAt, afterID).Order("created_at, id").Limit(500).Find(&page).Error; err != nil {
				return fmt.Errorf("notify: escalation scan: %w", err)
			}
			for _, nt := range page {
				at := nt.CreatedAt.Add(s.EscalationDelay(nt.CreatedAt))
				if now.Before(at) || (!working && now.Sub(at) > escalationLate) {
					continue
				}
				if _, ok := due[nt.UserID]; !ok {
					users = append(users, nt.UserID)
				}
				due[nt.UserID] = append(due[nt.UserID], nt)
			}
			if len(page) < 500 {
				break
			}
			afterAt, afterID = page[len(page)-1].CreatedAt, page[len(page)-1].ID
		}
		people, err := s.dir.People(ctx, users)
		if err != nil {
			return err
		}
		for _, uid := range users {
			sent, err := s.escalateFor(db, now, people[uid], due[uid])
			if err != nil {
				return fmt.Errorf("notify: escalate for %s: %w", uid, err)
			}
			if sent {
				n++
			}
		}
		return nil
	})
	return n, err
}

// escalateFor sends one person one automatic DING about their due notices,
// unless they left the company (the notices are then never DINGed) or have
// had their automatic DINGs for today.
func (s *Service) escalateFor(db *gorm.DB, now time.Time, p Person, due []Notification) (bool, error) {
	ids := make([]string, len(due))
	for i, nt := range due {
		ids[i] = nt.ID
	}
	if !p.Active { // left the company: never DING, stop scanning these
		return false, db.Model(&Notification{}).Where("id IN ?", ids).Update("escalated_at", now).Error
	}
	sent := false
	err := store.WriteTx(db.Statement.Context, db, func(tx *gorm.DB) error {
		sent = false // again on a retried run
		// Serialise with other DINGs to this person so the daily count holds.
		if err := store.XactLock(tx, "autoding:"+p.ID); err != nil {
			return err
		}
		dayStart := s.dayStart(now)
		var today int64
		if err := tx.Model(&DingReceipt{}).Where("user_id = ? AND ding_id IN (?)", p.ID,
			tx.Model(&Ding{}).Select("id").Where("auto = ? AND created_at >= ?", true, dayStart)).Count(&today).Error; err != nil {
			return fmt.Errorf("notify: auto DINGs today: %w", err)
		}
		if today >= int64(s.cfg.EscalationDailyLimit) {
			return nil // held back; a later day, in working hours
		}
		// Only notices still unread and not escalated by someone else.
		var left []Notification
		if err := tx.Where("id IN ? AND escalated_at IS NULL AND read_at IS NULL", ids).Order("id").Find(&left).Error; err != nil {
			return err
		}
		if len(left) == 0 {
			return nil
		}
		keep := make([]string, len(left))
		for i, nt := range left {
			keep[i] = nt.ID
		}
		if err := tx.Model(&Notification{}).Where("id IN ?", keep).Update("escalated_at", now).Error; err != nil {
			return err
		}
		d := Ding{ID: store.NewID(), SenderID: "system", SenderName: "Tack", Auto: true, CreatedAt: now,
			Content: unreadContent(left)}
		// Message is the English text, for clients older than Content.
		if len(left) == 1 {
			// About the notice's own subject, so the DING opens the approval or announcement.
			d.Message, d.SubjectType, d.SubjectID = "Unread: "+left[0].Title, left[0].SubjectType, left[0].SubjectID
		} else {
			titles := make([]string, 0, maxTitlesPerDing)
			for _, nt := range left[:min(len(left), maxTitlesPerDing)] {
				titles = append(titles, nt.Title)
			}
			d.Message = fmt.Sprintf("Unread (%d): %s", len(left), strings.Join(titles, "; "))
		}
		sent = true
		return s.createDing(tx, &d, []string{p.ID})
	})
	return sent, err
}

// unreadContent is what an automatic DING says: how many notices are
// unread and the first maxTitlesPerDing of them, each with its link.
func unreadContent(left []Notification) *event.DingContent {
	c := &event.DingContent{Kind: event.DingUnread, Count: len(left), Items: []event.DingItem{}}
	for _, nt := range left[:min(len(left), maxTitlesPerDing)] {
		en, _ := nt.Data["title_en"].(string)
		c.Items = append(c.Items, event.DingItem{Type: nt.Type, Title: nt.Title, TitleEn: en, Link: nt.Link})
	}
	return c
}
