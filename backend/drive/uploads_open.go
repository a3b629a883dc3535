package drive

import (
	"context"

	"tack/backend/apperr"
	"tack/backend/drive/blobstore"
	"tack/backend/identity"
	"tack/backend/store"
)

// Open uploads: announce while chunking.
//
// A new big file used to be read twice by the sync agent: once to cut and
// hash all its chunks (the list StartUpload needs), then again to send the
// missing ones, with the server idle during the first pass. An open upload
// (UploadRequest.Open) is started with the file's size and no (or a
// partial) chunk list; the agent appends each few MiB of chunks as it cuts
// them (AppendChunks answers which of those it must send) and sends them
// at once, from the bytes it just read. Everything else is as for any
// upload: every chunk is checked against its hash on arrival, the running
// hash follows the list as it grows, and Commit refuses a list that does
// not cover the announced size, then checks the whole content as always.

// AppendChunks adds chunks to the end of an open upload's list and answers
// which of them the caller must send. The list may not grow past the
// upload's announced size.
func (s *Service) AppendChunks(ctx context.Context, a identity.Actor, uploadID string, chunks []UploadChunk) (UploadState, error) {
	var v apperr.Validator
	v.Check(len(chunks) > 0 && len(chunks) <= MaxChunkBatchItems, "chunks", "invalid")
	var sum int64
	for _, c := range chunks {
		if !blobstore.ValidHash(c.Hash) || c.Size <= 0 || c.Size > s.cfg.MaxChunkSize {
			v.Check(false, "chunks", "invalid")
			break
		}
		sum += int64(c.Size)
	}
	if err := v.Err("drive.invalid_upload", "the upload is not valid"); err != nil {
		return UploadState{}, err
	}
	w, err := s.who(ctx, a)
	if err != nil {
		return UploadState{}, err
	}
	now := s.clock.Now()
	var u *Upload
	hashes := make([]string, 0, len(chunks))
	seen := map[string]bool{}
	for _, c := range chunks {
		if !seen[c.Hash] {
			seen[c.Hash] = true
			hashes = append(hashes, c.Hash)
		}
	}
	err = s.write(ctx, func(st dbx) error {
		if u, err = s.ownUpload(ctx, st, a, uploadID); err != nil {
			return err
		}
		next, size, err := st.uploadListEnd(uploadID)
		if err != nil {
			return err
		}
		if next+len(chunks) > maxChunks || size+sum > u.Size {
			return ErrInvalidUpload.WithField("size", "mismatch")
		}
		if _, err := st.touchChunks(hashes, now); err != nil {
			return err
		}
		rows := make([]UploadChunkRow, len(chunks))
		for i, c := range chunks {
			rows[i] = UploadChunkRow{UploadID: uploadID, Idx: next + i, Hash: c.Hash, Size: c.Size}
		}
		return st.appendUploadChunks(rows)
	})
	if store.IsDuplicate(err) {
		// Two appends to one list at once (PostgreSQL: both read the
		// same end): the list is ordered, so the later one is refused
		// whole rather than interleaved or answered with a 500.
		return UploadState{}, ErrAppendBusy
	}
	if err != nil {
		return UploadState{}, err
	}
	missing, err := s.missingFor(ctx, w, hashes, u.EntryID)
	if err != nil {
		return UploadState{}, err
	}
	order := make([]string, len(chunks))
	for i, c := range chunks {
		order[i] = c.Hash
	}
	s.runs.extend(uploadID, order, missing, now)
	return UploadState{ID: u.ID, Missing: missing, Size: u.Size, ExpiresAt: u.ExpiresAt}, nil
}
