package drive

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"time"

	"tack/backend/drive/blobstore"
	"tack/backend/identity"
)

// Content is an open file version for download. It is an io.ReadSeeker
// over the version's chunks (so HTTP Range requests read only the chunks
// they need); Close it.
type Content struct {
	Entry   Entry
	Version FileVersion
	blobs   blobstore.Store
	chunks  []VersionChunk
	pos     int64
	cur     blobstore.Reader
	curIdx  int
}

// ModTime is when this version was written.
func (c *Content) ModTime() time.Time { return c.Version.CreatedAt }

// OpenContent opens a file's content for reading (viewers). version is an
// entry version: 0 is the current content, N the content the entry had at
// version N (the newest stored version committed at or before N).
func (s *Service) OpenContent(ctx context.Context, a identity.Actor, id string, version int64) (*Content, error) {
	w, err := s.who(ctx, a)
	if err != nil {
		return nil, err
	}
	st := s.read(ctx)
	e, err := s.needLive(ctx, st, w, id, RoleViewer)
	if err != nil {
		return nil, err
	}
	if e.IsDir() {
		return nil, ErrNotFile
	}
	if version > e.Version {
		return nil, ErrVersionNotFound
	}
	fv, err := st.versionAt(e.ID, version)
	if err != nil {
		return nil, err
	}
	chunks, err := st.versionChunks(fv.ID)
	if err != nil {
		return nil, err
	}
	return &Content{Entry: *e, Version: *fv, blobs: s.blobs, chunks: chunks, curIdx: -1}, nil
}

// Read implements io.Reader.
func (c *Content) Read(p []byte) (int, error) {
	if c.pos >= c.Version.Size {
		return 0, io.EOF
	}
	i := sort.Search(len(c.chunks), func(i int) bool { return c.chunks[i].ChunkOffset+int64(c.chunks[i].Size) > c.pos })
	if i == len(c.chunks) {
		return 0, io.EOF
	}
	ch := c.chunks[i]
	if c.curIdx != i || c.cur == nil {
		if c.cur != nil {
			c.cur.Close()
			c.cur = nil
		}
		f, err := c.blobs.Open(ch.Hash)
		if err != nil {
			if errors.Is(err, blobstore.ErrNotFound) {
				return 0, fmt.Errorf("drive: chunk %s of version %s is missing from the blob store", ch.Hash, c.Version.ID)
			}
			return 0, err
		}
		c.cur, c.curIdx = f, i
	}
	in := c.pos - ch.ChunkOffset
	rest := int64(ch.Size) - in
	if int64(len(p)) > rest {
		p = p[:rest]
	}
	n, err := c.cur.ReadAt(p, in)
	c.pos += int64(n)
	if err == io.EOF && n > 0 {
		err = nil
	}
	if err == io.EOF {
		return n, fmt.Errorf("drive: chunk %s is shorter than recorded", ch.Hash)
	}
	return n, err
}

// Seek implements io.Seeker.
func (c *Content) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		offset += c.pos
	case io.SeekEnd:
		offset += c.Version.Size
	default:
		return 0, errors.New("drive: bad whence")
	}
	if offset < 0 {
		return 0, errors.New("drive: negative position")
	}
	c.pos = offset
	return offset, nil
}

// Close releases the open chunk file.
func (c *Content) Close() error {
	if c.cur != nil {
		err := c.cur.Close()
		c.cur = nil
		return err
	}
	return nil
}
