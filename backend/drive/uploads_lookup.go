package drive

import (
	"fmt"

	"tack/backend/store"
)

// Per-batch look-ups of an upload's chunk rows.
//
// A 1 GiB file is about 14,000 chunk rows (scheme 3) sent in ~130
// PutChunks batches. Each batch used to read all of the upload's rows (to
// learn the announced sizes) and to mark its chunks received with
// "upload_id = ? AND hash IN …", which the primary key (upload_id, idx)
// answers by scanning every row of the upload: both grew with the rows
// already listed, so a big upload's server time grew with the square of
// its chunk count. An index on (hash, upload_id) answers both from the
// batch's own hashes; it replaces the index on hash alone, which the
// orphan sweep's "is this hash in any upload" still uses through its
// first column. Likewise each append to an open upload summed the sizes of
// every row listed so far: the upload now keeps that total (listed_bytes).
var uploadChunkHashMigration = store.Migration{ID: "drive-0008-upload-chunk-hash", SQL: `
DROP INDEX drive_upload_chunks_hash;
CREATE INDEX drive_upload_chunks_hash ON drive_upload_chunks (hash, upload_id);
ALTER TABLE drive_uploads ADD COLUMN listed_bytes BIGINT NOT NULL DEFAULT 0;
UPDATE drive_uploads SET listed_bytes = COALESCE((SELECT SUM(size) FROM drive_upload_chunks c WHERE c.upload_id = drive_uploads.id), 0)`}

// chunkRowsPerStatement bounds the rows of one statement on the chunk
// paths: the SQLite driver binds parameters in time quadratic in their
// count, so a few statements of ~100 rows beat one of 500.
const chunkRowsPerStatement = 100

// announcedSizes returns the announced size of each of hashes in the
// upload; a hash it does not announce is absent from the map.
func (st dbx) announcedSizes(uploadID string, hashes []string) (map[string]int, error) {
	out := make(map[string]int, len(hashes))
	for i := 0; i < len(hashes); i += chunkRowsPerStatement {
		var rows []UploadChunkRow
		err := st.db.Select("hash", "size").
			Where("hash IN ? AND upload_id = ?", hashes[i:min(i+chunkRowsPerStatement, len(hashes))], uploadID).
			Find(&rows).Error
		if err != nil {
			return nil, fmt.Errorf("drive: upload chunk sizes: %w", err)
		}
		for _, r := range rows {
			out[r.Hash] = r.Size
		}
	}
	return out, nil
}
