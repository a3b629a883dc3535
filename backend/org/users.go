package org

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"gorm.io/gorm"

	"tack/backend/apperr"
	"tack/backend/event"
	"tack/backend/identity"
	"tack/backend/notify"
	"tack/backend/store"
)

// ErrStale is returned when an update names a version that is no longer current.
var ErrStale = apperr.Conflict("org.stale_version", "someone else changed this record; reload and try again")

// validateNewUser checks req whole (reads only). checkDept is false at setup,
// where the department is created together with the user.
func validateNewUser(tx *gorm.DB, v *apperr.Validator, req *NewUserRequest, checkDept bool) error {
	req.Email = normEmail(req.Email)
	req.Name = strings.TrimSpace(req.Name)
	req.Title = strings.TrimSpace(req.Title)
	req.Phone = strings.TrimSpace(req.Phone)
	switch {
	case req.Email == "":
		v.Check(false, "email", "required")
	case !validEmail(req.Email):
		v.Check(false, "email", "invalid_email")
	default:
		taken, err := emailTaken(tx, req.Email, "")
		if err != nil {
			return err
		}
		v.Check(!taken, "email", "duplicate")
	}
	check(v, "name", textProblem(req.Name, maxNameLen))
	check(v, "title", textProblem(req.Title, maxTitleLen))
	switch p, ok := normPhone(req.Phone); {
	case req.Phone == "":
		v.Check(false, "phone", "required")
	case !ok:
		v.Check(false, "phone", "invalid_phone")
	default:
		req.Phone = p
		taken, err := phoneTaken(tx, p, "")
		if err != nil {
			return err
		}
		v.Check(!taken, "phone", "duplicate")
	}
	if req.Password != "" {
		check(v, "password", passwordProblem(req.Password))
	}
	if checkDept {
		if req.DepartmentID == "" {
			v.Check(false, "department_id", "required")
		} else {
			ok, err := exists(tx, &Department{}, req.DepartmentID)
			if err != nil {
				return err
			}
			v.Check(ok, "department_id", "not_found")
		}
	}
	if req.ManagerID != nil && *req.ManagerID == "" {
		req.ManagerID = nil
	}
	if req.ManagerID != nil {
		ok, err := activeUser(tx, *req.ManagerID)
		if err != nil {
			return err
		}
		v.Check(ok, "manager_id", "not_found")
	}
	return nil
}

func emailTaken(tx *gorm.DB, email, exceptID string) (bool, error) {
	var n int64
	if err := tx.Model(&User{}).Where("email = ? AND id <> ?", email, exceptID).Count(&n).Error; err != nil {
		return false, fmt.Errorf("org: email taken: %w", err)
	}
	return n > 0, nil
}

func exists(tx *gorm.DB, model any, id string) (bool, error) {
	var n int64
	if err := tx.Model(model).Where("id = ?", id).Count(&n).Error; err != nil {
		return false, fmt.Errorf("org: exists: %w", err)
	}
	return n > 0, nil
}

func activeUser(tx *gorm.DB, id string) (bool, error) {
	var n int64
	if err := tx.Model(&User{}).Where("id = ? AND active = ?", id, true).Count(&n).Error; err != nil {
		return false, fmt.Errorf("org: active user: %w", err)
	}
	return n > 0, nil
}

