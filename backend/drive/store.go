package drive

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"tack/backend/store"
)

// dbx is the drive's data access: every query of the package lives in
// store*.go files, on this type. It wraps a *gorm.DB that is either the
// pool or a transaction.
type dbx struct{ db *gorm.DB }

// write runs fn in one write transaction (store.WriteTx).
func (s *Service) write(ctx context.Context, fn func(st dbx) error) error {
	return store.WriteTx(ctx, s.db, func(tx *gorm.DB) error { return fn(dbx{tx}) })
}

// read gives fn the pool (no transaction).
func (s *Service) read(ctx context.Context) dbx { return dbx{s.db.WithContext(ctx)} }

func (st dbx) isPostgres() bool { return store.IsPostgres(st.db) }

// --- spaces ---

func (st dbx) space(id string) (*Space, error) {
	var sp Space
	if err := st.db.First(&sp, "id = ?", id).Error; err != nil {
		if store.IsNotFound(err) {
			return nil, ErrSpaceNotFound
		}
		return nil, fmt.Errorf("drive: load space %s: %w", id, err)
	}
	sp.CreatedAt, sp.UpdatedAt = sp.CreatedAt.UTC(), sp.UpdatedAt.UTC()
	return &sp, nil
}

func (st dbx) spaces() ([]Space, error) {
	var out []Space
	if err := st.db.Order("kind, name, id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("drive: list spaces: %w", err)
	}
	for i := range out {
		out[i].CreatedAt, out[i].UpdatedAt = out[i].CreatedAt.UTC(), out[i].UpdatedAt.UTC()
	}
	return out, nil
}

// spaceWhere finds the space of kind with column = value (nil when none).
func (st dbx) spaceWhere(kind, column, value string) (*Space, error) {
	var sp Space
	q := st.db.Where("kind = ?", kind)
	if column != "" {
		q = q.Where(column+" = ?", value)
	}
	err := q.First(&sp).Error
	if store.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("drive: find %s space: %w", kind, err)
	}
	return &sp, nil
}

func (st dbx) insertSpace(sp *Space, root *Entry) error {
	if err := st.db.Create(sp).Error; err != nil {
		if store.IsDuplicate(err) {
			return errDuplicate
		}
		return fmt.Errorf("drive: create space: %w", err)
	}
	if err := st.db.Create(root).Error; err != nil {
		return fmt.Errorf("drive: create space root: %w", err)
	}
	return nil
}

var errDuplicate = errors.New("drive: duplicate")

