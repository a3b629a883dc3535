package syncagent

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"tack/backend/store"
)

// Index is the local SQLite index in the client's data dir: pairs, the last
// synced state of every path, and open upload sessions.
type Index struct {
	db *gorm.DB
}

// OpenIndex opens (and migrates) the index under dataDir/sync.
func OpenIndex(ctx context.Context, dataDir string) (*Index, error) {
	db, err := store.OpenLocal(ctx, filepath.Join(dataDir, "sync"), migrations())
	if err != nil {
		return nil, fmt.Errorf("sync: open index: %w", err)
	}
	return &Index{db: db}, nil
}

// Close closes the database.
func (ix *Index) Close() error { return store.Close(ix.db) }

// Pairs lists the configured pairs.
func (ix *Index) Pairs(ctx context.Context) ([]Pair, error) {
	var ps []Pair
	if err := ix.db.WithContext(ctx).Order("created_at, id").Find(&ps).Error; err != nil {
		return nil, fmt.Errorf("sync: list pairs: %w", err)
	}
	return ps, nil
}

// SavePair inserts or updates a pair.
func (ix *Index) SavePair(ctx context.Context, p Pair) error {
	err := ix.db.WithContext(ctx).Clauses(clause.OnConflict{UpdateAll: true}).Create(&p).Error
	if err != nil {
		return fmt.Errorf("sync: save pair: %w", err)
	}
	return nil
}

// DeletePair forgets a pair and its index (local and remote files stay).
func (ix *Index) DeletePair(ctx context.Context, id string) error {
	return ix.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for _, m := range []any{&FileRecord{}, &uploadRecord{}} {
			if err := tx.Where("pair_id = ?", id).Delete(m).Error; err != nil {
				return fmt.Errorf("sync: delete pair: %w", err)
			}
		}
		return tx.Where("id = ?", id).Delete(&Pair{}).Error
	})
}

// Files loads the whole base of a pair, keyed by path.
//
// One streaming query, scanned by hand: gorm's FindInBatches pages by a
// single-column primary key and fails on sync_files' (pair_id, path) key
// after the first batch ("primary key required"), which stopped every pair of
// more than one batch at its next start.
func (ix *Index) Files(ctx context.Context, pairID string) (map[string]*FileRecord, error) {
	// Sized first: a count is one pass over the pair's index entries, far
	// cheaper than growing a 100,000-entry map step by step.
	var n int64
	if err := ix.db.WithContext(ctx).Model(&FileRecord{}).Where("pair_id = ?", pairID).Count(&n).Error; err != nil {
		return nil, fmt.Errorf("sync: load index: %w", err)
	}
	rows, err := ix.db.WithContext(ctx).Model(&FileRecord{}).
		Select("path, dir, size, mtime_ns, ctime_ns, inode, hash, chunks, entry_id, version").
		Where("pair_id = ?", pairID).Rows()
	if err != nil {
		return nil, fmt.Errorf("sync: load index: %w", err)
	}
	defer rows.Close()
	out := make(map[string]*FileRecord, n)
	for rows.Next() {
		r := &FileRecord{PairID: pairID} // one shared string, not one per row
		var chunks sql.NullString
		var inode int64
		if err := rows.Scan(&r.Path, &r.Dir, &r.Size, &r.MtimeNs, &r.CtimeNs, &inode, &r.Hash, &chunks, &r.EntryID, &r.Version); err != nil {
			return nil, fmt.Errorf("sync: load index: %w", err)
		}
		r.Inode = uint64(inode)
		if chunks.Valid && chunks.String != "" && chunks.String != "null" {
			if err := json.Unmarshal([]byte(chunks.String), &r.Chunks); err != nil {
				return nil, fmt.Errorf("sync: load index: %s: %w", r.Path, err)
			}
		}
		out[r.Path] = r
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sync: load index: %w", err)
	}
	return out, nil
}

// Apply writes records and deletes paths in one transaction.
func (ix *Index) Apply(ctx context.Context, pairID string, put []*FileRecord, del []string) error {
	if len(put) == 0 && len(del) == 0 {
		return nil
	}
	return ix.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for i := 0; i < len(del); i += 500 {
			j := min(i+500, len(del))
			if err := tx.Where("pair_id = ? AND path IN ?", pairID, del[i:j]).Delete(&FileRecord{}).Error; err != nil {
				return fmt.Errorf("sync: index delete: %w", err)
			}
		}
		if len(put) > 0 {
			if err := tx.Clauses(clause.OnConflict{UpdateAll: true}).CreateInBatches(put, 200).Error; err != nil {
				return fmt.Errorf("sync: index write: %w", err)
			}
		}
		return nil
	})
}

// Upload returns the open upload session for a path and content hash, or "".
func (ix *Index) Upload(ctx context.Context, pairID, path, hash string) (string, error) {
	var u uploadRecord
	err := ix.db.WithContext(ctx).Where("pair_id = ? AND path = ?", pairID, path).Take(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("sync: read upload: %w", err)
	}
	if u.Hash != hash {
		return "", nil
	}
	return u.UploadID, nil
}

// SaveUpload remembers an upload session (persisted before any chunk is sent).
func (ix *Index) SaveUpload(ctx context.Context, u uploadRecord) error {
	if err := ix.db.WithContext(ctx).Clauses(clause.OnConflict{UpdateAll: true}).Create(&u).Error; err != nil {
		return fmt.Errorf("sync: save upload: %w", err)
	}
	return nil
}

// DeleteUpload forgets an upload session.
func (ix *Index) DeleteUpload(ctx context.Context, pairID, path string) error {
	return ix.db.WithContext(ctx).Where("pair_id = ? AND path = ?", pairID, path).Delete(&uploadRecord{}).Error
}

// isUnder reports whether p is dir or inside it (slash paths).
func isUnder(p, dir string) bool {
	return dir == "" || p == dir || strings.HasPrefix(p, dir+"/")
}