// insertUser creates the user row and role links inside tx.
func (s *Service) insertUser(ctx context.Context, tx *gorm.DB, req NewUserRequest, password string) (User, error) {
	hash, err := hashPassword(s.argon, password)
	if err != nil {
		return User{}, err
	}
	now := s.clock.Now()
	u := User{ID: store.NewID(), Email: req.Email, Name: req.Name, DepartmentID: req.DepartmentID,
		Title: req.Title, Phone: req.Phone, ManagerID: req.ManagerID, Active: true, PasswordHash: hash,
		Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := tx.Create(&u).Error; err != nil {
		if store.IsDuplicate(err) {
			return User{}, apperr.Invalid("org.invalid_user", "the user is not valid").WithField("email", "duplicate")
		}
		return User{}, fmt.Errorf("org: create user: %w", err)
	}
	if err := replaceRoles(tx, u.ID, req.Roles); err != nil {
		return User{}, err
	}
	u.Roles = normRoles(req.Roles)
	return u, s.userChanged(ctx, tx, u)
}

// CreateUser opens an account (admins and HR). Without a password one is
// generated and returned once, and the new user must replace it at the first
// sign-in (whoever saw it cannot keep using it).
func (s *Service) CreateUser(ctx context.Context, actor identity.Actor, req NewUserRequest) (NewUserResult, error) {
	if !canManagePeople(actor) {
		return NewUserResult{}, errForbidden
	}
	var res NewUserResult
	err := store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
		var v apperr.Validator
		if err := validateNewUser(tx, &v, &req, true); err != nil {
			return err
		}
		if err := checkRoles(tx, &v, actor, "", nil, req.Roles); err != nil {
			return err
		}
		if req.ManagerID != nil && *req.ManagerID == actor.UserID && !actor.IsAdmin() {
			return errSelfManager
		}
		if err := v.Err("org.invalid_user", "the user is not valid"); err != nil {
			return err
		}
		pw := req.Password
		if pw == "" {
			pw = GeneratePassword()
			res.InitialPassword = pw
		}
		u, err := s.insertUser(ctx, tx, req, pw)
		if err != nil {
			return err
		}
		if res.InitialPassword != "" {
			if err := tx.Model(&User{}).Where("id = ?", u.ID).Update("must_change_password", true).Error; err != nil {
				return fmt.Errorf("org: must change password: %w", err)
			}
			u.MustChangePassword = true
		}
		res.User = u
		return s.audit(tx, actor, "user.create", "user", u.ID, map[string]any{
			"email": u.Email, "name": u.Name, "department_id": u.DepartmentID, "roles": u.Roles})
	})
	return res, err
}

// GetUser returns one user as actor may see it (the directory is open to everyone).
func (s *Service) GetUser(ctx context.Context, actor identity.Actor, id string) (User, error) {
	u, err := s.User(ctx, id)
	if err != nil {
		return User{}, err
	}
	return redact(actor, u), nil
}

// redact hides account-security state from other users.
func redact(actor identity.Actor, u User) User {
	if actor.UserID != u.ID && !actor.IsAdmin() {
		u.TOTPEnabled = false
		u.MustChangePassword = false
	}
	return u
}

// ListUsers is the directory: active users by default, filtered by
// department (optionally with sub-departments) and a search over name, email,
// phone and title. Inactive users are listed for admins and HR, and for a
// department head within their department.
func (s *Service) ListUsers(ctx context.Context, actor identity.Actor, f UserFilter) ([]User, string, error) {
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	db := s.db.WithContext(ctx)
	q := db.Model(&User{})
	if f.DepartmentID != "" {
		ids := []string{f.DepartmentID}
		if f.Recursive {
			all, err := s.Departments(ctx)
			if err != nil {
				return nil, "", err
			}
			ids = Descendants(all, f.DepartmentID)
		}
		q = q.Where("department_id IN ?", ids)
	}
	inactive := f.IncludeInactive && canManagePeople(actor)
	if f.IncludeInactive && !inactive && f.DepartmentID != "" && actor.HasRole(RoleDeptHead) {
		heads, err := s.headsOf(ctx, actor.UserID, f.DepartmentID)
		if err != nil {
			return nil, "", err
		}
		inactive = heads
	}
	if !inactive {
		q = q.Where("active = ?", true)
	}
	if t := strings.TrimSpace(f.Query); t != "" {
		like := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(strings.ToLower(t)) + "%"
		q = q.Where(`(LOWER(name) LIKE ? ESCAPE '\' OR LOWER(email) LIKE ? ESCAPE '\' OR phone LIKE ? ESCAPE '\' OR LOWER(title) LIKE ? ESCAPE '\')`,
			like, like, like, like)
	}
	if f.Cursor != "" {
		q = q.Where("id > ?", f.Cursor)
	}
	var users []User
	if err := q.Order("id").Limit(f.Limit + 1).Find(&users).Error; err != nil {
		return nil, "", fmt.Errorf("org: list users: %w", err)
	}
	next := ""
	if len(users) > f.Limit {
		users = users[:f.Limit]
		next = users[len(users)-1].ID
	}
	users, err := s.withRoles(ctx, users)
	if err != nil {
		return nil, "", err
	}
	for i := range users {
		users[i] = redact(actor, users[i])
	}
	return users, next, nil
}