func (st dbx) updateSpace(id string, version int, changes map[string]any) error {
	q := st.db.Model(&Space{}).Where("id = ?", id)
	if version > 0 {
		q = q.Where("version = ?", version)
	}
	changes["version"] = gorm.Expr("version + 1")
	res := q.Updates(changes)
	if res.Error != nil {
		return fmt.Errorf("drive: update space: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return ErrStale
	}
	return nil
}

// bump takes the next change sequence number of the space. The UPDATE locks
// the space row until the transaction ends: writers of one space queue here.
func (st dbx) bump(spaceID string) (int64, error) {
	if err := st.db.Exec("UPDATE drive_spaces SET change_seq = change_seq + 1 WHERE id = ?", spaceID).Error; err != nil {
		return 0, fmt.Errorf("drive: bump change seq: %w", err)
	}
	var seq int64
	if err := st.db.Raw("SELECT change_seq FROM drive_spaces WHERE id = ?", spaceID).Scan(&seq).Error; err != nil {
		return 0, fmt.Errorf("drive: read change seq: %w", err)
	}
	return seq, nil
}

func (st dbx) addUsed(spaceID string, delta int64) error {
	if delta == 0 {
		return nil
	}
	if err := st.db.Exec("UPDATE drive_spaces SET used_bytes = used_bytes + ? WHERE id = ?", delta, spaceID).Error; err != nil {
		return fmt.Errorf("drive: quota usage: %w", err)
	}
	return nil
}

// renameRoot keeps a space root's name equal to the space's.
func (st dbx) renameRoot(rootID, name string) error {
	return wrap("rename space root", st.db.Model(&Entry{}).Where("id = ?", rootID).
		Updates(map[string]any{"name": name, "name_key": nameKey(name)}).Error)
}

// --- entries ---

func (st dbx) entry(id string) (*Entry, error) {
	var e Entry
	if err := st.db.First(&e, "id = ?", id).Error; err != nil {
		if store.IsNotFound(err) {
			return nil, ErrNotFound
		}
		return nil, fmt.Errorf("drive: load entry %s: %w", id, err)
	}
	e.normalize()
	return &e, nil
}

func (st dbx) entriesByID(ids []string) (map[string]*Entry, error) {
	out := make(map[string]*Entry, len(ids))
	for i := 0; i < len(ids); i += 500 {
		var es []Entry
		if err := st.db.Where("id IN ?", ids[i:min(i+500, len(ids))]).Find(&es).Error; err != nil {
			return nil, fmt.Errorf("drive: load entries: %w", err)
		}
		for j := range es {
			es[j].normalize()
			out[es[j].ID] = &es[j]
		}
	}
	return out, nil
}

// liveChild returns the live child of parentID whose name folds to key (nil when none).
func (st dbx) liveChild(parentID, key, except string) (*Entry, error) {
	var e Entry
	err := st.db.Where("parent_id = ? AND name_key = ? AND deleted = ? AND id <> ?", parentID, key, false, except).First(&e).Error
	if store.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("drive: find child: %w", err)
	}
	e.normalize()
	return &e, nil
}

// children lists the live children of a folder, folders first, by name,
// after the keyset cursor (kind, name_key, id).
func (st dbx) children(parentID string, limit int, after *Entry) ([]Entry, error) {
	q := st.db.Where("parent_id = ? AND deleted = ?", parentID, false)
	if after != nil {
		q = q.Where("(kind < ?) OR (kind = ? AND name_key > ?) OR (kind = ? AND name_key = ? AND id > ?)",
			after.Kind, after.Kind, after.NameKey, after.Kind, after.NameKey, after.ID)
	}
	var out []Entry
	if err := q.Order("kind DESC, name_key, id").Limit(limit).Find(&out).Error; err != nil {
		return nil, fmt.Errorf("drive: list folder: %w", err)
	}
	for i := range out {
		out[i].normalize()
	}
	return out, nil
}

// liveDescendants returns the IDs of every live entry below id.
func (st dbx) liveDescendants(id string) ([]string, error) { return st.descendants(id, true) }

// descendants returns the IDs of every entry below id (only the live ones
// with live, else the trashed ones too), walking parent links.
func (st dbx) descendants(id string, live bool) ([]string, error) {
	var out []string
	frontier := []string{id}
	for len(frontier) > 0 {
		var next []string
		for i := 0; i < len(frontier); i += 500 {
			q := st.db.Model(&Entry{}).Where("parent_id IN ?", frontier[i:min(i+500, len(frontier))])
			if live {
				q = q.Where("deleted = ?", false)
			}
			var ids []string
			if err := q.Pluck("id", &ids).Error; err != nil {
				return nil, fmt.Errorf("drive: descendants: %w", err)
			}
			next = append(next, ids...)
		}
		out = append(out, next...)
		frontier = next
	}
	return out, nil
}

func (st dbx) insertEntry(e *Entry) error {
	if err := st.db.Create(e).Error; err != nil {
		if store.IsDuplicate(err) {
			return ErrNameTaken
		}
		return fmt.Errorf("drive: create entry: %w", err)
	}
	return nil
}

