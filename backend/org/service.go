package org

import (
	"context"
	"time"

	"gorm.io/gorm"

	"tack/backend/clock"
	"tack/backend/store"
)

// DeactivateHook runs inside the offboarding transaction for a user who is
// leaving. manager is who inherits their open work (nil when none could be
// found; hooks then fall back to an administrator). Other domains register
// hooks (e.g. approvals reassign open tasks) through OnDeactivate. A hook
// must read and write through tx only: on SQLite a second connection would
// wait on the transaction's write lock. An error rolls the whole offboarding back.
type DeactivateHook func(ctx context.Context, tx *gorm.DB, user User, manager *User) error

// DepartmentHook runs inside the transaction that created or changed a
// department (renamed, moved, new head), with the department as saved. The
// drive keeps one space per department in step through it. Like a
// DeactivateHook it must use tx only; an error rolls the change back.
type DepartmentHook func(ctx context.Context, tx *gorm.DB, d Department) error

// UserHook runs inside the transaction that created a user or changed one
// (a transfer to another department among others), with the user as saved.
// Chat keeps its department and all-staff groups in step through it. Like a
// DeactivateHook it must use tx only; an error rolls the change back.
type UserHook func(ctx context.Context, tx *gorm.DB, u User) error

// Service is the org domain.
type Service struct {
	db        *gorm.DB
	clock     clock.Clock
	hooks     []DeactivateHook
	deptHooks []DepartmentHook
	delHooks  []DepartmentHook
	userHooks []UserHook
	logins    *limiter
	hashes    *hashSlots
	// sessionLifetime is the absolute lifetime of a session, however
	// active (SetSessionLifetime; default DefaultSessionLifetime).
	sessionLifetime time.Duration
	lifeCache       lifeCache   // the workspace's own setting (settings.go)
	argon           argonParams // cost of new hashes (SetPasswordCost)
	dummyHash       string      // checked for unknown emails, at the cost of argon
	sessions        *sessionCache
}

// NewService builds the org service.
func NewService(db *gorm.DB, clk clock.Clock) *Service {
	return &Service{db: db, clock: clk, logins: newLimiter(clk), hashes: newHashSlots(),
		sessionLifetime: DefaultSessionLifetime, argon: defaultArgon, dummyHash: dummyHash,
		sessions: newSessionCache(store.IsPostgres(db))}
}

// OnDeactivate registers a hook run when a user is offboarded. Register hooks
// at wiring time, before the server takes requests.
func (s *Service) OnDeactivate(h DeactivateHook) { s.hooks = append(s.hooks, h) }

// OnDepartmentChanged registers a hook run when a department is created or
// updated. Register hooks at wiring time, before the server takes requests.
func (s *Service) OnDepartmentChanged(h DepartmentHook) { s.deptHooks = append(s.deptHooks, h) }

// OnDepartmentDeleted registers a hook run inside the transaction that
// deletes a department, with the department as it was.
func (s *Service) OnDepartmentDeleted(h DepartmentHook) { s.delHooks = append(s.delHooks, h) }

// OnUserChanged registers a hook run when a user is created or updated.
// Register hooks at wiring time, before the server takes requests.
func (s *Service) OnUserChanged(h UserHook) { s.userHooks = append(s.userHooks, h) }

func (s *Service) userChanged(ctx context.Context, tx *gorm.DB, u User) error {
	for _, h := range s.userHooks {
		if err := h(ctx, tx, u); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) departmentDeleted(ctx context.Context, tx *gorm.DB, d Department) error {
	for _, h := range s.delHooks {
		if err := h(ctx, tx, d); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) departmentChanged(ctx context.Context, tx *gorm.DB, d Department) error {
	for _, h := range s.deptHooks {
		if err := h(ctx, tx, d); err != nil {
			return err
		}
	}
	return nil
}
