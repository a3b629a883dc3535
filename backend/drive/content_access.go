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
// up to 16 KiB (often up to 64 KiB) are one chunk, so the chunk hash is the file hash, which
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
// The chunk index also covers version_id, so that the walk from chunks to
// the versions holding them (usableChunks) reads the index alone: a chunk
// kept in 50 versions of a file is 50 index entries, not 50 table rows.
// Received chunks have an index of their own: the chunks announced by every
// open upload (most of them never sent, being stored already) stay out of
// the look-up.
var uploadReceivedMigration = store.Migration{ID: "drive-0005-upload-received", SQL: `
ALTER TABLE drive_upload_chunks ADD COLUMN received BOOLEAN NOT NULL DEFAULT FALSE;
DROP INDEX drive_version_chunks_hash;
CREATE INDEX drive_version_chunks_hash ON drive_version_chunks (hash, version_id);
CREATE INDEX drive_upload_chunks_received ON drive_upload_chunks (hash, upload_id) WHERE received = TRUE`}

// missingFor returns the hashes the actor must send: those the store lacks
// and those the actor may not count as present (see above). entryID is the
// file a new version is for ("" for a new file): the chunks of its current
// version, the usual bulk of an edited file's, are checked first and
// cheaply (one read of that version's chunk list).
func (s *Service) missingFor(ctx context.Context, w who, hashes []string, entryID string) ([]string, error) {
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
	usable := map[string]bool{}
	if entryID != "" && len(stored) > 0 {
		if usable, err = s.targetChunks(ctx, st, w, entryID, stored); err != nil {
			return nil, err
		}
	}
	rest := stored[:0:0]
	for _, h := range stored {
		if !usable[h] {
			rest = append(rest, h)
		}
	}
	more, err := s.usableChunks(st, w, rest, s.clock.Now())
	if err != nil {
		return nil, err
	}
	out := []string{}
	for _, h := range hashes {
		if !usable[h] && !more[h] {
			out = append(out, h)
		}
	}
	return out, nil
}

// targetChunks returns which of hashes the current version of file entryID
// holds, when the actor can read that file now (else none).
func (s *Service) targetChunks(ctx context.Context, st dbx, w who, entryID string, hashes []string) (map[string]bool, error) {
	out := map[string]bool{}
	e, err := s.needLive(ctx, st, w, entryID, RoleViewer)
	if err != nil {
		if isUserError(err) {
			return out, nil // not readable (any more): the general check decides
		}
		return nil, err
	}
	if e.IsDir() {
		return out, nil
	}
	fv, err := st.versionAt(e.ID, 0)
	if err != nil {
		if isUserError(err) {
			return out, nil
		}
		return nil, err
	}
	for i := 0; i < len(hashes); i += 500 {
		var got []string
		err := st.db.Model(&VersionChunk{}).Where("version_id = ? AND hash IN ?", fv.ID, hashes[i:min(i+500, len(hashes))]).
			Distinct().Pluck("hash", &got).Error
		if err != nil {
			return nil, fmt.Errorf("drive: target chunks: %w", err)
		}
		for _, h := range got {
			out[h] = true
		}
	}
	return out, nil
}

// usableChunks returns which of hashes the actor may use without sending
// them, in one query per 500 hashes (two when the first leaves some):
// starting from every file version that
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
	// Readability is worked out per file, not per chunk: a chunk shared by
	// many files (copies, versions) would otherwise multiply the walk. The
	// first pass looks at one file per chunk (the first the index finds:
	// usually a readable one, as most chunks belong to one file and its
	// versions); only the chunks it leaves go to the second, which looks at
	// every file holding them.
	q := func(cand string) string {
		return `WITH RECURSIVE cand(id) AS (` + cand + `
), up(start, id, parent_id, space_id) AS (
	SELECT e.id, e.id, e.parent_id, e.space_id FROM cand JOIN drive_entries e ON e.id = cand.id AND e.deleted = @no
	UNION
	SELECT up.start, p.id, p.parent_id, p.space_id FROM up JOIN drive_entries p ON p.id = up.parent_id
), ok(id) AS (
	SELECT DISTINCT up.start FROM up
	WHERE EXISTS (SELECT 1 FROM drive_spaces s WHERE s.id = up.space_id AND (` + strings.Join(implicit, " OR ") + `))
		OR EXISTS (SELECT 1 FROM drive_permissions pm WHERE pm.entry_id = up.id AND (` + strings.Join(grant, " OR ") + `))
)
SELECT c.hash FROM drive_chunks c WHERE c.hash IN @hashes AND EXISTS (
	SELECT 1 FROM drive_version_chunks vc JOIN drive_versions v ON v.id = vc.version_id
	WHERE vc.hash = c.hash AND v.entry_id IN (SELECT id FROM ok))
UNION
SELECT uc.hash FROM drive_upload_chunks uc JOIN drive_uploads u ON u.id = uc.upload_id
WHERE uc.received = TRUE AND uc.hash IN @hashes AND u.user_id = @user AND u.expires_at > @now` // TRUE, not a parameter: the partial index
	}
	first := q(`
	SELECT DISTINCT (SELECT v.entry_id FROM drive_version_chunks vc JOIN drive_versions v ON v.id = vc.version_id
		WHERE vc.hash = c.hash LIMIT 1) FROM drive_chunks c WHERE c.hash IN @hashes`)
	every := q(`
	SELECT DISTINCT v.entry_id FROM drive_versions v
	WHERE v.id IN (SELECT version_id FROM drive_version_chunks WHERE hash IN @hashes)`)
	heads := make([]string, 0, len(w.heads))
	for id := range w.heads {
		heads = append(heads, id)
	}
	run := func(q string, hashes []string) error {
		for i := 0; i < len(hashes); i += 500 {
			var got []string
			args := map[string]any{"hashes": hashes[i:min(i+500, len(hashes))], "user": w.UserID, "heads": heads,
				"depts": w.depts, "roles": w.Roles, "now": now, "no": false}
			if err := st.db.Raw(q, args).Scan(&got).Error; err != nil {
				return fmt.Errorf("drive: usable chunks: %w", err)
			}
			for _, h := range got {
				out[h] = true
			}
		}
		return nil
	}
	if err := run(first, hashes); err != nil {
		return nil, err
	}
	var rest []string
	for _, h := range hashes {
		if !out[h] {
			rest = append(rest, h)
		}
	}
	if err := run(every, rest); err != nil {
		return nil, err
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

// markReceivedAll is markReceived for many hashes of one upload.
func (st dbx) markReceivedAll(uploadID string, hashes []string) error {
	for i := 0; i < len(hashes); i += chunkRowsPerStatement {
		err := st.db.Model(&UploadChunkRow{}).Where("hash IN ? AND upload_id = ?", hashes[i:min(i+chunkRowsPerStatement, len(hashes))], uploadID).
			Update("received", true).Error
		if err != nil {
			return fmt.Errorf("drive: mark chunks received: %w", err)
		}
	}
	return nil
}
