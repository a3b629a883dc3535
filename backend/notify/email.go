package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"tack/backend/apperr"
	"tack/backend/audit"
	"tack/backend/identity"
	"tack/backend/store"
)

// EmailSettings configure the optional SMTP channel. The password is stored
// in the database (protect the database) and never returned by the API.
type EmailSettings struct {
	Enabled  bool   `json:"enabled"`
	Host     string `json:"host"`
	Port     int    `json:"port"`
	Security string `json:"security"` // SecurityAuto, SecurityStartTLS, SecurityTLS or SecurityNone
	User     string `json:"user"`
	Password string `json:"password,omitempty"`
	From     string `json:"from"`
	// SiteURL is Tack's address as people open it ("https://tack.example.com"):
	// the links in emails start with it.
	SiteURL     string `json:"site_url"`
	PasswordSet bool   `json:"password_set"`
}

// emailDelay: a notification unread this long, for someone with no live
// connection, is sent by email.
const emailDelay = 15 * time.Minute

// presenceTTL: a user counts as connected when an SSE stream of theirs
// touched presence this recently (streams touch it every heartbeat).
const presenceTTL = time.Minute

const emailLockName = "notify.email"

type setting struct {
	Name  string `gorm:"primaryKey"`
	Value string
}

func (setting) TableName() string { return "notify_settings" }

func (s *Service) loadEmail(ctx context.Context) (EmailSettings, error) {
	var st setting
	var es EmailSettings
	err := s.db.WithContext(ctx).Where("name = ?", "email").Take(&st).Error
	if store.IsNotFound(err) {
		return EmailSettings{Port: 587}, nil
	}
	if err != nil {
		return es, fmt.Errorf("notify: email settings: %w", err)
	}
	if err := json.Unmarshal([]byte(st.Value), &es); err != nil {
		return es, fmt.Errorf("notify: email settings: %w", err)
	}
	return es, nil
}

// EmailSettings returns the SMTP settings without the password (admin only).
func (s *Service) EmailSettings(ctx context.Context, a identity.Actor) (EmailSettings, error) {
	if !a.IsAdmin() {
		return EmailSettings{}, apperr.Forbidden("settings.forbidden", "administrators only")
	}
	es, err := s.loadEmail(ctx)
	es.PasswordSet = es.Password != ""
	es.Password = ""
	return es, err
}

// SetEmailSettings saves the SMTP settings (admin only). An empty password
// keeps the stored one.
func (s *Service) SetEmailSettings(ctx context.Context, a identity.Actor, in EmailSettings) (EmailSettings, error) {
	if !a.IsAdmin() {
		return EmailSettings{}, apperr.Forbidden("settings.forbidden", "administrators only")
	}
	old, err := s.loadEmail(ctx)
	if err != nil {
		return EmailSettings{}, err
	}
	if err := checkEmailSettings(&in, old); err != nil {
		return EmailSettings{}, err
	}
	b, _ := json.Marshal(in)
	err = store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
		if err := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "name"}}, DoUpdates: clause.AssignmentColumns([]string{"value"})}).
			Create(&setting{Name: "email", Value: string(b)}).Error; err != nil {
			return err
		}
		return audit.Record(tx, audit.Entry{ActorID: a.UserID, Action: "settings.email", TargetType: "settings", TargetID: "email",
			Detail: map[string]any{"enabled": in.Enabled, "host": in.Host, "port": in.Port, "security": in.Security, "user": in.User,
				"from": in.From, "site_url": in.SiteURL}})
	})
	if err != nil {
		return EmailSettings{}, fmt.Errorf("notify: save email settings: %w", err)
	}
	return s.EmailSettings(ctx, a)
}

// checkEmailSettings validates in (an empty password keeps old's) and fills
// the defaults, before anything is saved or sent.
func checkEmailSettings(in *EmailSettings, old EmailSettings) error {
	in.Host = strings.TrimSpace(in.Host)
	in.From = strings.TrimSpace(in.From)
	in.SiteURL = strings.TrimRight(strings.TrimSpace(in.SiteURL), "/")
	v := &apperr.Validator{}
	v.Check(!in.Enabled || in.Host != "", "host", "required")
	v.Check(in.Port >= 0 && in.Port <= 65535, "port", "invalid")
	_, ferr := mail.ParseAddress(in.From)
	v.Check((!in.Enabled && in.From == "") || ferr == nil, "from", "invalid_email")
	v.Check(slices.Contains([]string{SecurityAuto, SecurityStartTLS, SecurityTLS, SecurityNone}, in.Security), "security", "invalid")
	v.Check(in.SiteURL == "" || validSiteURL(in.SiteURL), "site_url", "invalid")
	if err := v.Err("settings.invalid_email", "invalid email settings"); err != nil {
		return err
	}
	if in.Port == 0 {
		in.Port = 587
		if in.Security == SecurityTLS {
			in.Port = 465
		}
	}
	if in.Password == "" {
		in.Password = old.Password
	}
	in.PasswordSet = false
	return nil
}

