package org

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"tack/backend/apperr"
	"tack/backend/event"
	"tack/backend/identity"
	"tack/backend/notify"
)

// Deactivate offboards a user (admins; HR for non-admins). In one
// transaction it marks the account inactive, ends every session, clears the
// head of any department they head, runs the registered OnDeactivate hooks
// with their manager (first of ManagerChain, else an administrator), emits
// org.user_deactivated and records the audit entry. Their data is kept.
func (s *Service) Deactivate(ctx context.Context, actor identity.Actor, id string) (User, error) {
	u, err := s.User(ctx, id)
	if err != nil {
		return User{}, err
	}
	if !canTouchUser(actor, u) {
		return User{}, errForbidden
	}
	if actor.UserID == id {
		return User{}, apperr.Conflict("org.cannot_deactivate_self", "you cannot deactivate your own account")
	}
	if !u.Active {
		return User{}, apperr.Conflict("org.already_inactive", "this account is already deactivated")
	}
	// The successor is chosen outside the transaction; if they leave before
	// it commits, choose again (a chain of leavers is short).
	for attempt := 0; ; attempt++ {
		out, err := s.deactivate(ctx, actor, u)
		if !errors.Is(err, errSuccessorLeft) {
			return out, err
		}
		if attempt == 3 {
			return User{}, ErrStale
		}
	}
}

// errSuccessorLeft is internal: the chosen successor was deactivated meanwhile.
var errSuccessorLeft = errors.New("org: successor deactivated")

func (s *Service) deactivate(ctx context.Context, actor identity.Actor, u User) (User, error) {
	id := u.ID
	manager, err := s.successor(ctx, u)
	if err != nil {
		return User{}, err
	}
	var out User
	err = s.authWrite(ctx, func(tx *gorm.DB) error {
		if err := notLastAdminIfAdmin(tx, u); err != nil {
			return err
		}
		if err := checkPrivilegedTarget(tx, actor, u); err != nil {
			return err
		}
		now := s.clock.Now()
		// This UPDATE is Deactivate's half of the LockActive protocol: it
		// row-locks the user before the hooks run, so a transaction that is
		// giving them work either commits first (the hooks see that work) or
		// waits and then finds them inactive. Keep it before the hooks.
		res := tx.Model(&User{}).Where("id = ? AND active = ?", id, true).Updates(map[string]any{
			"active": false, "deactivated_at": now, "updated_at": now, "version": gorm.Expr("version + 1")})
		if res.Error != nil {
			return fmt.Errorf("org: deactivate: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return apperr.Conflict("org.already_inactive", "this account is already deactivated")
		}
		revoked, err := revokeUserSessions(tx, id, "")
		if err != nil {
			return err
		}
		// Every stream of the user ends, also one whose session expired or
		// is racing this transaction.
		if err := notify.CloseStreams(tx, id); err != nil {
			return err
		}
		var headed []string
		if err := tx.Model(&Department{}).Where("head_id = ?", id).Order("id").Pluck("id", &headed).Error; err != nil {
			return fmt.Errorf("org: headed departments: %w", err)
		}
		if len(headed) > 0 {
			if err := tx.Model(&Department{}).Where("id IN ?", headed).Updates(map[string]any{
				"head_id": nil, "updated_at": now, "version": gorm.Expr("version + 1")}).Error; err != nil {
				return fmt.Errorf("org: clear heads: %w", err)
			}
		}
		if manager != nil {
			// The hooks hand the leaver's work to the successor: the same
			// protocol keeps it off someone who is leaving concurrently.
			gone, err := LockActive(tx, []string{manager.ID})
			if err != nil {
				return err
			}
			if len(gone) > 0 {
				return errSuccessorLeft
			}
		}
		if out, err = loadUser(tx, id); err != nil {
			return err
		}
		for _, h := range s.hooks {
			if err := h(ctx, tx, out, manager); err != nil {
				return fmt.Errorf("org: deactivate hook: %w", err)
			}
		}
		detail := map[string]any{"email": u.Email, "name": u.Name, "sessions_revoked": revoked,
			"cleared_head_of": headed, "manager_id": ""}
		var recipients []string
		if manager != nil {
			detail["manager_id"] = manager.ID
			recipients = append(recipients, manager.ID)
		}
		if err := notify.Emit(tx, &notify.Event{Type: event.OrgUserDeactivated, SubjectType: "user", SubjectID: id,
			ActorID: actor.UserID, Recipients: recipients, Data: event.Data(event.UserDeactivated{
				Title: u.Name, Link: "/contacts/" + id, UserID: id, ManagerID: detail["manager_id"].(string)})}); err != nil {
			return err
		}
		return s.audit(tx, actor, "user.deactivate", "user", id, detail)
	})
	if err != nil {
		return User{}, err
	}
	return out, nil
}

// successor is who inherits a leaving user's open work: their nearest active
// manager, else the first active administrator who is not them.
func (s *Service) successor(ctx context.Context, u User) (*User, error) {
	chain, err := s.ManagerChain(ctx, u.ID, 1)
	if err != nil {
		return nil, err
	}
	if len(chain) > 0 {
		return &chain[0], nil
	}
	admins, err := s.UsersWithRole(ctx, RoleAdmin)
	if err != nil {
		return nil, err
	}
	for _, a := range admins {
		if a.ID != u.ID {
			return &a, nil
		}
	}
	return nil, nil
}

func notLastAdminIfAdmin(tx *gorm.DB, u User) error {
	for _, r := range u.Roles {
		if r == RoleAdmin {
			return notLastAdmin(tx, u.ID)
		}
	}
	return nil
}

// Reactivate lets a deactivated user sign in again (admins; HR for non-admins).
func (s *Service) Reactivate(ctx context.Context, actor identity.Actor, id string) (User, error) {
	var out User
	err := s.authWrite(ctx, func(tx *gorm.DB) error {
		u, err := loadUser(tx, id)
		if err != nil {
			return err
		}
		if !canTouchUser(actor, u) {
			return errForbidden
		}
		if err := checkPrivilegedTarget(tx, actor, u); err != nil {
			return err // bringing back an approver is an admin's call
		}
		if u.Active {
			return apperr.Conflict("org.already_active", "this account is active")
		}
		if u.Phone != "" {
			// Phone numbers sign in, so two active accounts must not share one.
			taken, err := phoneTaken(tx, u.Phone, u.ID)
			if err != nil {
				return err
			}
			if taken {
				return apperr.Conflict("org.phone_taken", "another active account has this phone number; change one of them first")
			}
		}
		if err := tx.Model(&User{}).Where("id = ?", id).Updates(map[string]any{
			"active": true, "deactivated_at": nil, "updated_at": s.clock.Now(), "version": gorm.Expr("version + 1")}).Error; err != nil {
			return fmt.Errorf("org: reactivate: %w", err)
		}
		if err := authChanged(tx, "u:"+id); err != nil {
			return err
		}
		if out, err = loadUser(tx, id); err != nil {
			return err
		}
		return s.audit(tx, actor, "user.reactivate", "user", id, map[string]any{"email": u.Email, "name": u.Name})
	})
	return out, err
}