// headsOf reports whether userID heads departmentID or one of its ancestors.
func (s *Service) headsOf(ctx context.Context, userID, departmentID string) (bool, error) {
	chain, err := s.DepartmentChain(ctx, departmentID)
	if err != nil {
		if apperr.IsKind(err, apperr.KindNotFound) {
			return false, nil
		}
		return false, err
	}
	for _, d := range chain {
		if d.HeadID != nil && *d.HeadID == userID {
			return true, nil
		}
	}
	return false, nil
}

// UpdateUser patches a profile. Admins and HR edit anyone (HR not admins);
// a user may change their own phone and locale.
func (s *Service) UpdateUser(ctx context.Context, actor identity.Actor, id string, req UpdateUserRequest) (User, error) {
	var out User
	err := s.authWrite(ctx, func(tx *gorm.DB) error {
		u, err := loadUser(tx, id)
		if err != nil {
			return err
		}
		self := actor.UserID == id
		onlySelfFields := req.Email == nil && req.Name == nil && req.DepartmentID == nil && req.Title == nil &&
			!req.ManagerID.Set && req.Roles == nil
		if !canTouchUser(actor, u) && !(self && onlySelfFields) {
			return errForbidden
		}
		changes, changed, err := s.validateUserPatch(tx, actor, u, &req)
		if err != nil {
			return err
		}
		if !(self && onlySelfFields) {
			if err := checkPrivilegedTarget(tx, actor, u); err != nil {
				return err
			}
		}
		changes["version"] = u.Version + 1
		changes["updated_at"] = s.clock.Now()
		res := tx.Model(&User{}).Where("id = ? AND version = ?", id, req.Version).Updates(changes)
		if res.Error != nil {
			if store.IsDuplicate(res.Error) {
				return apperr.Invalid("org.invalid_user", "the user is not valid").WithField("email", "duplicate")
			}
			return fmt.Errorf("org: update user: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return ErrStale
		}
		if err := authChanged(tx, "u:"+id); err != nil { // name or department
			return err
		}
		if req.Roles != nil {
			if err := setRoles(tx, id, *req.Roles); err != nil {
				return err
			}
			if !sameRoles(u.Roles, *req.Roles) {
				changed = append(changed, "roles")
			}
		}
		if out, err = loadUser(tx, id); err != nil {
			return err
		}
		if err := s.userChanged(ctx, tx, out); err != nil {
			return err
		}
		if (self && onlySelfFields) || len(changed) == 0 {
			return nil // a save that changed nothing is not an admin action
		}
		return s.audit(tx, actor, "user.update", "user", id, map[string]any{"fields": changed, "roles": out.Roles})
	})
	return redact(actor, out), err
}

// validateUserPatch checks req against u and returns the column changes.
func (s *Service) validateUserPatch(tx *gorm.DB, actor identity.Actor, u User, req *UpdateUserRequest) (map[string]any, []string, error) {
	var v apperr.Validator
	changes := map[string]any{}
	var changed []string
	// Every column sent is written (the dialog sends the whole profile); only
	// those whose value differs are named as changed in the audit log.
	set := func(col string, val any, same bool) {
		changes[col] = val
		if !same {
			changed = append(changed, col)
		}
	}
	if req.Email != nil {
		e := normEmail(*req.Email)
		switch {
		case e == "":
			v.Check(false, "email", "required")
		case !validEmail(e):
			v.Check(false, "email", "invalid_email")
		default:
			taken, err := emailTaken(tx, e, u.ID)
			if err != nil {
				return nil, nil, err
			}
			v.Check(!taken, "email", "duplicate")
		}
		set("email", e, e == u.Email)
	}
	if req.Name != nil {
		n := strings.TrimSpace(*req.Name)
		check(&v, "name", textProblem(n, maxNameLen))
		set("name", n, n == u.Name)
	}
	if req.Title != nil {
		t := strings.TrimSpace(*req.Title)
		check(&v, "title", textProblem(t, maxTitleLen))
		set("title", t, t == u.Title)
	}
	if req.Phone != nil {
		p, ok := normPhone(*req.Phone)
		switch {
		case strings.TrimSpace(*req.Phone) == "":
			v.Check(false, "phone", "required")
		case !ok:
			v.Check(false, "phone", "invalid_phone")
		case p != u.Phone:
			taken, err := phoneTaken(tx, p, u.ID)
			if err != nil {
				return nil, nil, err
			}
			v.Check(!taken, "phone", "duplicate")
		}
		set("phone", p, p == u.Phone)
	}
	if req.Locale != nil {
		v.Check(slices.Contains([]string{"", "zh-CN", "en"}, *req.Locale), "locale", "invalid")
		set("locale", *req.Locale, *req.Locale == u.Locale)
	}
	if req.DepartmentID != nil {
		ok, err := exists(tx, &Department{}, *req.DepartmentID)
		if err != nil {
			return nil, nil, err
		}
		v.Check(ok, "department_id", "not_found")
		set("department_id", *req.DepartmentID, *req.DepartmentID == u.DepartmentID)
	}
	if req.ManagerID.Set {
		if req.ManagerID.ID == "" {
			set("manager_id", nil, u.ManagerID == nil)
		} else {
			if req.ManagerID.ID == actor.UserID && !actor.IsAdmin() &&
				(u.ManagerID == nil || *u.ManagerID != actor.UserID) {
				return nil, nil, errSelfManager
			}
			ok, err := activeUser(tx, req.ManagerID.ID)
			if err != nil {
				return nil, nil, err
			}
			v.Check(ok, "manager_id", "not_found")
			if ok {
				cyc, err := managerCycle(tx, u.ID, req.ManagerID.ID)
				if err != nil {
					return nil, nil, err
				}
				v.Check(!cyc, "manager_id", "invalid")
			}
			set("manager_id", req.ManagerID.ID, u.ManagerID != nil && *u.ManagerID == req.ManagerID.ID)
		}
	}
	if req.Roles != nil {
		if err := checkRoles(tx, &v, actor, u.ID, u.Roles, *req.Roles); err != nil {
			return nil, nil, err
		}
	}
	if err := v.Err("org.invalid_user", "the user is not valid"); err != nil {
		return nil, nil, err
	}
	if req.Roles != nil && slices.Contains(u.Roles, RoleAdmin) && !slices.Contains(*req.Roles, RoleAdmin) {
		if err := notLastAdmin(tx, u.ID); err != nil {
			return nil, nil, err
		}
	}
	return changes, changed, nil
}

// managerCycle reports whether making managerID the manager of userID would
// close a loop (userID is already above managerID, or they are the same).
func managerCycle(tx *gorm.DB, userID, managerID string) (bool, error) {
	seen := map[string]bool{}
	for cur := managerID; cur != "" && !seen[cur]; {
		if cur == userID {
			return true, nil
		}
		seen[cur] = true
		var next struct{ ManagerID *string }
		if err := tx.Model(&User{}).Select("manager_id").Where("id = ?", cur).Take(&next).Error; err != nil {
			return false, fmt.Errorf("org: manager chain: %w", err)
		}
		cur = ""
		if next.ManagerID != nil {
			cur = *next.ManagerID
		}
	}
	return false, nil
}

// notLastAdmin refuses to leave the workspace without an active administrator.
func notLastAdmin(tx *gorm.DB, userID string) error {
	var n int64
	err := tx.Model(&User{}).Where("active = ? AND id <> ? AND id IN (?)", true, userID,
		tx.Model(&UserRole{}).Select("user_id").Where("role_id = ?", RoleAdmin)).Count(&n).Error
	if err != nil {
		return fmt.Errorf("org: count admins: %w", err)
	}
	if n == 0 {
		return apperr.Conflict("org.last_admin", "the workspace needs at least one active administrator")
	}
	return nil
}

// loadUser reads a user with roles inside tx.
func loadUser(tx *gorm.DB, id string) (User, error) {
	var u User
	if err := tx.First(&u, "id = ?", id).Error; err != nil {
		if store.IsNotFound(err) {
			return User{}, ErrUserNotFound
		}
		return User{}, fmt.Errorf("org: load user: %w", err)
	}
	var links []UserRole
	if err := tx.Where("user_id = ?", id).Order("role_id").Find(&links).Error; err != nil {
		return User{}, fmt.Errorf("org: load roles: %w", err)
	}
	u.Roles = []string{}
	for _, l := range links {
		u.Roles = append(u.Roles, l.RoleID)
	}
	return u, nil
}

// ResetPassword sets a generated password, ends the user's sessions and
// makes them choose a new password at their next sign-in; the owner is
// notified. Admins reset anyone; HR resets people who approve for nobody
// (holdsPrivilege: no privileged role, no department, nobody's manager): an
// approver's password in HR's hands would let HR approve as them. The password is returned once.
func (s *Service) ResetPassword(ctx context.Context, actor identity.Actor, id string) (string, error) {
	if !canManagePeople(actor) {
		return "", errForbidden
	}
	pw := GeneratePassword()
	hash, err := s.hashPassword(ctx, pw)
	if err != nil {
		return "", err
	}
	err = s.authWrite(ctx, func(tx *gorm.DB) error {
		u, err := loadUser(tx, id)
		if err != nil {
			return err
		}
		if !canTouchUser(actor, u) {
			return errForbidden
		}
		if !actor.IsAdmin() {
			priv, err := holdsPrivilege(tx, u)
			if err != nil {
				return err
			}
			if priv {
				return errResetPrivileged
			}
		}
		if err := tx.Model(&User{}).Where("id = ?", id).Updates(map[string]any{
			"password_hash": hash, "must_change_password": true, "updated_at": s.clock.Now()}).Error; err != nil {
			return fmt.Errorf("org: reset password: %w", err)
		}
		if _, err := revokeUserSessions(tx, id, ""); err != nil {
			return err
		}
		if err := notify.Emit(tx, &notify.Event{Type: event.OrgPasswordReset, SubjectType: "user", SubjectID: id,
			ActorID: actor.UserID, Recipients: []string{id}, Data: event.Data(event.PasswordReset{
				Title: actor.Name, Link: "/settings", ByID: actor.UserID, ByName: actor.Name})}); err != nil {
			return err
		}
		return s.audit(tx, actor, "user.reset_password", "user", id, nil)
	})
	if err != nil {
		return "", err
	}
	return pw, nil
}

var errResetPrivileged = apperr.Forbidden("org.reset_privileged_admins_only",
	"only an administrator resets the password of an administrator, an approver or a department head")

// sameRoles reports whether two role lists hold the same roles (member is
// implied for everyone).
func sameRoles(a, b []string) bool { return slices.Equal(normRoles(a), normRoles(b)) }
