package org

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"time"

	"gorm.io/gorm"

	"tack/backend/apperr"
	"tack/backend/store"
)

// SessionTTL is how long a session lives without use.
const SessionTTL = 30 * 24 * time.Hour

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
		CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(SessionTTL)}
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
func (s *Service) Authenticate(ctx context.Context, token string) (Actor, error) {
	if token == "" {
		return Actor{}, ErrBadToken
	}
	var sess Session
	if err := s.db.WithContext(ctx).First(&sess, "id = ?", hashToken(token)).Error; err != nil {
		if store.IsNotFound(err) {
			return Actor{}, ErrBadToken
		}
		return Actor{}, fmt.Errorf("org: authenticate: %w", err)
	}
	now := s.clock.Now()
	if !now.Before(sess.ExpiresAt) {
		return Actor{}, ErrBadToken
	}
	actor, err := s.ActorFor(ctx, sess.UserID)
	if err != nil {
		return Actor{}, err
	}
	if now.Sub(sess.LastSeenAt) > time.Minute {
		s.db.WithContext(ctx).Model(&Session{}).Where("id = ?", sess.ID).
			Updates(map[string]any{"last_seen_at": now, "expires_at": now.Add(SessionTTL)})
	}
	return actor, nil
}

// RevokeSession ends the session behind token (logout).
func (s *Service) RevokeSession(ctx context.Context, token string) error {
	if err := s.db.WithContext(ctx).Delete(&Session{}, "id = ?", hashToken(token)).Error; err != nil {
		return fmt.Errorf("org: revoke session: %w", err)
	}
	return nil
}

// revokeUserSessions ends every session of a user inside tx (offboarding,
// password change).
func revokeUserSessions(tx *gorm.DB, userID string) error {
	if err := tx.Delete(&Session{}, "user_id = ?", userID).Error; err != nil {
		return fmt.Errorf("org: revoke sessions of %s: %w", userID, err)
	}
	return nil
}
