package drive

import (
	"context"
	"fmt"
	"strings"
	"time"

	"tack/backend/org"
	"tack/backend/store"
)

// Deduplication without disclosure.
//
// Chunks are stored once, server-wide, and an upload announces its chunk
// list before sending any bytes. If the server answered "present" for every
// chunk it holds, knowing a file's hash would be enough to read it: files
// up to 256 KiB are one chunk, so the chunk hash is the file hash, which
// listings, the change feed, versions, ETags and the desktop index all show
// (and a revoked share would revoke nothing). So a chunk the store holds
// counts as present for a caller only when the caller could read those
// bytes anyway:
//
//   - it belongs to a version of a live file the caller can read now, or
//   - the caller sent it in an upload of their own that is still open.
//
// Any other chunk is "missing" for the caller, exactly as if the store did
// not hold it (the answer tells nothing about other people's files); the
// caller sends the bytes, the server checks their hash and keeps its one
// stored copy. Deduplication's space savings stay; what is saved on the
// wire is limited to content the caller can read.

// uploadReceivedMigration records which chunks of an upload its owner has
// actually sent (PutChunk): those count as present for that owner.
var uploadReceivedMigration = store.Migration{ID: "drive-0004-upload-received", SQL: `
ALTER TABLE drive_upload_chunks ADD COLUMN received BOOLEAN NOT NULL DEFAULT FALSE`}

// missingFor returns the hashes the actor must send: those the store lacks
// and those the actor may not count as present (see above).
func (s *Service) missingFor(ctx context.Context, w who, hashes []string) ([]string, error) {
	st := s.read(ctx)
	have, err := st.presentChunks(hashes)
	if err != nil {
		return nil, err
	}
	var stored []string
	for _, h := range hashes {
		if have[h] && s.blobs.Has(h) {
			stored = append(stored, h)
		}
	}
	usable, err := s.usableChunks(st, w, stored, s.clock.Now())
	if err != nil {
		return nil, err
	}
	out := []string{}
	for _, h := range hashes {
		if !usable[h] {
			out = append(out, h)
		}
	}
	return out, nil
}

// usableChunks returns which of hashes the actor may use without sending
// them, in one query per 500 hashes: starting from every file version that
// holds one of the chunks, it walks up each live file's folders and keeps
// the chunk if the actor's space role or a grant on the way gives read
// access (grants are inherited down the tree and only add, so one matching
// grant anywhere on the path suffices); plus the chunks the actor sent in
// an open upload of their own.
func (s *Service) usableChunks(st dbx, w who, hashes []string, now time.Time) (map[string]bool, error) {
	out := make(map[string]bool, len(hashes))
	if len(hashes) == 0 {
		return out, nil
	}
	if w.UserID == org.System.UserID {
		for _, h := range hashes {
			out[h] = true
		}
		return out, nil
	}
	// The space's implicit role (implicitRole): managers of every shared
	// space for admins, of a department's space for its heads, of a personal
	// space for its owner.
	implicit := []string{"(s.kind = 'personal' AND s.owner_id = @user)"}
	if w.IsAdmin() {
		implicit = append(implicit, "s.kind <> 'personal'")
	} else if len(w.heads) > 0 {
		implicit = append(implicit, "(s.kind = 'department' AND s.department_id IN @heads)")
	}
	// Grants matching the actor (who.matches).
	grant := []string{"(pm.principal_type = 'user' AND pm.principal_id = @user)", "pm.principal_type = 'everyone'"}
	if len(w.depts) > 0 {
		grant = append(grant, "(pm.principal_type = 'department' AND pm.principal_id IN @depts)")
	}
	if len(w.Roles) > 0 {
		grant = append(grant, "(pm.principal_type = 'role' AND pm.principal_id IN @roles)")
	}
	q := `WITH RECURSIVE up(hash, id, parent_id, space_id) AS (
	SELECT vc.hash, e.id, e.parent_id, e.space_id
	FROM drive_version_chunks vc
	JOIN drive_versions v ON v.id = vc.version_id
	JOIN drive_entries e ON e.id = v.entry_id AND e.deleted = @no
	WHERE vc.hash IN @hashes
	UNION
	SELECT up.hash, p.id, p.parent_id, p.space_id
	FROM up JOIN drive_entries p ON p.id = up.parent_id
)
SELECT DISTINCT up.hash FROM up
WHERE EXISTS (SELECT 1 FROM drive_spaces s WHERE s.id = up.space_id AND (` + strings.Join(implicit, " OR ") + `))
	OR EXISTS (SELECT 1 FROM drive_permissions pm WHERE pm.entry_id = up.id AND (` + strings.Join(grant, " OR ") + `))
UNION
SELECT uc.hash FROM drive_upload_chunks uc JOIN drive_uploads u ON u.id = uc.upload_id
WHERE u.user_id = @user AND u.expires_at > @now AND uc.received = @yes AND uc.hash IN @hashes`
	heads := make([]string, 0, len(w.heads))
	for id := range w.heads {
		heads = append(heads, id)
	}
	for i := 0; i < len(hashes); i += 500 {
		var got []string
		args := map[string]any{"hashes": hashes[i:min(i+500, len(hashes))], "user": w.UserID, "heads": heads,
			"depts": w.depts, "roles": w.Roles, "now": now, "yes": true, "no": false}
		if err := st.db.Raw(q, args).Scan(&got).Error; err != nil {
			return nil, fmt.Errorf("drive: usable chunks: %w", err)
		}
		for _, h := range got {
			out[h] = true
		}
	}
	return out, nil
}

// markReceived notes that the upload's owner sent hash.
func (st dbx) markReceived(uploadID, hash string) error {
	err := st.db.Model(&UploadChunkRow{}).Where("upload_id = ? AND hash = ?", uploadID, hash).Update("received", true).Error
	if err != nil {
		return fmt.Errorf("drive: mark chunk received: %w", err)
	}
	return nil
}
