package chat

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"tack/backend/apperr"
	"tack/backend/audit"
	"tack/backend/identity"
	"tack/backend/org"
	"tack/backend/store"
)

// MaxRetentionDays bounds the retention an administrator may set (ten years).
const MaxRetentionDays = 3650

// Settings are the company's chat rules. RetentionDays 0 keeps messages
// forever (the default); N deletes messages, and their files, older than
// N days.
type Settings struct {
	RetentionDays int        `json:"retention_days"`
	Version       int        `json:"version"`
	UpdatedBy     string     `json:"updated_by"`
	UpdatedAt     *time.Time `json:"updated_at"`
}

// settingsRow is the one row of chat_settings.
type settingsRow struct {
	ID            string `gorm:"primaryKey"`
	RetentionDays int
	Version       int
	UpdatedBy     string
	UpdatedAt     *time.Time
}

func (settingsRow) TableName() string { return "chat_settings" }

const settingsID = "company"

var errSettingsForbidden = apperr.Forbidden("chat.settings_forbidden", "only administrators manage chat settings")

func readSettings(db *gorm.DB) (Settings, error) {
	var r settingsRow
	if err := db.First(&r, "id = ?", settingsID).Error; err != nil {
		if store.IsNotFound(err) {
			return Settings{}, nil
		}
		return Settings{}, fmt.Errorf("chat: settings: %w", err)
	}
	return Settings{RetentionDays: r.RetentionDays, Version: r.Version, UpdatedBy: r.UpdatedBy, UpdatedAt: r.UpdatedAt}, nil
}

// GetSettings returns the company's chat settings (administrators).
func (s *Service) GetSettings(ctx context.Context, a identity.Actor) (Settings, error) {
	if !a.IsAdmin() {
		return Settings{}, errSettingsForbidden
	}
	return readSettings(s.db.WithContext(ctx))
}

// SetSettings changes the retention (administrators; audited). Version is
// the settings' version as read (0 before the first change).
func (s *Service) SetSettings(ctx context.Context, a identity.Actor, req Settings) (Settings, error) {
	if !a.IsAdmin() {
		return Settings{}, errSettingsForbidden
	}
	var v apperr.Validator
	v.Check(req.RetentionDays >= 0 && req.RetentionDays <= MaxRetentionDays, "retention_days", "out_of_range")
	if err := v.Err("chat.invalid_settings", "the chat settings are not valid"); err != nil {
		return Settings{}, err
	}
	err := store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
		cur, err := readSettings(tx)
		if err != nil {
			return err
		}
		if cur.Version != req.Version {
			return ErrStale
		}
		now := s.clock.Now()
		row := settingsRow{ID: settingsID, RetentionDays: req.RetentionDays, Version: cur.Version + 1, UpdatedBy: a.UserID, UpdatedAt: &now}
		if cur.Version == 0 {
			err = tx.Create(&row).Error
		} else {
			res := tx.Model(&settingsRow{}).Where("id = ? AND version = ?", settingsID, cur.Version).Updates(map[string]any{
				"retention_days": row.RetentionDays, "version": row.Version, "updated_by": a.UserID, "updated_at": now})
			if err = res.Error; err == nil && res.RowsAffected == 0 {
				return ErrStale
			}
		}
		if store.IsDuplicate(err) {
			return ErrStale
		}
		if err != nil {
			return fmt.Errorf("chat: save settings: %w", err)
		}
		return audit.Record(tx, audit.Entry{ActorID: a.UserID, Action: "chat.settings", TargetType: "chat_settings",
			TargetID: settingsID, Detail: map[string]any{"retention_days": req.RetentionDays, "was": cur.RetentionDays}, CreatedAt: now})
	})
	if err != nil {
		return Settings{}, err
	}
	return readSettings(s.db.WithContext(ctx))
}

// retentionBatch is how many messages one transaction deletes: short
// transactions, so senders are not held up behind the job.
const retentionBatch = 500

// ApplyRetention deletes the messages older than the retention, in
// batches, with their search entries, then the drive files no message
// refers to any more. It returns how many messages it deleted, and records
// that in the audit log. Replicas may run it at once: each batch deletes
// what is still there.
func (s *Service) ApplyRetention(ctx context.Context) (int, error) {
	db := s.db.WithContext(ctx)
	set, err := readSettings(db)
	if err != nil || set.RetentionDays == 0 {
		return 0, err
	}
	now := s.clock.Now()
	cutoff := now.AddDate(0, 0, -set.RetentionDays)
	total := 0
	for {
		var batch []Message
		if err := db.Select("id, file_id, file").Where("created_at < ?", cutoff).Order("created_at").Limit(retentionBatch).
			Find(&batch).Error; err != nil {
			return total, fmt.Errorf("chat: retention: %w", err)
		}
		if len(batch) == 0 {
			break
		}
		ids := make([]string, len(batch))
		var files []FileRef
		for i, m := range batch {
			ids[i] = m.ID
			if m.File != nil {
				files = append(files, *m.File)
			}
		}
		var n int64
		err := store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
			for _, id := range ids {
				if err := messageIndex.Delete(tx, id); err != nil {
					return err
				}
			}
			res := tx.Where("id IN ?", ids).Delete(&Message{})
			n = res.RowsAffected
			return res.Error
		})
		if err != nil {
			return total, fmt.Errorf("chat: retention delete: %w", err)
		}
		total += int(n)
		if err := s.releaseFiles(ctx, files); err != nil {
			return total, err
		}
		if len(batch) < retentionBatch {
			break
		}
	}
	if total > 0 {
		err = store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
			return audit.Record(tx, audit.Entry{ActorID: org.System.UserID, Action: "chat.retention", TargetType: "chat_settings",
				TargetID: settingsID, Detail: map[string]any{"deleted": total, "before": cutoff.Format(time.RFC3339),
					"retention_days": set.RetentionDays}, CreatedAt: now})
		})
	}
	return total, err
}

// RetentionJob applies the retention every hour.
type RetentionJob struct{ S *Service }

// Serve runs the job until ctx ends.
func (j RetentionJob) Serve(ctx context.Context) error {
	return store.Every(ctx, time.Hour, "chat: retention job", func(ctx context.Context) error {
		_, err := j.S.ApplyRetention(ctx)
		return err
	})
}
