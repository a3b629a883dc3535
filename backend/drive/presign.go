package drive

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"tack/backend/drive/blobstore"
)

// Presigned downloads (Config.PresignOver): a large file on S3 is sent
// to the client by the object store itself, through a short-lived
// presigned link, instead of through a replica. The caller (the content
// handler) has opened the content with OpenContent, so the permission
// check has happened before any link is made; the link names one content
// hash and expires after PresignExpiry.
//
// The object store holds chunks, not files, so a link needs a whole-file
// object (blobstore.FileURLs). The first download of a content streams as
// usual and starts writing that object in the background; later downloads
// are redirected once it exists. Range requests work on the link as on
// the stream (the object store answers them).

// directLinks bounds the whole-file objects being written at once.
type directLinks struct {
	mu      sync.Mutex
	writing map[string]bool // content hashes
	slots   chan struct{}
}

func newDirectLinks() *directLinks {
	return &directLinks{writing: map[string]bool{}, slots: make(chan struct{}, 2)}
}

// DirectURL returns a presigned link to c's content answering with the
// given Content-Type and Content-Disposition, or "" to stream it: presigned
// downloads are off, the store gives no links, the file is smaller than
// PresignOver, or its whole-file object is not written yet (then this
// starts writing it).
func (s *Service) DirectURL(ctx context.Context, c *Content, contentType, disposition string) string {
	links, ok := s.blobs.(blobstore.FileURLs)
	if !ok || s.cfg.PresignOver <= 0 || c.Version.Size < s.cfg.PresignOver {
		return ""
	}
	u, err := links.FileURL(ctx, c.Version.Hash, c.Version.Size, s.cfg.PresignExpiry, contentType, disposition)
	if err != nil {
		slog.Warn("drive: presign", "hash", c.Version.Hash, "err", err)
		return ""
	}
	if u == "" {
		s.writeWholeFile(links, c)
	}
	return u
}

// writeWholeFile writes c's content as a whole-file object in the
// background, unless it is being written or every slot is busy (a later
// download tries again).
func (s *Service) writeWholeFile(links blobstore.FileURLs, c *Content) {
	l := s.links
	hash := c.Version.Hash
	l.mu.Lock()
	if l.writing[hash] {
		l.mu.Unlock()
		return
	}
	select {
	case l.slots <- struct{}{}:
	default:
		l.mu.Unlock()
		return
	}
	l.writing[hash] = true
	l.mu.Unlock()
	// A reader of its own: the request's closes when the response ends.
	r := &Content{Entry: c.Entry, Version: c.Version, blobs: s.blobs, chunks: c.chunks, curIdx: -1}
	go func() {
		defer func() {
			r.Close()
			l.mu.Lock()
			delete(l.writing, hash)
			l.mu.Unlock()
			<-l.slots
		}()
		ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
		defer cancel()
		if err := links.PutFile(ctx, hash, r.Version.Size, r); err != nil {
			slog.Warn("drive: whole-file object for presigned downloads", "hash", hash, "err", err)
		}
	}()
}

// collectWholeFiles removes the whole-file objects no file version names
// any more, and leftover temporary ones, once older than GCGrace (a
// younger one may belong to a version being committed, or be still being
// written). Their age is the object store's time, so the real clock.
// Returns how many it removed.
func (s *Service) collectWholeFiles(ctx context.Context) (int, error) {
	links, ok := s.blobs.(blobstore.FileURLs)
	if !ok {
		return 0, nil
	}
	var old []string
	err := links.WalkFiles(ctx, func(name string, mod time.Time) error {
		if time.Since(mod) >= s.cfg.GCGrace {
			old = append(old, name)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	removed := 0
	for len(old) > 0 {
		batch := old[:min(len(old), 500)]
		old = old[len(batch):]
		named, err := s.read(ctx).versionHashesIn(batch)
		if err != nil {
			return removed, wrap("whole files", err)
		}
		keep := map[string]bool{}
		for _, h := range named {
			keep[h] = true
		}
		for _, name := range batch {
			if keep[name] {
				continue
			}
			if err := links.RemoveFile(ctx, name); err != nil {
				return removed, err
			}
			removed++
		}
	}
	return removed, nil
}
