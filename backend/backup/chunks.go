package backup

import (
	"context"
	"errors"
	"fmt"
	"io"

	"tack/backend/drive/blobstore"
)

// ErrChunkMissing means a chunk the database references is not on disk.
var ErrChunkMissing = errors.New("chunk missing")

// ErrChunkCorrupt means a chunk's content does not match its name or size.
var ErrChunkCorrupt = errors.New("chunk corrupt")

// copyStats counts a chunk copy.
type copyStats struct {
	Copied, Present int
	CopiedBytes     int64
}

// copyChunks copies every chunk in refs from src to dst unless dst already
// has it (content-addressed: same name, same bytes, so a present chunk of
// the right size is skipped). Each copied chunk is read whole, checked
// against its hash and size, and written by dst's tmp+fsync+rename.
func copyChunks(ctx context.Context, src, dst blobstore.Store, refs []chunkRef, progress func(Progress)) (copyStats, error) {
	var st copyStats
	p := Progress{Phase: PhaseChunks, ChunksTotal: len(refs)}
	for _, r := range refs {
		p.BytesTotal += r.Size
	}
	report(progress, p)
	for _, r := range refs {
		if err := ctx.Err(); err != nil {
			return st, fmt.Errorf("backup: copy chunks: %w", err)
		}
		if size, err := dst.Stat(r.Hash); err == nil && size == r.Size {
			st.Present++
		} else {
			if err := copyChunk(src, dst, r); err != nil {
				return st, err
			}
			st.Copied++
			st.CopiedBytes += r.Size
		}
		p.Chunks++
		p.Copied = st.Copied
		p.Bytes += r.Size
		report(progress, p)
	}
	return st, nil
}

// copyChunk copies one chunk, verifying it on the way.
func copyChunk(src, dst blobstore.Store, r chunkRef) error {
	data, err := readChunk(src, r)
	if err != nil {
		return err
	}
	if err := dst.Put(r.Hash, data); err != nil {
		return fmt.Errorf("backup: write chunk %s: %w", r.Hash, err)
	}
	return nil
}

// readChunk reads a chunk whole and checks its size and hash.
func readChunk(s blobstore.Store, r chunkRef) ([]byte, error) {
	f, err := s.Open(r.Hash)
	if errors.Is(err, blobstore.ErrNotFound) {
		return nil, fmt.Errorf("backup: chunk %s (in %s): %w", r.Hash, s, ErrChunkMissing)
	}
	if err != nil {
		return nil, fmt.Errorf("backup: open chunk %s: %w", r.Hash, err)
	}
	defer f.Close()
	// One byte more than expected reveals a chunk that grew.
	data, err := io.ReadAll(io.LimitReader(f, r.Size+1))
	if err != nil {
		return nil, fmt.Errorf("backup: read chunk %s: %w", r.Hash, err)
	}
	if int64(len(data)) != r.Size || blobstore.HashOf(data) != r.Hash {
		return nil, fmt.Errorf("backup: chunk %s (in %s): %w", r.Hash, s, ErrChunkCorrupt)
	}
	return data, nil
}
