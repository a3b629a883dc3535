package org

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"tack/backend/apperr"
	"tack/backend/store"
)

// companyID is the fixed key of the single company row: a second setup racing
// the first fails on the primary key.
const companyID = "company"

var (
	// ErrSetupDone refuses a second setup.
	ErrSetupDone = apperr.Conflict("setup.already_done", "this workspace is already set up")
	// ErrBadCredentials is the one answer for an unknown email or a wrong password.
	ErrBadCredentials = apperr.Unauthenticated("auth.bad_credentials", "wrong email or password")
	// ErrTOTPRequired asks the client for the authenticator code.
	ErrTOTPRequired = apperr.Unauthenticated("auth.totp_required", "enter the code from your authenticator app")
	// ErrRateLimited refuses login after too many failures.
	ErrRateLimited = apperr.RateLimited("auth.rate_limited", "too many failed sign-in attempts; try again in 15 minutes")
)

// SetupNeeded reports whether the workspace still needs its first-run setup.
func (s *Service) SetupNeeded(ctx context.Context) (bool, error) {
	var n int64
	if err := s.db.WithContext(ctx).Model(&Company{}).Count(&n).Error; err != nil {
		return false, fmt.Errorf("org: setup needed: %w", err)
	}
	return n == 0, nil
}

// Company returns the workspace's company row.
func (s *Service) Company(ctx context.Context) (Company, error) {
	var c Company
	if err := s.db.WithContext(ctx).First(&c, "id = ?", companyID).Error; err != nil {
		if store.IsNotFound(err) {
			return Company{}, apperr.NotFound("setup.needed", "the workspace is not set up yet")
		}
		return Company{}, fmt.Errorf("org: company: %w", err)
	}
	return c, nil
}

// Setup is the first run: it creates the company, its root department, the
// built-in roles and the first administrator (roles admin and member, head of
// the root department), and signs them in. Refused once done.
func (s *Service) Setup(ctx context.Context, req SetupRequest, userAgent, ip string) (LoginResult, error) {
	var res LoginResult
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&Company{}).Count(&n).Error; err != nil {
			return fmt.Errorf("org: setup: %w", err)
		}
		if n > 0 {
			return ErrSetupDone
		}
		var v apperr.Validator
		req.CompanyName = strings.TrimSpace(req.CompanyName)
		check(&v, "company_name", textProblem(req.CompanyName, 100))
		var av apperr.Validator
		admin := req.Admin
		if err := validateNewUser(tx, &av, &admin, false); err != nil {
			return err
		}
		if admin.Password == "" {
			av.Check(false, "password", "required")
		}
		if err := av.Err("", ""); err != nil {
			e, _ := apperr.As(err)
			for f, k := range e.Fields {
				v.Check(false, "admin."+f, k)
			}
		}
		if err := v.Err("setup.invalid", "the setup form is not valid"); err != nil {
			return err
		}
		now := s.clock.Now()
		if err := tx.Create(&Company{ID: companyID, Name: req.CompanyName, CreatedAt: now}).Error; err != nil {
			if store.IsDuplicate(err) {
				return ErrSetupDone
			}
			return fmt.Errorf("org: create company: %w", err)
		}
		if err := s.ensureBuiltinRoles(tx); err != nil {
			return err
		}
		root := Department{ID: store.NewID(), Name: req.CompanyName, Version: 1, CreatedAt: now, UpdatedAt: now}
		if err := tx.Create(&root).Error; err != nil {
			return fmt.Errorf("org: create root department: %w", err)
		}
		admin.DepartmentID = root.ID
		admin.ManagerID = nil
		admin.Roles = []string{RoleAdmin, RoleMember}
		u, err := s.insertUser(tx, admin, admin.Password)
		if err != nil {
			return err
		}
		if err := tx.Model(&Department{}).Where("id = ?", root.ID).Update("head_id", u.ID).Error; err != nil {
			return fmt.Errorf("org: root head: %w", err)
		}
		token, err := s.newSession(tx, u.ID, userAgent, ip)
		if err != nil {
			return err
		}
		res = LoginResult{Token: token, User: u, ExpiresAt: now.Add(SessionTTL)}
		return s.audit(tx, Actor{UserID: u.ID}, "setup", "company", companyID,
			map[string]any{"company_name": req.CompanyName, "admin_email": u.Email})
	})
	return res, err
}

