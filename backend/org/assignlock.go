package org

import (
	"fmt"
	"slices"

	"gorm.io/gorm"

	"tack/backend/store"
)

// LockActive is the assigning half of the offboarding protocol; Deactivate
// is the other. A transaction that gives users work another domain must move
// when they leave (an approval task, a later route step) calls it, before it
// writes that work, with their IDs, and gets back those that are inactive or
// unknown: it must not give them the work.
//
// On PostgreSQL the user rows are read FOR SHARE and stay locked until the
// caller ends. Deactivate's UPDATE of the same row conflicts with that lock,
// so exactly one of two orders happens: the caller locks first, Deactivate
// waits for its commit and its hooks (which run after the UPDATE, each
// statement with a fresh READ COMMITTED snapshot) see and move the new work;
// or Deactivate updates first, the caller waits for its commit and then reads
// the user as inactive. Without the lock both could read "active" and the
// work would land on the leaver after the hooks looked.
//
// On SQLite the caller's transaction must already hold the write lock (it
// wrote before); writers are serialised, so the plain read is current and
// Deactivate runs wholly before or after it.
func LockActive(tx *gorm.DB, ids []string) ([]string, error) {
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	if len(ids) == 0 {
		return nil, nil
	}
	type row struct {
		ID     string
		Active bool
	}
	var rows []row
	if err := store.ForShare(tx).Model(&User{}).Select("id, active").Where("id IN ?", ids).Order("id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("org: lock users: %w", err)
	}
	active := map[string]bool{}
	for _, r := range rows {
		active[r.ID] = r.Active
	}
	var out []string
	for _, id := range ids {
		if !active[id] {
			out = append(out, id)
		}
	}
	return out, nil
}
