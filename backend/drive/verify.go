package drive

import (
	"context"
	"errors"
	"fmt"

	"tack/backend/drive/blobstore"
)

// ReferencedChunks calls fn for every chunk some file version refers to
// (each once, in hash order): what a backup of the blob store must contain.
// Take it from the same database snapshot the backup copies.
func (s *Service) ReferencedChunks(ctx context.Context, fn func(hash string, size int) error) error {
	after := ""
	for {
		page, err := s.read(ctx).referencedChunks(after, 1000)
		if err != nil {
			return err
		}
		for _, c := range page {
			if err := fn(c.Hash, c.Size); err != nil {
				return err
			}
			after = c.Hash
		}
		if len(page) < 1000 {
			return nil
		}
	}
}

// VerifyReport is the outcome of Verify.
type VerifyReport struct {
	Chunks  int      // referenced chunks checked
	Missing []string // referenced but absent from the blob store
	Corrupt []string // present with the wrong size, or (deep) the wrong SHA-256
}

// OK reports whether nothing is missing or corrupt.
func (r VerifyReport) OK() bool { return len(r.Missing) == 0 && len(r.Corrupt) == 0 }

// Verify checks that every chunk a file version refers to is in the blob
// store with its recorded size; deep also re-hashes each chunk (reads
// everything). For `tack admin verify` and after a restore.
func (s *Service) Verify(ctx context.Context, deep bool) (VerifyReport, error) {
	var r VerifyReport
	err := s.ReferencedChunks(ctx, func(hash string, size int) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		r.Chunks++
		got, err := s.blobs.Stat(hash)
		switch {
		case errors.Is(err, blobstore.ErrNotFound):
			r.Missing = append(r.Missing, hash)
		case err != nil:
			return fmt.Errorf("drive: verify %s: %w", hash, err)
		case got != int64(size):
			r.Corrupt = append(r.Corrupt, hash)
		case deep:
			if s.blobs.Verify(hash) != nil {
				r.Corrupt = append(r.Corrupt, hash)
			}
		}
		return nil
	})
	return r, err
}
