package drive

import (
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"tack/backend/store"
)

// --- versions ---

func (st dbx) versions(entryID string) ([]FileVersion, error) {
	var out []FileVersion
	if err := st.db.Where("entry_id = ?", entryID).Order("entry_version DESC").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("drive: versions: %w", err)
	}
	for i := range out {
		out[i].CreatedAt = out[i].CreatedAt.UTC()
	}
	return out, nil
}

// versionAt returns the version the entry had at entry version v (the
// newest committed at or before v); v = 0 means the newest.
func (st dbx) versionAt(entryID string, v int64) (*FileVersion, error) {
	q := st.db.Where("entry_id = ?", entryID)
	if v > 0 {
		q = q.Where("entry_version <= ?", v)
	}
	var fv FileVersion
	if err := q.Order("entry_version DESC").First(&fv).Error; err != nil {
		if store.IsNotFound(err) {
			return nil, ErrVersionNotFound
		}
		return nil, fmt.Errorf("drive: version: %w", err)
	}
	fv.CreatedAt = fv.CreatedAt.UTC()
	return &fv, nil
}

func (st dbx) version(id string) (*FileVersion, error) {
	var fv FileVersion
	if err := st.db.First(&fv, "id = ?", id).Error; err != nil {
		if store.IsNotFound(err) {
			return nil, ErrVersionNotFound
		}
		return nil, fmt.Errorf("drive: version: %w", err)
	}
	return &fv, nil
}

func (st dbx) versionChunks(versionID string) ([]VersionChunk, error) {
	var out []VersionChunk
	if err := st.db.Where("version_id = ?", versionID).Order("idx").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("drive: version chunks: %w", err)
	}
	return out, nil
}

// insertVersion stores a version and its chunk list.
func (st dbx) insertVersion(fv *FileVersion, chunks []VersionChunk) error {
	if err := st.db.Create(fv).Error; err != nil {
		return fmt.Errorf("drive: create version: %w", err)
	}
	for i := range chunks {
		chunks[i].VersionID = fv.ID
	}
	if len(chunks) > 0 {
		if err := st.db.CreateInBatches(chunks, 500).Error; err != nil {
			return fmt.Errorf("drive: create version chunks: %w", err)
		}
	}
	return nil
}

// copyVersionChunks gives version to the chunk list of version from.
func (st dbx) copyVersionChunks(from, to string) error {
	return st.db.Exec(`INSERT INTO drive_version_chunks (version_id, idx, hash, size, chunk_offset)
		SELECT ?, idx, hash, size, chunk_offset FROM drive_version_chunks WHERE version_id = ?`, to, from).Error
}

func (st dbx) deleteVersions(ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	if err := st.db.Where("version_id IN ?", ids).Delete(&VersionChunk{}).Error; err != nil {
		return fmt.Errorf("drive: delete version chunks: %w", err)
	}
	return st.db.Where("id IN ?", ids).Delete(&FileVersion{}).Error
}

// prunableVersions returns versions of entryID beyond the newest keep.
func (st dbx) prunableVersions(entryID string, keep int) ([]string, error) {
	var ids []string
	err := st.db.Model(&FileVersion{}).Where("entry_id = ?", entryID).Order("entry_version DESC").Offset(keep).Pluck("id", &ids).Error
	return ids, err
}

// oldVersions returns versions created before cutoff that are not the
// newest of their file.
func (st dbx) oldVersions(cutoff time.Time, limit int) ([]string, error) {
	var ids []string
	err := st.db.Raw(`SELECT v.id FROM drive_versions v WHERE v.created_at < ? AND EXISTS (
		SELECT 1 FROM drive_versions n WHERE n.entry_id = v.entry_id AND n.entry_version > v.entry_version) LIMIT ?`, cutoff, limit).Scan(&ids).Error
	return ids, err
}

// --- chunks ---

