package org

import (
	"context"
	"crypto/subtle"
	"fmt"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
	"gorm.io/gorm"

	"tack/backend/apperr"
	"tack/backend/identity"
)

// TOTPOptions are the authenticator parameters every app understands:
// 6 digits, 30-second steps, SHA-1, one step of clock skew either way.
var TOTPOptions = totp.ValidateOpts{Period: 30, Skew: 1, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// matchTOTP returns the time step that code is valid for (within the allowed
// skew) and newer than lastStep, or 0 when there is none. Remembering the
// step makes each code single-use.
func (s *Service) matchTOTP(secret, code string, lastStep int64) int64 {
	code = strings.TrimSpace(code)
	if secret == "" || len(code) != 6 {
		return 0
	}
	now := s.clock.Now()
	period := int64(TOTPOptions.Period)
	cur := now.Unix() / period
	for step := cur - int64(TOTPOptions.Skew); step <= cur+int64(TOTPOptions.Skew); step++ {
		if step <= lastStep {
			continue
		}
		want, err := totp.GenerateCodeCustom(secret, time.Unix(step*period, 0), TOTPOptions)
		if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return step
		}
	}
	return 0
}

// useTOTP checks code for user u and records its step so it cannot be replayed.
func (s *Service) useTOTP(tx *gorm.DB, u User, code string) (bool, error) {
	step := s.matchTOTP(u.TOTPSecret, code, u.TOTPLastStep)
	if step == 0 {
		return false, nil
	}
	// UpdateColumn: a hidden column, updated_at stays (GET /me's cached row).
	res := tx.Model(&User{}).Where("id = ? AND totp_last_step < ?", u.ID, step).UpdateColumn("totp_last_step", step)
	if res.Error != nil {
		return false, fmt.Errorf("org: totp step: %w", res.Error)
	}
	return res.RowsAffected == 1, nil
}

// SetupTOTP makes a new secret for the caller; it takes effect only after
// EnableTOTP confirms a code from it.
func (s *Service) SetupTOTP(ctx context.Context, actor identity.Actor) (TOTPSetup, error) {
	u, err := s.User(ctx, actor.UserID)
	if err != nil {
		return TOTPSetup{}, err
	}
	if u.TOTPEnabled {
		return TOTPSetup{}, apperr.Conflict("auth.totp_already_enabled", "two-factor sign-in is already on")
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: "Tack", AccountName: u.Email, Period: 30,
		Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return TOTPSetup{}, fmt.Errorf("org: totp generate: %w", err)
	}
	// UpdateColumns: hidden columns, updated_at stays (GET /me's cached row).
	if err := s.db.WithContext(ctx).Model(&User{}).Where("id = ?", u.ID).
		UpdateColumns(map[string]any{"totp_secret": key.Secret(), "totp_last_step": 0}).Error; err != nil {
		return TOTPSetup{}, fmt.Errorf("org: totp setup: %w", err)
	}
	return TOTPSetup{Secret: key.Secret(), OTPAuthURL: key.URL()}, nil
}

// EnableTOTP turns two-factor sign-in on once code matches the pending secret.
func (s *Service) EnableTOTP(ctx context.Context, actor identity.Actor, code string) error {
	return s.switchTOTP(ctx, actor, code, true)
}

// DisableTOTP turns two-factor sign-in off; it needs a current code.
func (s *Service) DisableTOTP(ctx context.Context, actor identity.Actor, code string) error {
	return s.switchTOTP(ctx, actor, code, false)
}

func (s *Service) switchTOTP(ctx context.Context, actor identity.Actor, code string, on bool) error {
	u, err := s.User(ctx, actor.UserID)
	if err != nil {
		return err
	}
	if u.TOTPEnabled == on {
		if on {
			return apperr.Conflict("auth.totp_already_enabled", "two-factor sign-in is already on")
		}
		return apperr.Conflict("auth.totp_not_enabled", "two-factor sign-in is off")
	}
	if on && u.TOTPSecret == "" {
		return apperr.Conflict("auth.totp_not_set_up", "set up two-factor sign-in first")
	}
	if strings.TrimSpace(code) == "" {
		return apperr.Invalid("auth.bad_totp", "enter the code from your authenticator app").WithField("code", "required")
	}
	changes := map[string]any{"totp_enabled": on, "updated_at": s.clock.Now()}
	if !on {
		changes["totp_secret"] = ""
		changes["totp_last_step"] = 0
	}
	action := map[bool]string{true: "user.totp_enable", false: "user.totp_disable"}[on]
	// Codes are throttled per user like at sign-in (the same key): a
	// stolen session must not be able to try the million codes.
	key := keyCode + u.ID
	try, err := s.logins.reserve(key)
	if err != nil {
		return err
	}
	err = s.authWrite(ctx, func(tx *gorm.DB) error {
		ok, err := s.useTOTP(tx, u, code)
		if err != nil {
			return err
		}
		if !ok {
			return errBadTOTPField
		}
		if err := tx.Model(&User{}).Where("id = ?", u.ID).Updates(changes).Error; err != nil {
			return fmt.Errorf("org: totp switch: %w", err)
		}
		if err := authChanged(tx, "u:"+u.ID); err != nil { // totp_enabled is on GET /me
			return err
		}
		return s.audit(tx, actor, action, "user", u.ID, nil)
	})
	switch {
	case err == nil:
		try.release(key)
	case err != errBadTOTPField:
		try.release() // not a wrong code: do not count it
	}
	return err
}

var errBadTOTPField = apperr.Invalid("auth.bad_totp", "the authenticator code is not valid").WithField("code", "invalid")
