package org

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"gorm.io/gorm"

	"tack/backend/apperr"
	"tack/backend/identity"
	"tack/backend/store"
)

// SecuritySettings are the sign-in rules an administrator sets for the
// workspace. SessionDays is the absolute lifetime of a session in days (0:
// the server's default, DefaultDays, from --session-days).
type SecuritySettings struct {
	SessionDays int `json:"session_days"`
	DefaultDays int `json:"default_days"`
}

// maxSessionDays bounds the lifetime an administrator may choose.
const maxSessionDays = 365

// lifeRefresh is how often a replica re-reads the workspace's session
// lifetime: another replica's change takes effect here within it.
const lifeRefresh = 30 * time.Second

// lifeCache holds the workspace's session lifetime override (0: none) and
// when it was read (wall time: this is about propagation, not business time).
type lifeCache struct {
	override atomic.Int64 // nanoseconds
	readAt   atomic.Int64 // unix nanoseconds
}

// life is the absolute session lifetime in force (refreshLife keeps it current).
func (s *Service) life() time.Duration {
	if d := time.Duration(s.lifeCache.override.Load()); d > 0 {
		return d
	}
	return s.sessionLifetime
}

// refreshLife re-reads the workspace's setting when the cached one is old.
// Call it outside transactions (on SQLite a second connection would wait).
func (s *Service) refreshLife(ctx context.Context) {
	if time.Since(time.Unix(0, s.lifeCache.readAt.Load())) < lifeRefresh {
		return
	}
	var days int
	if err := s.db.WithContext(ctx).Model(&Company{}).Select("session_days").Where("id = ?", companyID).Scan(&days).Error; err != nil {
		return // keep the last value; the next request tries again
	}
	s.storeLife(days)
}

func (s *Service) storeLife(days int) {
	s.lifeCache.override.Store(int64(time.Duration(days) * 24 * time.Hour))
	s.lifeCache.readAt.Store(time.Now().UnixNano())
}

// SecuritySettings returns the workspace's sign-in rules (admins only).
func (s *Service) SecuritySettings(ctx context.Context, actor identity.Actor) (SecuritySettings, error) {
	if !actor.IsAdmin() {
		return SecuritySettings{}, errForbidden
	}
	var days int
	if err := s.db.WithContext(ctx).Model(&Company{}).Select("session_days").Where("id = ?", companyID).Scan(&days).Error; err != nil {
		return SecuritySettings{}, fmt.Errorf("org: security settings: %w", err)
	}
	return SecuritySettings{SessionDays: days, DefaultDays: int(s.sessionLifetime / (24 * time.Hour))}, nil
}

// SetSecuritySettings changes the workspace's sign-in rules (admins only).
// A shorter session lifetime also ends existing sessions older than it at
// their next request.
func (s *Service) SetSecuritySettings(ctx context.Context, actor identity.Actor, req SecuritySettings) (SecuritySettings, error) {
	if !actor.IsAdmin() {
		return SecuritySettings{}, errForbidden
	}
	var v apperr.Validator
	v.Check(req.SessionDays >= 0 && req.SessionDays <= maxSessionDays, "session_days", "invalid")
	if err := v.Err("org.invalid_settings", "the settings are not valid"); err != nil {
		return SecuritySettings{}, err
	}
	err := store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
		if err := tx.Model(&Company{}).Where("id = ?", companyID).Update("session_days", req.SessionDays).Error; err != nil {
			return fmt.Errorf("org: save security settings: %w", err)
		}
		return s.audit(tx, actor, "settings.security", "settings", "security", map[string]any{"session_days": req.SessionDays})
	})
	if err != nil {
		return SecuritySettings{}, err
	}
	s.storeLife(req.SessionDays)
	return s.SecuritySettings(ctx, actor)
}