// presentChunks returns which of hashes have a chunk row.
func (st dbx) presentChunks(hashes []string) (map[string]bool, error) {
	out := make(map[string]bool, len(hashes))
	for i := 0; i < len(hashes); i += 500 {
		var have []string
		if err := st.db.Model(&ChunkRow{}).Where("hash IN ?", hashes[i:min(i+500, len(hashes))]).Pluck("hash", &have).Error; err != nil {
			return nil, fmt.Errorf("drive: chunk rows: %w", err)
		}
		for _, h := range have {
			out[h] = true
		}
	}
	return out, nil
}

// touchChunks marks chunks as in use now and returns how many rows exist.
// Every transaction that adds a reference to a chunk calls it: on
// PostgreSQL the row locks make a concurrent collector re-check
// last_used_at (and skip the chunk).
func (st dbx) touchChunks(hashes []string, now time.Time) (int64, error) {
	var n int64
	for i := 0; i < len(hashes); i += 500 {
		res := st.db.Model(&ChunkRow{}).Where("hash IN ?", hashes[i:min(i+500, len(hashes))]).Update("last_used_at", now)
		if res.Error != nil {
			return 0, fmt.Errorf("drive: touch chunks: %w", res.Error)
		}
		n += res.RowsAffected
	}
	return n, nil
}

// upsertChunk records a chunk (before its file is installed).
func (st dbx) upsertChunk(hash string, size int, now time.Time) error {
	err := st.db.Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "hash"}},
		DoUpdates: clause.AssignmentColumns([]string{"last_used_at"}),
	}).Create(&ChunkRow{Hash: hash, Size: size, CreatedAt: now, LastUsedAt: now}).Error
	if err != nil {
		return fmt.Errorf("drive: record chunk: %w", err)
	}
	return nil
}

const unreferenced = `last_used_at < ?
	AND NOT EXISTS (SELECT 1 FROM drive_version_chunks v WHERE v.hash = drive_chunks.hash)
	AND NOT EXISTS (SELECT 1 FROM drive_upload_chunks u WHERE u.hash = drive_chunks.hash)`

// garbageChunks lists chunks unused since cutoff and referenced by nothing.
func (st dbx) garbageChunks(cutoff time.Time, limit int) ([]string, error) {
	var out []string
	err := st.db.Model(&ChunkRow{}).Where(unreferenced, cutoff).Limit(limit).Pluck("hash", &out).Error
	return out, err
}

// deleteGarbageChunk deletes the chunk row if it is still garbage.
func (st dbx) deleteGarbageChunk(hash string, cutoff time.Time) (bool, error) {
	res := st.db.Where("hash = ?", hash).Where(unreferenced, cutoff).Delete(&ChunkRow{})
	return res.RowsAffected == 1, res.Error
}

// claimOrphan inserts a placeholder row for a chunk file that has none, so
// that a concurrent upload of the same chunk waits until the file is gone.
func (st dbx) claimOrphan(hash string, old time.Time) (bool, error) {
	res := st.db.Clauses(clause.OnConflict{DoNothing: true}).Create(&ChunkRow{Hash: hash, Size: 0, CreatedAt: old, LastUsedAt: old})
	return res.RowsAffected == 1, res.Error
}

func (st dbx) deleteChunkRow(hash string) error {
	return st.db.Delete(&ChunkRow{}, "hash = ?", hash).Error
}

// --- uploads ---

func (st dbx) insertUpload(u *Upload, chunks []UploadChunkRow) error {
	if err := st.db.Create(u).Error; err != nil {
		return fmt.Errorf("drive: create upload: %w", err)
	}
	if len(chunks) > 0 {
		if err := st.db.CreateInBatches(chunks, 500).Error; err != nil {
			return fmt.Errorf("drive: create upload chunks: %w", err)
		}
	}
	return nil
}