// updateEntry applies changes to id when its version is still version
// (ErrStale otherwise), bumping the version.
func (st dbx) updateEntry(id string, version int64, changes map[string]any) error {
	changes["version"] = gorm.Expr("version + 1")
	res := st.db.Model(&Entry{}).Where("id = ? AND version = ? AND deleted = ?", id, version, false).Updates(changes)
	if res.Error != nil {
		if store.IsDuplicate(res.Error) {
			return ErrNameTaken
		}
		return fmt.Errorf("drive: update entry: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return ErrStale
	}
	return nil
}

// updateEntries applies the same changes to many entries (trash, restore).
func (st dbx) updateEntries(ids []string, changes map[string]any) error {
	for i := 0; i < len(ids); i += 500 {
		c := make(map[string]any, len(changes)+1)
		for k, v := range changes {
			c[k] = v
		}
		c["version"] = gorm.Expr("version + 1")
		if err := st.db.Model(&Entry{}).Where("id IN ?", ids[i:min(i+500, len(ids))]).Updates(c).Error; err != nil {
			if store.IsDuplicate(err) {
				return ErrNameTaken
			}
			return fmt.Errorf("drive: update entries: %w", err)
		}
	}
	return nil
}

func (st dbx) trashed(trashRoot string) ([]Entry, error) {
	var out []Entry
	if err := st.db.Where("trash_root = ? AND deleted = ?", trashRoot, true).Find(&out).Error; err != nil {
		return nil, fmt.Errorf("drive: trashed entries: %w", err)
	}
	return out, nil
}

// trashRoots lists what was put in the trash in a space, newest first.
func (st dbx) trashRoots(spaceID string, limit int, before *Entry) ([]Entry, error) {
	q := st.db.Where("space_id = ? AND deleted = ? AND trash_root = id", spaceID, true)
	if before != nil && before.TrashedAt != nil {
		q = q.Where("(trashed_at < ?) OR (trashed_at = ? AND id < ?)", *before.TrashedAt, *before.TrashedAt, before.ID)
	}
	var out []Entry
	if err := q.Order("trashed_at DESC, id DESC").Limit(limit).Find(&out).Error; err != nil {
		return nil, fmt.Errorf("drive: list trash: %w", err)
	}
	for i := range out {
		out[i].normalize()
	}
	return out, nil
}

// expiredTrash returns trash roots put in the trash before cutoff.
func (st dbx) expiredTrash(cutoff time.Time, limit int) ([]Entry, error) {
	var out []Entry
	err := st.db.Where("deleted = ? AND trash_root = id AND trashed_at < ?", true, cutoff).Order("trashed_at").Limit(limit).Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("drive: expired trash: %w", err)
	}
	return out, nil
}

// purgeEntries deletes entries with their versions and permissions for good.
func (st dbx) purgeEntries(ids []string) error {
	for i := 0; i < len(ids); i += 500 {
		part := ids[i:min(i+500, len(ids))]
		sub := st.db.Model(&FileVersion{}).Select("id").Where("entry_id IN ?", part)
		for _, q := range []struct {
			model any
			where string
			arg   any
		}{
			{&VersionChunk{}, "version_id IN (?)", sub},
			{&FileVersion{}, "entry_id IN ?", part},
			{&Permission{}, "entry_id IN ?", part},
			{&Entry{}, "id IN ?", part},
		} {
			if err := st.db.Where(q.where, q.arg).Delete(q.model).Error; err != nil {
				return fmt.Errorf("drive: purge: %w", err)
			}
		}
	}
	return nil
}

func (st dbx) raisePurgedSeq(spaceID string, seq int64) error {
	return st.db.Exec("UPDATE drive_spaces SET purged_seq = ? WHERE id = ? AND purged_seq < ?", seq, spaceID, seq).Error
}

// changedSince returns the entries of a space changed after seq, in seq
// order: limit rows, then the rest of the last seq (one change is never
// split across pages).
func (st dbx) changedSince(spaceID, rootID string, seq int64, limit int) ([]Entry, error) {
	var out []Entry
	if err := st.db.Where("space_id = ? AND seq > ? AND id <> ?", spaceID, seq, rootID).Order("seq, id").Limit(limit).Find(&out).Error; err != nil {
		return nil, fmt.Errorf("drive: changes: %w", err)
	}
	if len(out) == limit {
		last := out[len(out)-1]
		var rest []Entry
		if err := st.db.Where("space_id = ? AND seq = ? AND id > ?", spaceID, last.Seq, last.ID).Order("id").Find(&rest).Error; err != nil {
			return nil, fmt.Errorf("drive: changes: %w", err)
		}
		out = append(out, rest...)
	}
	for i := range out {
		out[i].normalize()
	}
	return out, nil
}

