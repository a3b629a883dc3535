package org

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"tack/backend/apperr"
	"tack/backend/identity"
	"tack/backend/store"
)

// companyID is the fixed key of the single company row: a second setup racing
// the first fails on the primary key.
const companyID = "company"

var (
	// ErrSetupDone refuses a second setup.
	ErrSetupDone = apperr.Conflict("setup.already_done", "this workspace is already set up")
	// ErrBadCredentials is the one answer for an unknown email or phone
	// number or a wrong password.
	ErrBadCredentials = apperr.Unauthenticated("auth.bad_credentials", "wrong email, phone number or password")
	// ErrTOTPRequired asks the client for the authenticator code.
	ErrTOTPRequired = apperr.Unauthenticated("auth.totp_required", "enter the code from your authenticator app")
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
	err := store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
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
		u, err := s.insertUser(ctx, tx, admin, admin.Password)
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
		res = LoginResult{Token: token, User: u, ExpiresAt: s.expiry(now, now)}
		return s.audit(tx, identity.Actor{UserID: u.ID}, "setup", "company", companyID,
			map[string]any{"company_name": req.CompanyName, "admin_email": u.Email})
	})
	return res, err
}

// Login checks the email or phone number, password and (when enabled) the TOTP code, and opens a
// session. Attempts are throttled per (email, IP) pair and per IP, and
// authenticator codes per user (ratelimit.go); the attempt is counted before
// the password is hashed. An unknown email and a deactivated account answer
// exactly like a wrong password, after the same work.
func (s *Service) Login(ctx context.Context, req LoginRequest) (LoginResult, error) {
	name, byPhone := loginName(req)
	pairKey, ipKey := keyPair+name+"|"+req.IP, keyIP+req.IP
	try, err := s.logins.reserve(pairKey, ipKey)
	if err != nil {
		return LoginResult{}, err
	}
	var u User
	if byPhone {
		u, err = s.userByPhone(ctx, name)
	} else {
		err = s.db.WithContext(ctx).First(&u, "email = ?", name).Error
	}
	if err != nil && !store.IsNotFound(err) {
		try.release()
		return LoginResult{}, fmt.Errorf("org: login: %w", err)
	}
	hash := u.PasswordHash
	if err != nil {
		hash = s.dummyHash // same work as a real check, so timing hides which emails exist
	}
	ok, herr := s.checkPassword(ctx, hash, req.Password)
	if herr != nil {
		try.release()
		return LoginResult{}, herr
	}
	if err != nil || !ok || !u.Active {
		return LoginResult{}, ErrBadCredentials // the reservation stays: a failure
	}
	if u.TOTPEnabled && strings.TrimSpace(req.TOTPCode) == "" {
		try.release() // the password was right; the client asks for the code
		return LoginResult{}, ErrTOTPRequired
	}
	s.refreshLife(ctx)
	var code *attempt
	if u.TOTPEnabled {
		if code, err = s.logins.reserve(keyCode + u.ID); err != nil {
			try.release()
			return LoginResult{}, err
		}
	}
	var res LoginResult
	err = store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
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
		now := s.clock.Now()
		res = LoginResult{Token: token, User: u, ExpiresAt: s.expiry(now, now)}
		return nil
	})
	switch {
	case errors.Is(err, errBadTOTP):
		return LoginResult{}, err // both reservations stay
	case err != nil:
		try.release()
		code.release()
		return LoginResult{}, err
	}
	try.release(pairKey)
	code.release(keyCode + u.ID)
	s.logins.remember(pairKey)
	return res, nil
}

var errBadTOTP = apperr.Unauthenticated("auth.bad_totp", "the authenticator code is not valid")

// ChangePassword changes the caller's password after checking the current
// one (throttled per user), clears a reset's must-change flag, ends every
// session of the caller, the current one included, and opens a new one in
// its place: a token that leaked before the change stops working.
func (s *Service) ChangePassword(ctx context.Context, actor identity.Actor, req ChangePasswordRequest, userAgent, ip string) (ChangePasswordResult, error) {
	u, err := s.User(ctx, actor.UserID)
	if err != nil {
		return ChangePasswordResult{}, err
	}
	var v apperr.Validator
	v.Check(req.CurrentPassword != "", "current_password", "required")
	check(&v, "new_password", passwordProblem(req.NewPassword))
	v.Check(req.NewPassword == "" || req.NewPassword != req.CurrentPassword, "new_password", "same")
	if err := v.Err("auth.invalid_password_change", "the password change is not valid"); err != nil {
		return ChangePasswordResult{}, err
	}
	key := keyPassword + u.ID
	try, err := s.logins.reserve(key)
	if err != nil {
		return ChangePasswordResult{}, err
	}
	ok, err := s.checkPassword(ctx, u.PasswordHash, req.CurrentPassword)
	if err != nil {
		try.release()
		return ChangePasswordResult{}, err
	}
	if !ok {
		return ChangePasswordResult{}, apperr.Invalid("auth.wrong_password", "the current password is wrong").WithField("current_password", "invalid")
	}
	try.release(key)
	hash, err := s.hashPassword(ctx, req.NewPassword)
	if err != nil {
		return ChangePasswordResult{}, err
	}
	s.refreshLife(ctx)
	var res ChangePasswordResult
	err = s.authWrite(ctx, func(tx *gorm.DB) error {
		if err := tx.Model(&User{}).Where("id = ?", u.ID).Updates(map[string]any{
			"password_hash": hash, "must_change_password": false, "updated_at": s.clock.Now()}).Error; err != nil {
			return fmt.Errorf("org: change password: %w", err)
		}
		token, err := s.newSession(tx, u.ID, userAgent, ip)
		if err != nil {
			return err
		}
		if _, err := revokeUserSessions(tx, u.ID, hashToken(token)); err != nil {
			return err
		}
		if u, err = loadUser(tx, u.ID); err != nil {
			return err
		}
		now := s.clock.Now()
		res = ChangePasswordResult{Token: token, User: u, ExpiresAt: s.expiry(now, now)}
		return s.audit(tx, actor, "user.change_password", "user", u.ID, nil)
	})
	return res, err
}

// loginName is the normalised sign-in name of req and whether it is a phone
// number: anything with an @ is an email; anything else that normalises as a
// phone number is one. What is neither is looked up as an email, so it fails
// like an unknown account, after the same work.
func loginName(req LoginRequest) (string, bool) {
	raw := req.Login
	if strings.TrimSpace(raw) == "" {
		raw = req.Email
	}
	if !strings.Contains(raw, "@") {
		if p, ok := normPhone(raw); ok {
			return p, true
		}
	}
	return normEmail(raw), false
}

// userByPhone finds the one active user with phone. A number shared by two
// active accounts (left from before numbers had to be unique, see
// normalisePhones) signs neither in: it answers not found, like an unknown one.
func (s *Service) userByPhone(ctx context.Context, phone string) (User, error) {
	var us []User
	if err := s.db.WithContext(ctx).Where("phone = ? AND active = ?", phone, true).Limit(2).Find(&us).Error; err != nil {
		return User{}, err
	}
	if len(us) != 1 {
		return User{}, gorm.ErrRecordNotFound
	}
	return us[0], nil
}
