package org

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"tack/backend/apperr"
	"tack/backend/identity"
	"tack/backend/notify"
	"tack/backend/store"
)

// SessionTTL is how long a session lives without use.
const SessionTTL = 30 * 24 * time.Hour

// DefaultSessionLifetime is how long a session lives at most, however busy:
// a stolen token stops working after it even if it is used every minute.
const DefaultSessionLifetime = 30 * 24 * time.Hour

// SetSessionLifetime sets the server's default absolute lifetime of
// sessions (--session-days; 0 keeps DefaultSessionLifetime); administrators
// may set the workspace's own (SetSecuritySettings). Call it at wiring time,
// before the server takes requests.
func (s *Service) SetSessionLifetime(d time.Duration) {
	if d > 0 {
		s.sessionLifetime = d
	}
}

// expiry is when a session created at created and last used at now expires:
// SessionTTL after its last use, but never past its absolute lifetime.
func (s *Service) expiry(created, now time.Time) time.Time {
	end := created.Add(s.life())
	if exp := now.Add(SessionTTL); exp.Before(end) {
		return exp
	}
	return end
}

// ErrBadToken is returned for a missing, unknown or expired token.
var ErrBadToken = apperr.Unauthenticated("auth.session_expired", "please sign in again")

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// newSession stores a session for userID inside tx and returns its bearer token.
func (s *Service) newSession(tx *gorm.DB, userID, userAgent, ip string) (string, error) {
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", fmt.Errorf("org: session token: %w", err)
	}
	token := base64.RawURLEncoding.EncodeToString(raw[:])
	now := s.clock.Now()
	sess := Session{ID: hashToken(token), UserID: userID, UserAgent: userAgent, IP: ip,
		CreatedAt: now, LastSeenAt: now, ExpiresAt: s.expiry(now, now)}
	if err := tx.Create(&sess).Error; err != nil {
		return "", fmt.Errorf("org: create session: %w", err)
	}
	// Sweep this user's expired sessions so the table does not grow forever.
	if err := tx.Delete(&Session{}, "user_id = ? AND expires_at < ?", userID, now).Error; err != nil {
		return "", fmt.Errorf("org: sweep sessions: %w", err)
	}
	return token, nil
}

// Authenticate resolves a bearer token to its actor. It slides the session's
// expiry at most once a minute, so busy clients do not write on every request.
// A session used within the last minute is answered from the session cache
// (sessioncache.go), which every change to sessions, activity, roles, name
// or department invalidates at once on every replica; otherwise session,
// user and roles come from one statement (a join, one row per role).
func (s *Service) Authenticate(ctx context.Context, token string) (identity.Actor, error) {
	return s.authenticate(ctx, token, true)
}

// AuthenticateUncached is Authenticate reading the database whatever the
// cache holds (an event stream looks again after subscribing).
func (s *Service) AuthenticateUncached(ctx context.Context, token string) (identity.Actor, error) {
	return s.authenticate(ctx, token, false)
}

