package drive

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"

	"tack/backend/drive/blobstore"
	"tack/backend/identity"
)

// Many chunks of an upload in one request.
//
// A chunked upload of a big file is thousands of 64 KiB chunks (scheme 3);
// one request, one hash check, one fsynced file, one directory fsync and
// one database transaction each made a 1 GiB upload cost seconds of
// round trips and serialised commits. PutChunks takes a run of chunks in
// one body, stages them all (hash check, write, fsync, several at once:
// blobstore.StageAll), then records and installs them in one transaction.
// Every chunk is still checked against its hash, and a body cut short
// stores nothing.
//
// Body: frames, each the chunk's SHA-256 (32 raw bytes), its size (4 bytes,
// big-endian) and its bytes. Every chunk must be one the upload announced,
// with the announced size.

// Limits of one PutChunks request.
const (
	MaxChunkBatchBytes = 32 << 20
	MaxChunkBatchItems = 1024
)

// ChunkFrameHeader is the size of a frame's header (hash + size).
const ChunkFrameHeader = 32 + 4

// AppendChunkFrame appends one frame of a PutChunks body to dst.
func AppendChunkFrame(dst []byte, hash string, data []byte) ([]byte, error) {
	raw, err := hex.DecodeString(hash)
	if err != nil || len(raw) != 32 {
		return dst, fmt.Errorf("drive: chunk frame: bad hash %q", hash)
	}
	dst = append(dst, raw...)
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(data)))
	return append(dst, data...), nil
}

// PutChunks stores a run of an upload's announced chunks sent in one body
// (frames, above). Any bad frame (unknown chunk, wrong size, bytes that do
// not hash to the hash, a body over the limits or cut short) refuses the
// whole request and stores nothing of it.
func (s *Service) PutChunks(ctx context.Context, a identity.Actor, uploadID string, body io.Reader) error {
	st := s.read(ctx)
	if _, err := s.ownUpload(ctx, st, a, uploadID); err != nil {
		return err
	}
	chunks, err := readChunkFrames(body, s.cfg.MaxChunkSize)
	if err != nil {
		return err
	}
	if len(chunks) == 0 {
		return nil
	}
	// Only this batch's rows: reading the whole list made each batch of a
	// big upload cost more than the one before (uploads_lookup.go).
	frameHashes := make([]string, len(chunks))
	for i, c := range chunks {
		frameHashes[i] = c.Hash
	}
	sizes, err := st.announcedSizes(uploadID, frameHashes)
	if err != nil {
		return err
	}
	for _, c := range chunks {
		want, ok := sizes[c.Hash]
		if !ok {
			return ErrChunkUnknown
		}
		if len(c.Data) != want {
			return ErrBadChunk.WithField("size", "mismatch")
		}
	}
	staged, err := s.blobs.StageAll(chunks) // checks every SHA-256
	if errors.Is(err, blobstore.ErrHashMismatch) {
		return ErrBadChunk
	}
	if err != nil {
		return err
	}
	now := s.clock.Now()
	recs := make([]ChunkRow, len(staged))
	hashes := make([]string, len(staged))
	for i, c := range staged {
		recs[i] = ChunkRow{Hash: c.Hash, Size: c.Size, CreatedAt: now, LastUsedAt: now}
		hashes[i] = c.Hash
	}
	// The renames and their directories' fsyncs run before the transaction,
	// not inside it: on SQLite one writer at a time holds the write lock, so
	// a batch's file-system waits inside it made the batches in flight
	// commit one after another. A crash after the renames leaves chunk files
	// without rows, which the orphan sweep removes after the grace period
	// (or a resend records). Inside the transaction the rows are recorded,
	// each file is checked to be there still (an old orphan file this batch
	// found in place could have been swept meanwhile: the sweep claims a
	// file through its row, so after our row is written no sweep can take
	// it), and only then do the chunks count as sent by this caller
	// (content_access.go). Answered 200, every chunk is durable and recorded.
	if err := s.blobs.InstallAll(staged); err != nil {
		for _, c := range staged {
			s.blobs.Discard(c)
		}
		return err
	}
	err = s.write(ctx, func(st dbx) error {
		if err := st.upsertChunks(recs); err != nil {
			return err
		}
		for _, h := range hashes {
			if !s.blobs.Has(h) {
				return wrap("install chunks", fmt.Errorf("chunk %s vanished before it was recorded; send it again", h))
			}
		}
		return st.markReceivedAll(uploadID, hashes)
	})
	if err != nil {
		return err
	}
	got := make(map[string][]byte, len(chunks))
	for _, c := range chunks {
		got[c.Hash] = c.Data
	}
	s.runs.received(uploadID, now, got)
	return nil
}

// readChunkFrames reads a PutChunks body whole, refusing a frame larger
// than maxChunk and a body over the batch limits before reading it (the
// caller checks the frames against the announced sizes, the hashes are
// checked when staging). A chunk sent twice in one body is kept once.
func readChunkFrames(body io.Reader, maxChunk int) ([]blobstore.Chunk, error) {
	var (
		out   []blobstore.Chunk
		total int
		hdr   [ChunkFrameHeader]byte
		seen  = map[string]bool{}
	)
	for {
		if _, err := io.ReadFull(body, hdr[:]); err != nil {
			if errors.Is(err, io.EOF) {
				return out, nil
			}
			if errors.Is(err, io.ErrUnexpectedEOF) {
				return nil, ErrBadChunk.WithField("body", "truncated")
			}
			return nil, wrap("read chunks", err)
		}
		hash := hex.EncodeToString(hdr[:32])
		size := int(binary.BigEndian.Uint32(hdr[32:]))
		if size <= 0 || size > maxChunk {
			return nil, ErrBadChunk.WithField("size", "mismatch")
		}
		total += size
		if len(out) >= MaxChunkBatchItems || total > MaxChunkBatchBytes {
			return nil, ErrBadChunk.WithField("body", "too_large")
		}
		data := make([]byte, size)
		if _, err := io.ReadFull(body, data); err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				return nil, ErrBadChunk.WithField("body", "truncated")
			}
			return nil, wrap("read chunks", err)
		}
		if seen[hash] {
			continue
		}
		seen[hash] = true
		out = append(out, blobstore.Chunk{Hash: hash, Data: data})
	}
}
