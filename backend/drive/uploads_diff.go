package drive

import (
	"context"
	"crypto/sha256"
	"encoding/hex"

	"tack/backend/apperr"
	"tack/backend/store"
)

// Announcing a new version as a diff of its base.
//
// A 1 GiB file is about 14,000 chunks (scheme 3), and its full chunk list is
// about 1.3 MB of JSON: for a 1 MiB edit, more than the changed chunks
// themselves. An agent that knows the chunk list of the version it edited
// announces the new one as runs of the base's list it keeps plus the new
// chunks in between (ChunkDiff); the server rebuilds the full list from
// the base version it stores and from then on handles the upload exactly
// as one announced in full (missing chunks, commit, verification of every
// chunk and of the whole content's size and SHA-256). BaseListHash names
// the list the agent based its diff on, so a base the server chunked
// otherwise (another scheme, another client) is refused at once instead of
// failing at commit; the agent then announces in full.

// chunkSchemeMigration records the chunking scheme of each version and
// upload (0 for those written before: scheme 1 or 2, whichever the client
// used).
var chunkSchemeMigration = store.Migration{ID: "drive-0007-chunk-scheme", SQL: `
ALTER TABLE drive_versions ADD COLUMN chunk_scheme INTEGER NOT NULL DEFAULT 0;
ALTER TABLE drive_uploads ADD COLUMN chunk_scheme INTEGER NOT NULL DEFAULT 0`}

// ChunkDiff is a new version's chunk list as edits of the base version's.
type ChunkDiff struct {
	// BaseListHash is the SHA-256 (hex) of the base version's chunk hashes,
	// lowercase hex, concatenated in order (ChunkListHash).
	BaseListHash string   `json:"base_list_hash"`
	Ops          []DiffOp `json:"ops"`
}

// DiffOp is one run of the new list: Count base chunks from index From, or
// (Count = 0) the new Chunks.
type DiffOp struct {
	From   int           `json:"from,omitempty"`
	Count  int           `json:"count,omitempty"`
	Chunks []UploadChunk `json:"chunks,omitempty"`
}

// ChunkListHash is the SHA-256 (hex) of hashes concatenated: the name of a
// chunk list in a ChunkDiff.
func ChunkListHash(hashes []string) string {
	h := sha256.New()
	for _, c := range hashes {
		h.Write([]byte(c))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// expandDiff rebuilds req's full chunk list from its diff against the
// file's current version, which must be req.BaseVersion. The caller must be
// allowed to write the file (checked first: the base's list is not shown
// to anyone else, not even as "your diff does not fit").
func (s *Service) expandDiff(ctx context.Context, w who, req *UploadRequest) error {
	d := req.Diff
	var v apperr.Validator
	v.Check(req.EntryID != "", "chunks_diff", "needs_entry")
	v.Check(len(req.Chunks) == 0, "chunks_diff", "with_chunks")
	v.Check(len(d.Ops) <= maxChunks, "chunks_diff", "too_many")
	if err := v.Err("drive.invalid_upload", "the upload is not valid"); err != nil {
		return err
	}
	st := s.read(ctx)
	if _, err := s.resolveTarget(ctx, st, w, req.EntryID, req.BaseVersion, "", ""); err != nil {
		return err // not writable (404/403), or not at the base version (409 drive.stale_version)
	}
	fv, err := st.versionAt(req.EntryID, 0)
	if err != nil {
		return err
	}
	// A diff only makes sense within one chunking scheme; a base of another
	// is announced in full (its list hash would not match either).
	if req.ChunkScheme != 0 && fv.ChunkScheme != 0 && req.ChunkScheme != fv.ChunkScheme {
		return ErrInvalidUpload.WithField("chunks_diff", "scheme_mismatch")
	}
	base, err := st.versionChunks(fv.ID)
	if err != nil {
		return err
	}
	hashes := make([]string, len(base))
	for i, c := range base {
		hashes[i] = c.Hash
	}
	if ChunkListHash(hashes) != d.BaseListHash {
		return ErrInvalidUpload.WithField("chunks_diff", "base_mismatch")
	}
	var out []UploadChunk
	for _, op := range d.Ops {
		switch {
		case op.Count > 0 && len(op.Chunks) == 0:
			if op.From < 0 || op.From > len(base)-op.Count {
				return ErrInvalidUpload.WithField("chunks_diff", "out_of_range")
			}
			for _, c := range base[op.From : op.From+op.Count] {
				out = append(out, UploadChunk{Hash: c.Hash, Size: c.Size})
			}
		case op.Count == 0 && op.From == 0 && len(op.Chunks) > 0:
			out = append(out, op.Chunks...)
		default:
			return ErrInvalidUpload.WithField("chunks_diff", "invalid")
		}
		if len(out) > maxChunks {
			return ErrInvalidUpload.WithField("chunks", "too_many")
		}
	}
	req.Chunks, req.Diff = out, nil
	return nil
}
