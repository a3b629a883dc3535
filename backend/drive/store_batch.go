package drive

import (
	"fmt"

	"gorm.io/gorm/clause"

	"tack/backend/store"
)

// Multi-row statements of the batch upload. Rows go in slices of
// batchRows: the widest row (an entry, 21 columns) then stays far below
// SQLite's limit on bound parameters.
const batchRows = 500

// upsertChunks records chunks (before their files are installed) in one
// statement per slice, in the given order: callers pass hashes sorted, the
// order in which every writer locks chunk rows.
func (st dbx) upsertChunks(rows []ChunkRow) error {
	if len(rows) == 0 {
		return nil
	}
	err := st.db.Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "hash"}},
		DoUpdates: clause.AssignmentColumns([]string{"last_used_at"}),
	}).CreateInBatches(rows, chunkRowsPerStatement).Error
	if err != nil {
		return fmt.Errorf("drive: record chunks: %w", err)
	}
	return nil
}

// liveNamed returns the live children of the given folders whose name
// folds to one of keys, keyed by parent ID + "\x00" + name key.
func (st dbx) liveNamed(parentIDs, keys []string) (map[string]*Entry, error) {
	out := map[string]*Entry{}
	if len(parentIDs) == 0 || len(keys) == 0 {
		return out, nil
	}
	for i := 0; i < len(keys); i += batchRows {
		var es []Entry
		err := st.db.Where("parent_id IN ? AND name_key IN ? AND deleted = ?", parentIDs, keys[i:min(i+batchRows, len(keys))], false).
			Find(&es).Error
		if err != nil {
			return nil, fmt.Errorf("drive: find children: %w", err)
		}
		for j := range es {
			es[j].normalize()
			out[es[j].ParentID+"\x00"+es[j].NameKey] = &es[j]
		}
	}
	return out, nil
}

// insertFiles creates new entries, versions and version chunk lists in a
// few multi-row statements.
func (st dbx) insertFiles(entries []Entry, versions []FileVersion, chunks []VersionChunk) error {
	if len(entries) > 0 {
		if err := st.db.CreateInBatches(entries, batchRows).Error; err != nil {
			if store.IsDuplicate(err) {
				return ErrNameTaken
			}
			return fmt.Errorf("drive: create entries: %w", err)
		}
	}
	if len(versions) > 0 {
		if err := st.db.CreateInBatches(versions, batchRows).Error; err != nil {
			return fmt.Errorf("drive: create versions: %w", err)
		}
	}
	if len(chunks) > 0 {
		if err := st.db.CreateInBatches(chunks, batchRows).Error; err != nil {
			return fmt.Errorf("drive: create version chunks: %w", err)
		}
	}
	return nil
}