// SendTestEmail sends a test message to the actor's own address with the
// settings given (not yet saved; an empty password uses the saved one), so
// an administrator sees at once whether they work. Admin only.
func (s *Service) SendTestEmail(ctx context.Context, a identity.Actor, in EmailSettings) error {
	if !a.IsAdmin() {
		return apperr.Forbidden("settings.forbidden", "administrators only")
	}
	old, err := s.loadEmail(ctx)
	if err != nil {
		return err
	}
	in.Enabled = true // validate as if on
	if err := checkEmailSettings(&in, old); err != nil {
		return err
	}
	people, err := s.dir.People(ctx, []string{a.UserID})
	if err != nil {
		return err
	}
	p := people[a.UserID]
	l := lang(p.Locale)
	msg, err := buildMessage(in.From, p.Email, word(l, "testSub"), word(l, "testBody")+"\n", s.clk.Now())
	if err != nil {
		return err
	}
	if err := deliverMail(ctx, in, s.emailTLS, p.Email, msg); err != nil {
		step, detail := "connect", err.Error()
		var mp *MailProblem
		if errors.As(err, &mp) {
			step, detail = mp.Step, mp.Err.Error()
		}
		// The server's own words help the administrator; they are no secret of Tack's.
		return apperr.Invalid("settings.email_failed", detail).WithField("smtp", step)
	}
	return nil
}

// TouchPresence records that userID has a live stream now.
func (s *Service) TouchPresence(ctx context.Context, userID string) error {
	return s.db.WithContext(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "user_id"}}, DoUpdates: clause.AssignmentColumns([]string{"seen_at"})}).
		Table("notify_presence").Create(map[string]any{"user_id": userID, "seen_at": s.clk.Now()}).Error
}

// EmailJob sends unread notifications by email to people who are offline.
type EmailJob struct {
	S        *Service
	Interval time.Duration
}

// Serve runs until ctx ends.
func (j EmailJob) Serve(ctx context.Context) error {
	iv := j.Interval
	if iv <= 0 {
		iv = time.Minute
	}
	t := time.NewTicker(iv)
	defer t.Stop()
	for {
		if _, err := j.S.SendEmails(ctx); err != nil && ctx.Err() == nil {
			slog.Error("notify: email", "err", err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

// SendEmails mails people who are offline their notifications unread for
// 15 minutes: one email per person per run, and not sooner than 15 minutes
// after their last one (what arrives meanwhile waits for the next). It
// returns how many emails it sent.
func (s *Service) SendEmails(ctx context.Context) (int, error) {
	es, err := s.loadEmail(ctx)
	if err != nil || !es.Enabled || es.Host == "" {
		return 0, err
	}
	sent := 0
	_, err = store.WithJobLock(ctx, s.db, emailLockName, func(db *gorm.DB) error {
		now := s.clk.Now()
		var due []Notification
		err := db.Where("read_at IS NULL AND emailed_at IS NULL AND created_at <= ? AND created_at > ?", now.Add(-emailDelay), now.Add(-7*24*time.Hour)).
			Where("user_id NOT IN (?)", s.db.Table("notify_presence").Select("user_id").Where("seen_at > ?", now.Add(-presenceTTL))).
			Where("user_id NOT IN (?)", s.db.Model(&Notification{}).Select("user_id").Where("emailed_at > ?", now.Add(-emailDelay))).
			Order("id").Limit(500).Find(&due).Error
		if err != nil {
			return fmt.Errorf("notify: email scan: %w", err)
		}
		var users []string
		byUser := map[string][]Notification{}
		for _, n := range due {
			if _, ok := byUser[n.UserID]; !ok {
				users = append(users, n.UserID)
			}
			byUser[n.UserID] = append(byUser[n.UserID], n)
		}
		people, err := s.dir.People(ctx, users)
		if err != nil {
			return err
		}
		for _, uid := range users {
			notes := byUser[uid]
			ids := make([]string, len(notes))
			for i, n := range notes {
				ids[i] = n.ID
			}
			p := people[uid]
			if err := db.Model(&Notification{}).Where("id IN ? AND emailed_at IS NULL", ids).Update("emailed_at", now).Error; err != nil {
				return err
			}
			if !p.Active || !strings.Contains(p.Email, "@") || s.hub.Online(uid) {
				continue
			}
			subject, body := renderMail(es, p, notes)
			msg, err := buildMessage(es.From, p.Email, subject, body, now)
			if err == nil {
				err = deliverMail(ctx, es, s.emailTLS, p.Email, msg)
			}
			if err != nil {
				slog.Warn("notify: email send", "to", p.Email, "err", err)
				var mp *MailProblem
				if errors.As(err, &mp) && mp.Recipient && mp.permanent() {
					// This address is refused for good (a typo, a mailbox
					// that was closed): skip it, or the same refusal would
					// come first on every run and nobody after it would get
					// mail until the notices were a week old.
					continue
				}
				db.Model(&Notification{}).Where("id IN ?", ids).Update("emailed_at", nil)
				if errors.As(err, &mp) && mp.Recipient {
					continue // refused for now: this person again next run, the others now
				}
				return nil // SMTP trouble: retry next run
			}
			sent++
		}
		return nil
	})
	return sent, err
}