// Login checks email, password and (when enabled) the TOTP code, and opens a
// session. Failures are throttled per email and per IP.
func (s *Service) Login(ctx context.Context, req LoginRequest) (LoginResult, error) {
	email := normEmail(req.Email)
	if s.logins.blocked(email, req.IP) {
		return LoginResult{}, ErrRateLimited
	}
	var u User
	err := s.db.WithContext(ctx).First(&u, "email = ?", email).Error
	if err != nil && !store.IsNotFound(err) {
		return LoginResult{}, fmt.Errorf("org: login: %w", err)
	}
	if err != nil {
		CheckPassword(dummyHash, req.Password) // same work as a real check
		s.logins.fail(email, req.IP)
		return LoginResult{}, ErrBadCredentials
	}
	if !CheckPassword(u.PasswordHash, req.Password) {
		s.logins.fail(email, req.IP)
		return LoginResult{}, ErrBadCredentials
	}
	if !u.Active {
		return LoginResult{}, apperr.Unauthenticated("org.user_inactive", "this account has been deactivated")
	}
	if u.TOTPEnabled {
		if strings.TrimSpace(req.TOTPCode) == "" {
			return LoginResult{}, ErrTOTPRequired
		}
	}
	var res LoginResult
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if u.TOTPEnabled {
			ok, err := s.useTOTP(tx, u, req.TOTPCode)
			if err != nil {
				return err
			}
			if !ok {
				return errBadTOTP
			}
		}
		token, err := s.newSession(tx, u.ID, req.UserAgent, req.IP)
		if err != nil {
			return err
		}
		if u, err = loadUser(tx, u.ID); err != nil {
			return err
		}
		res = LoginResult{Token: token, User: u, ExpiresAt: s.clock.Now().Add(SessionTTL)}
		return nil
	})
	if errors.Is(err, errBadTOTP) {
		s.logins.fail(email, req.IP)
		return LoginResult{}, err
	}
	if err == nil {
		s.logins.succeed(email)
	}
	return res, err
}

var errBadTOTP = apperr.Unauthenticated("auth.bad_totp", "the authenticator code is not valid")

// ChangePassword changes the caller's password after checking the current
// one, and ends every other session (currentToken stays signed in).
func (s *Service) ChangePassword(ctx context.Context, actor Actor, currentToken string, req ChangePasswordRequest) error {
	u, err := s.User(ctx, actor.UserID)
	if err != nil {
		return err
	}
	var v apperr.Validator
	v.Check(req.CurrentPassword != "", "current_password", "required")
	check(&v, "new_password", passwordProblem(req.NewPassword))
	if err := v.Err("auth.invalid_password_change", "the password change is not valid"); err != nil {
		return err
	}
	if s.logins.blocked(u.Email, "") {
		return ErrRateLimited
	}
	if !CheckPassword(u.PasswordHash, req.CurrentPassword) {
		s.logins.fail(u.Email, "")
		return apperr.Invalid("auth.wrong_password", "the current password is wrong").WithField("current_password", "invalid")
	}
	hash, err := HashPassword(req.NewPassword)
	if err != nil {
		return err
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Model(&User{}).Where("id = ?", u.ID).Updates(map[string]any{
			"password_hash": hash, "updated_at": s.clock.Now()}).Error; err != nil {
			return fmt.Errorf("org: change password: %w", err)
		}
		if err := tx.Delete(&Session{}, "user_id = ? AND id <> ?", u.ID, hashToken(currentToken)).Error; err != nil {
			return fmt.Errorf("org: revoke other sessions: %w", err)
		}
		return s.audit(tx, actor, "user.change_password", "user", u.ID, nil)
	})
}
