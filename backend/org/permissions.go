package org

import (
	"gorm.io/gorm"

	"tack/backend/apperr"
	"tack/backend/audit"
	"tack/backend/identity"
)

var errForbidden = apperr.Forbidden("org.forbidden", "you are not allowed to do this")

// canManagePeople: admins and HR onboard, offboard and edit profiles.
func canManagePeople(a identity.Actor) bool { return a.IsAdmin() || a.HasRole(RoleHR) }

// canTouchUser: HR may manage people, but not administrators (that would
// let HR take over an admin account).
func canTouchUser(a identity.Actor, target User) bool {
	if a.IsAdmin() {
		return true
	}
	if !a.HasRole(RoleHR) {
		return false
	}
	for _, r := range target.Roles {
		if r == RoleAdmin {
			return false
		}
	}
	return true
}

func (s *Service) audit(tx *gorm.DB, actor identity.Actor, action, targetType, targetID string, detail map[string]any) error {
	return audit.Record(tx, audit.Entry{ActorID: actor.UserID, Action: action, TargetType: targetType,
		TargetID: targetID, Detail: detail, CreatedAt: s.clock.Now()})
}
