package drive

import (
	"fmt"
	"slices"

	"gorm.io/gorm/clause"

	"tack/backend/apperr"
	"tack/backend/org"
	"tack/backend/store"
)

// Locked entries.
//
// Published meeting minutes are a record: whoever the space lets edit (a
// department space lets every member edit) must not overwrite them or move
// them to the trash. Publishing marks the file locked and names its
// writers (the organizer and the minute-taker), and so for the files
// attached to the meeting (the material the minutes refer to); for
// everyone else the entry is read-only whatever the space's grants: their
// role on it is at most viewer (roleOn), and a folder holding it cannot be
// trashed, purged or moved to another space by them. The drive itself (org.System, which re-publishes) is
// never locked out. A copy of a locked file is an ordinary file.

// ErrLocked: a non-writer tried to change a locked entry.
var ErrLocked = apperr.Forbidden("drive.locked", "published minutes can only be changed by the meeting's organizer and minute-taker")

// lockMigration adds the lock flag and the writers of locked entries.
var lockMigration = store.Migration{ID: "drive-0006-locks", SQL: `
ALTER TABLE drive_entries ADD COLUMN locked BOOLEAN NOT NULL DEFAULT FALSE;
CREATE TABLE drive_entry_writers (
	entry_id TEXT NOT NULL,
	user_id TEXT NOT NULL,
	PRIMARY KEY (entry_id, user_id)
)`}

// EntryWriter is one user who may change a locked entry.
type EntryWriter struct {
	EntryID string `gorm:"primaryKey"`
	UserID  string `gorm:"primaryKey"`
}

// TableName keeps the table name stable.
func (EntryWriter) TableName() string { return "drive_entry_writers" }

// lockedOut reports whether w may not change e (a locked entry of which w
// is not a writer). Only locked entries cost a query.
func (st dbx) lockedOut(w who, e *Entry) (bool, error) {
	if !e.Locked || w.UserID == org.System.UserID {
		return false, nil
	}
	var n int64
	if err := st.db.Model(&EntryWriter{}).Where("entry_id = ? AND user_id = ?", e.ID, w.UserID).Count(&n).Error; err != nil {
		return false, fmt.Errorf("drive: entry writers: %w", err)
	}
	return n == 0, nil
}

// capLocked lowers role to viewer when w is locked out of e.
func (st dbx) capLocked(w who, e *Entry, role string) (string, error) {
	if roleLevel(role) <= roleLevel(RoleViewer) {
		return role, nil
	}
	out, err := st.lockedOut(w, e)
	if err != nil || !out {
		return role, err
	}
	return RoleViewer, nil
}

// capLockedList lowers the role of the locked entries of items w may not
// change (listings), with one query for all of them.
func (st dbx) capLockedList(w who, items []Entry) error {
	var ids []string
	for _, e := range items {
		if e.Locked && roleLevel(e.Role) > roleLevel(RoleViewer) {
			ids = append(ids, e.ID)
		}
	}
	if len(ids) == 0 || w.UserID == org.System.UserID {
		return nil
	}
	var mine []string
	if err := st.db.Model(&EntryWriter{}).Where("entry_id IN ? AND user_id = ?", ids, w.UserID).Pluck("entry_id", &mine).Error; err != nil {
		return fmt.Errorf("drive: entry writers: %w", err)
	}
	for i := range items {
		if slices.Contains(ids, items[i].ID) && !slices.Contains(mine, items[i].ID) {
			items[i].Role = RoleViewer
		}
	}
	return nil
}

// lockedInside returns ErrLocked when one of ids (an entry and what is in
// it, about to be trashed or purged) is locked against w.
func (st dbx) lockedInside(w who, ids []string) error {
	if w.UserID == org.System.UserID {
		return nil
	}
	for i := 0; i < len(ids); i += 500 {
		var n int64
		err := st.db.Model(&Entry{}).Where("id IN ? AND locked = ?", ids[i:min(i+500, len(ids))], true).
			Where("NOT EXISTS (SELECT 1 FROM drive_entry_writers ew WHERE ew.entry_id = drive_entries.id AND ew.user_id = ?)", w.UserID).
			Count(&n).Error
		if err != nil {
			return fmt.Errorf("drive: locked entries: %w", err)
		}
		if n > 0 {
			return ErrLocked
		}
	}
	return nil
}

// lockAttachments locks the live files among ids (a meeting's drive
// attachments) for writers, adding them to the writers the files have (a
// file attached to several meetings keeps every meeting's writers).
func (st dbx) lockAttachments(ids, writers []string) error {
	if len(ids) == 0 {
		return nil
	}
	var files []string
	err := st.db.Model(&Entry{}).Where("id IN ? AND kind = ? AND deleted = ?", ids, KindFile, false).Pluck("id", &files).Error
	if err != nil {
		return fmt.Errorf("drive: attachments: %w", err)
	}
	for _, id := range files {
		if err := st.db.Model(&Entry{}).Where("id = ?", id).Update("locked", true).Error; err != nil {
			return fmt.Errorf("drive: lock entry: %w", err)
		}
		rows := []EntryWriter{}
		for _, u := range writers {
			if u != "" && !slices.ContainsFunc(rows, func(r EntryWriter) bool { return r.UserID == u }) {
				rows = append(rows, EntryWriter{EntryID: id, UserID: u})
			}
		}
		if len(rows) > 0 {
			if err := st.db.Clauses(clause.OnConflict{DoNothing: true}).Create(&rows).Error; err != nil {
				return fmt.Errorf("drive: entry writers: %w", err)
			}
		}
	}
	return nil
}

// lockEntry makes e read-only to everyone but writers (replacing the
// writers it had).
func (st dbx) lockEntry(id string, writers []string) error {
	if err := st.db.Model(&Entry{}).Where("id = ?", id).Update("locked", true).Error; err != nil {
		return fmt.Errorf("drive: lock entry: %w", err)
	}
	if err := st.db.Where("entry_id = ?", id).Delete(&EntryWriter{}).Error; err != nil {
		return fmt.Errorf("drive: entry writers: %w", err)
	}
	rows := make([]EntryWriter, 0, len(writers))
	for _, u := range writers {
		if u != "" && !slices.ContainsFunc(rows, func(r EntryWriter) bool { return r.UserID == u }) {
			rows = append(rows, EntryWriter{EntryID: id, UserID: u})
		}
	}
	if len(rows) == 0 {
		return nil
	}
	if err := st.db.Clauses(clause.OnConflict{DoNothing: true}).Create(&rows).Error; err != nil {
		return fmt.Errorf("drive: entry writers: %w", err)
	}
	return nil
}