// liveInSpace returns every live entry of a space but its root.
func (st dbx) liveInSpace(spaceID, rootID string) ([]Entry, error) {
	var out []Entry
	if err := st.db.Where("space_id = ? AND deleted = ? AND id <> ?", spaceID, false, rootID).Order("id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("drive: list space: %w", err)
	}
	for i := range out {
		out[i].normalize()
	}
	return out, nil
}

type folderRow struct {
	ID, ParentID, Name string
}

// folders returns every folder of a space (live or not), for paths.
func (st dbx) folders(spaceID string) ([]folderRow, error) {
	var out []folderRow
	err := st.db.Model(&Entry{}).Select("id, parent_id, name").Where("space_id = ? AND kind = ?", spaceID, KindFolder).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("drive: folders: %w", err)
	}
	return out, nil
}

// searchNames finds live entries whose name contains q (case-insensitive),
// in the given spaces (all when nil).
func (st dbx) searchNames(q string, spaceIDs []string, limit int) ([]Entry, error) {
	esc := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(nameKey(q))
	db := st.db.Where("deleted = ? AND parent_id <> '' AND name_key LIKE ? ESCAPE '\\'", false, "%"+esc+"%")
	if spaceIDs != nil {
		db = db.Where("space_id IN ?", spaceIDs)
	}
	var out []Entry
	if err := db.Order("modified_at DESC, id").Limit(limit).Find(&out).Error; err != nil {
		return nil, fmt.Errorf("drive: search: %w", err)
	}
	for i := range out {
		out[i].normalize()
	}
	return out, nil
}

// --- permissions ---

func (st dbx) permissionsOn(entryIDs []string) ([]Permission, error) {
	var out []Permission
	if err := st.db.Where("entry_id IN ?", entryIDs).Order("created_at, id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("drive: permissions: %w", err)
	}
	for i := range out {
		out[i].CreatedAt = out[i].CreatedAt.UTC()
	}
	return out, nil
}

func (st dbx) permission(id string) (*Permission, error) {
	var p Permission
	if err := st.db.First(&p, "id = ?", id).Error; err != nil {
		if store.IsNotFound(err) {
			return nil, ErrNotFound
		}
		return nil, fmt.Errorf("drive: load permission: %w", err)
	}
	return &p, nil
}

// upsertPermission sets the principal's role on the entry.
func (st dbx) upsertPermission(p *Permission) error {
	err := st.db.Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "entry_id"}, {Name: "principal_type"}, {Name: "principal_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"role"}),
	}).Create(p).Error
	if err != nil {
		return fmt.Errorf("drive: grant: %w", err)
	}
	var saved Permission
	if err := st.db.Where("entry_id = ? AND principal_type = ? AND principal_id = ?", p.EntryID, p.PrincipalType, p.PrincipalID).
		First(&saved).Error; err != nil {
		return fmt.Errorf("drive: reload grant: %w", err)
	}
	saved.CreatedAt = saved.CreatedAt.UTC()
	*p = saved
	return nil
}

func (st dbx) deletePermission(id string) error {
	return st.db.Delete(&Permission{}, "id = ?", id).Error
}

// sharedWithUser lists the live entries granted directly to a user.
func (st dbx) sharedWithUser(userID string, limit int) ([]Entry, error) {
	var out []Entry
	sub := st.db.Model(&Permission{}).Select("entry_id").Where("principal_type = ? AND principal_id = ?", PrincipalUser, userID)
	if err := st.db.Where("id IN (?) AND deleted = ?", sub, false).Order("modified_at DESC, id").Limit(limit).Find(&out).Error; err != nil {
		return nil, fmt.Errorf("drive: shared with me: %w", err)
	}
	for i := range out {
		out[i].normalize()
	}
	return out, nil
}