func (s *Service) authenticate(ctx context.Context, token string, cached bool) (identity.Actor, error) {
	if token == "" {
		return identity.Actor{}, ErrBadToken
	}
	id := hashToken(token)
	s.refreshLife(ctx)
	now := s.clock.Now()
	e, hit, gen := s.sessions.get(id)
	if cached && hit && now.Sub(e.lastSeen) <= time.Minute {
		if !now.Before(e.expires) || !now.Before(e.created.Add(s.life())) {
			return identity.Actor{}, ErrBadToken
		}
		a := e.actor
		a.Roles = slices.Clone(a.Roles)
		return a, nil
	}
	var rows []authRow
	err := s.db.WithContext(ctx).Raw(`SELECT s.id, s.user_id, s.created_at, s.last_seen_at, s.expires_at,
		u.name, u.department_id, u.active, u.must_change_password, r.role_id
		FROM sessions s JOIN users u ON u.id = s.user_id LEFT JOIN user_roles r ON r.user_id = u.id
		WHERE s.id = ? ORDER BY r.role_id`, id).Scan(&rows).Error
	if err != nil {
		return identity.Actor{}, fmt.Errorf("org: authenticate: %w", err)
	}
	if len(rows) == 0 {
		return identity.Actor{}, ErrBadToken
	}
	sess := rows[0]
	if !now.Before(sess.ExpiresAt) || !now.Before(sess.CreatedAt.Add(s.life())) {
		return identity.Actor{}, ErrBadToken
	}
	if !sess.Active {
		return identity.Actor{}, apperr.Unauthenticated("org.user_inactive", "this account has been deactivated")
	}
	actor := identity.Actor{UserID: sess.UserID, Name: sess.Name, DepartmentID: sess.DepartmentID, Roles: []string{},
		MustChangePassword: sess.MustChangePassword, SessionID: sess.ID}
	for _, r := range rows {
		if r.RoleID != nil {
			actor.Roles = append(actor.Roles, *r.RoleID)
		}
	}
	e = cachedSession{actor: actor, created: sess.CreatedAt, lastSeen: sess.LastSeenAt, expires: sess.ExpiresAt}
	if now.Sub(sess.LastSeenAt) > time.Minute {
		e.lastSeen, e.expires = now, s.expiry(sess.CreatedAt, now)
		res := s.db.WithContext(ctx).Model(&Session{}).Where("id = ?", sess.ID).
			Updates(map[string]any{"last_seen_at": e.lastSeen, "expires_at": e.expires})
		if res.Error != nil || res.RowsAffected == 0 {
			return actor, nil // not kept: the session may have ended meanwhile
		}
	}
	s.sessions.put(id, e, gen)
	a := actor
	a.Roles = slices.Clone(a.Roles)
	return a, nil
}

// authRow is one row of Authenticate's join.
type authRow struct {
	ID, UserID                       string
	CreatedAt, LastSeenAt, ExpiresAt time.Time
	Name, DepartmentID               string
	Active, MustChangePassword       bool
	RoleID                           *string
}

// RevokeSession ends the session behind token (logout) and closes the event
// streams it opened, on every replica.
func (s *Service) RevokeSession(ctx context.Context, token string) error {
	return s.authWrite(ctx, func(tx *gorm.DB) error {
		var sess Session
		if err := tx.First(&sess, "id = ?", hashToken(token)).Error; err != nil {
			if store.IsNotFound(err) {
				return nil
			}
			return fmt.Errorf("org: revoke session: %w", err)
		}
		if err := tx.Delete(&Session{}, "id = ?", sess.ID).Error; err != nil {
			return fmt.Errorf("org: revoke session: %w", err)
		}
		if err := authChanged(tx, "s:"+sess.ID); err != nil {
			return err
		}
		return notify.CloseStreams(tx, sess.UserID, sess.ID)
	})
}

// revokeUserSessions ends every session of a user inside tx but keepID (""
// keeps none) and closes the event streams they opened, on every replica
// (password change and reset). It returns how many sessions ended.
func revokeUserSessions(tx *gorm.DB, userID, keepID string) (int64, error) {
	if err := authChanged(tx, "u:"+userID); err != nil {
		return 0, err
	}
	var ids []string
	if err := tx.Model(&Session{}).Where("user_id = ? AND id <> ?", userID, keepID).Pluck("id", &ids).Error; err != nil {
		return 0, fmt.Errorf("org: sessions of %s: %w", userID, err)
	}
	res := tx.Delete(&Session{}, "user_id = ? AND id <> ?", userID, keepID)
	if res.Error != nil {
		return 0, fmt.Errorf("org: revoke sessions of %s: %w", userID, res.Error)
	}
	if len(ids) == 0 {
		return 0, nil
	}
	return res.RowsAffected, notify.CloseStreams(tx, userID, ids...)
}
