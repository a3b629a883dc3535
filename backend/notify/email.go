package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"mime"
	"net"
	"net/smtp"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"tack/backend/apperr"
	"tack/backend/audit"
	"tack/backend/store"
)

// EmailSettings configure the optional SMTP channel. The password is stored
// in the database (protect the database) and never returned by the API.
type EmailSettings struct {
	Enabled     bool   `json:"enabled"`
	Host        string `json:"host"`
	Port        int    `json:"port"`
	User        string `json:"user"`
	Password    string `json:"password,omitempty"`
	From        string `json:"from"`
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
func (s *Service) EmailSettings(ctx context.Context, a Actor) (EmailSettings, error) {
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
func (s *Service) SetEmailSettings(ctx context.Context, a Actor, in EmailSettings) (EmailSettings, error) {
	if !a.IsAdmin() {
		return EmailSettings{}, apperr.Forbidden("settings.forbidden", "administrators only")
	}
	in.Host = strings.TrimSpace(in.Host)
	in.From = strings.TrimSpace(in.From)
	v := &apperr.Validator{}
	v.Check(!in.Enabled || in.Host != "", "host", "required")
	v.Check(in.Port >= 0 && in.Port <= 65535, "port", "invalid")
	v.Check(!in.Enabled || strings.Contains(in.From, "@"), "from", "invalid_email")
	if err := v.Err("settings.invalid_email", "invalid email settings"); err != nil {
		return EmailSettings{}, err
	}
	if in.Port == 0 {
		in.Port = 587
	}
	old, err := s.loadEmail(ctx)
	if err != nil {
		return EmailSettings{}, err
	}
	if in.Password == "" {
		in.Password = old.Password
	}
	in.PasswordSet = false
	b, _ := json.Marshal(in)
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "name"}}, DoUpdates: clause.AssignmentColumns([]string{"value"})}).
			Create(&setting{Name: "email", Value: string(b)}).Error; err != nil {
			return err
		}
		return audit.Record(tx, audit.Entry{ActorID: a.UserID, Action: "settings.email", TargetType: "settings", TargetID: "email",
			Detail: map[string]any{"enabled": in.Enabled, "host": in.Host, "port": in.Port, "user": in.User, "from": in.From}})
	})
	if err != nil {
		return EmailSettings{}, fmt.Errorf("notify: save email settings: %w", err)
	}
	return s.EmailSettings(ctx, a)
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

// SendEmails mails each notification unread for 15 minutes whose user has
// no live connection (on any replica) and returns how many it sent.
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
			Order("id").Limit(200).Find(&due).Error
		if err != nil {
			return fmt.Errorf("notify: email scan: %w", err)
		}
		ids := make([]string, len(due))
		for i, n := range due {
			ids[i] = n.UserID
		}
		people, err := s.dir.People(ctx, ids)
		if err != nil {
			return err
		}
		for _, n := range due {
			p := people[n.UserID]
			res := db.Model(&Notification{}).Where("id = ? AND emailed_at IS NULL", n.ID).Update("emailed_at", now)
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected == 0 || !p.Active || !strings.Contains(p.Email, "@") || s.hub.Online(n.UserID) {
				continue
			}
			if err := sendMail(es, p.Email, n); err != nil {
				slog.Warn("notify: email send", "to", p.Email, "err", err)
				db.Model(&Notification{}).Where("id = ?", n.ID).Update("emailed_at", nil)
				return nil // SMTP trouble: retry next run
			}
			sent++
		}
		return nil
	})
	return sent, err
}

func sendMail(es EmailSettings, to string, n Notification) error {
	subject := "[Tack] " + n.Title
	var b strings.Builder
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: %s\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n",
		es.From, to, mime.QEncoding.Encode("UTF-8", subject))
	b.WriteString(n.Body + "\r\n")
	if n.Link != "" {
		b.WriteString("\r\n" + n.Link + "\r\n")
	}
	var auth smtp.Auth
	if es.User != "" {
		auth = smtp.PlainAuth("", es.User, es.Password, es.Host)
	}
	return smtp.SendMail(net.JoinHostPort(es.Host, strconv.Itoa(es.Port)), auth, es.From, []string{to}, []byte(b.String()))
}
