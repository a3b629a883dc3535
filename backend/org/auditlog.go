package org

import (
	"context"

	"tack/backend/audit"
	"tack/backend/identity"
)

// AuditLog lists audit entries newest first (admins only). cursor is the
// last ID of the previous page; next is "" on the last page.
func (s *Service) AuditLog(ctx context.Context, actor identity.Actor, f audit.Filter) (entries []audit.Entry, next string, err error) {
	if !actor.IsAdmin() {
		return nil, "", errForbidden
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	f.Limit = min(f.Limit, 199) // one more is fetched to see whether a next page exists
	want := f.Limit
	f.Limit = want + 1
	entries, err = audit.List(ctx, s.db, f)
	if err != nil {
		return nil, "", err
	}
	if len(entries) > want {
		entries = entries[:want]
		next = entries[want-1].ID
	}
	return entries, next, nil
}