// uploadListEnd answers the index after an upload's last chunk row (the
// primary key's last entry) and the bytes its rows cover (the upload's
// running total, not a sum over the list), read in one statement so that
// both come from one snapshot on PostgreSQL.
func (st dbx) uploadListEnd(id string) (next int, size int64, err error) {
	var out struct {
		N    int
		Size int64
	}
	err = st.db.Raw(`SELECT COALESCE((SELECT MAX(idx) FROM drive_upload_chunks WHERE upload_id = ?), -1) + 1 AS n, listed_bytes AS size
FROM drive_uploads WHERE id = ?`, id, id).Scan(&out).Error
	if err != nil {
		return 0, 0, fmt.Errorf("drive: upload list end: %w", err)
	}
	return out.N, out.Size, nil
}

// appendUploadChunks adds rows to the end of an open upload's list and
// their sizes to its listed_bytes.
func (st dbx) appendUploadChunks(rows []UploadChunkRow) error {
	if len(rows) == 0 {
		return nil
	}
	if err := st.db.CreateInBatches(rows, chunkRowsPerStatement).Error; err != nil {
		return fmt.Errorf("drive: append upload chunks: %w", err)
	}
	var added int64
	for _, r := range rows {
		added += int64(r.Size)
	}
	err := st.db.Model(&Upload{}).Where("id = ?", rows[0].UploadID).Update("listed_bytes", gorm.Expr("listed_bytes + ?", added)).Error
	if err != nil {
		return fmt.Errorf("drive: append upload chunks: %w", err)
	}
	return nil
}

func (st dbx) upload(id string) (*Upload, error) {
	var u Upload
	if err := st.db.First(&u, "id = ?", id).Error; err != nil {
		if store.IsNotFound(err) {
			return nil, ErrUploadNotFound
		}
		return nil, fmt.Errorf("drive: load upload: %w", err)
	}
	u.CreatedAt, u.ExpiresAt = u.CreatedAt.UTC(), u.ExpiresAt.UTC()
	return &u, nil
}

func (st dbx) uploadChunks(id string) ([]UploadChunkRow, error) {
	var out []UploadChunkRow
	if err := st.db.Where("upload_id = ?", id).Order("idx").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("drive: upload chunks: %w", err)
	}
	return out, nil
}

// uploadChunkSize returns the announced size of hash in the upload (ok false when not announced).
func (st dbx) uploadChunkSize(id, hash string) (int, bool, error) {
	var rows []UploadChunkRow
	if err := st.db.Where("upload_id = ? AND hash = ?", id, hash).Limit(1).Find(&rows).Error; err != nil {
		return 0, false, fmt.Errorf("drive: upload chunk: %w", err)
	}
	if len(rows) == 0 {
		return 0, false, nil
	}
	return rows[0].Size, true, nil
}

func (st dbx) deleteUploads(ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	if err := st.db.Where("upload_id IN ?", ids).Delete(&UploadChunkRow{}).Error; err != nil {
		return fmt.Errorf("drive: delete upload chunks: %w", err)
	}
	return st.db.Where("id IN ?", ids).Delete(&Upload{}).Error
}

func (st dbx) expiredUploads(now time.Time, limit int) ([]string, error) {
	var ids []string
	err := st.db.Model(&Upload{}).Where("expires_at < ?", now).Limit(limit).Pluck("id", &ids).Error
	return ids, err
}

// referencedChunks pages through the distinct chunks file versions refer
// to, in hash order, after the given hash.
func (st dbx) referencedChunks(after string, limit int) ([]VersionChunk, error) {
	var out []VersionChunk
	err := st.db.Raw(`SELECT hash, MAX(size) AS size FROM drive_version_chunks WHERE hash > ? GROUP BY hash ORDER BY hash LIMIT ?`, after, limit).
		Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("drive: referenced chunks: %w", err)
	}
	return out, nil
}

// versionHashesIn returns which of hashes some file version's content has.
func (st dbx) versionHashesIn(hashes []string) ([]string, error) {
	var named []string
	err := st.db.Model(&FileVersion{}).Where("hash IN ?", hashes).Distinct().Pluck("hash", &named).Error
	return named, err
}
