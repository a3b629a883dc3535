package blobstore

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
)

// Whole-file objects for presigned downloads.
//
// A file is a list of chunks (at most 1 MiB each), so no chunk object can
// be handed to a client as the file. A store that can give out direct
// links (S3) keeps, beside the chunks, a whole-file copy of a large
// file's content under <prefix>files/<SHA-256 of the content>, written
// once on first demand and checked against its name before it becomes
// visible. These objects are a cache: the drive's maintenance removes the
// ones no file version names any more, and losing one costs only a
// streamed download.
//
// What a presigned link serves is not re-hashed at read time (the client
// talks to the object store directly): a whole-file object is trusted for
// having matched its name when written. `tack admin verify` checks chunks,
// which remain the source of truth.

// FileURLs is implemented by stores that can give a client a short-lived
// direct link to a whole file (S3).
type FileURLs interface {
	// FileURL returns a presigned GET link, valid for expiry, to the
	// whole-file object of content hash (size bytes), answering with the
	// given Content-Type and Content-Disposition; "" when there is no such
	// object (yet).
	FileURL(ctx context.Context, hash string, size int64, expiry time.Duration, contentType, disposition string) (string, error)
	// PutFile writes r (size bytes) as the whole-file object of hash. The
	// object appears under its name only when the bytes hashed to hash.
	PutFile(ctx context.Context, hash string, size int64, r io.Reader) error
	// WalkFiles lists the whole-file objects.
	WalkFiles(ctx context.Context, fn func(hash string, mod time.Time) error) error
	// RemoveFile deletes one (missing is not an error).
	RemoveFile(ctx context.Context, hash string) error
}

var _ FileURLs = (*S3)(nil)

func (s *S3) fileKey(hash string) string { return s.cfg.Prefix + "files/" + hash }

// FileURL presigns a GET of the whole-file object, after checking that it
// exists with the right size.
func (s *S3) FileURL(ctx context.Context, hash string, size int64, expiry time.Duration, contentType, disposition string) (string, error) {
	if !ValidHash(hash) {
		return "", nil
	}
	info, err := s.c.StatObject(ctx, s.cfg.Bucket, s.fileKey(hash), minio.StatObjectOptions{})
	if notFound(err) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("blobstore: s3: stat file %s: %w", hash, err)
	}
	if info.Size != size {
		return "", nil // not ours to serve: PutFile never writes a wrong size under the name
	}
	params := url.Values{}
	params.Set("response-content-type", contentType)
	params.Set("response-content-disposition", disposition)
	params.Set("response-cache-control", "private, no-cache")
	u, err := s.c.PresignedGetObject(ctx, s.cfg.Bucket, s.fileKey(hash), expiry, params)
	if err != nil {
		return "", fmt.Errorf("blobstore: s3: presign %s: %w", hash, err)
	}
	return u.String(), nil
}

// PutFile uploads r to a temporary key while hashing it, and copies it
// under its name (server-side) only when the hash and size match.
func (s *S3) PutFile(ctx context.Context, hash string, size int64, r io.Reader) error {
	if !ValidHash(hash) {
		return fmt.Errorf("%w: %q", ErrHashMismatch, hash)
	}
	var rnd [8]byte
	_, _ = rand.Read(rnd[:])
	tmp := s.cfg.Prefix + "files/tmp/" + hash[:16] + "-" + hex.EncodeToString(rnd[:])
	h := sha256.New()
	info, err := s.c.PutObject(ctx, s.cfg.Bucket, tmp, io.TeeReader(r, h), size, minio.PutObjectOptions{ContentType: "application/octet-stream"})
	defer func() {
		_ = s.c.RemoveObject(context.WithoutCancel(ctx), s.cfg.Bucket, tmp, minio.RemoveObjectOptions{})
	}()
	if err != nil {
		return fmt.Errorf("blobstore: s3: put file %s: %w", hash, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != hash || info.Size != size {
		return fmt.Errorf("%w: file %s read as %s (%d of %d bytes)", ErrHashMismatch, hash, got, info.Size, size)
	}
	_, err = s.c.ComposeObject(ctx, minio.CopyDestOptions{Bucket: s.cfg.Bucket, Object: s.fileKey(hash)},
		minio.CopySrcOptions{Bucket: s.cfg.Bucket, Object: tmp})
	if err != nil {
		return fmt.Errorf("blobstore: s3: copy file %s: %w", hash, err)
	}
	return nil
}

// WalkFiles lists <prefix>files/<hash> objects (temporary ones too, by
// their full name under tmp/, so the caller can remove stale ones).
func (s *S3) WalkFiles(ctx context.Context, fn func(hash string, mod time.Time) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	prefix := s.cfg.Prefix + "files/"
	for obj := range s.c.ListObjects(ctx, s.cfg.Bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if obj.Err != nil {
			return fmt.Errorf("blobstore: s3: list files: %w", obj.Err)
		}
		if err := fn(strings.TrimPrefix(obj.Key, prefix), obj.LastModified); err != nil {
			return err
		}
	}
	return nil
}

// RemoveFile deletes a whole-file object, or a temporary one ("tmp/...").
func (s *S3) RemoveFile(ctx context.Context, name string) error {
	if !ValidHash(name) && !strings.HasPrefix(name, "tmp/") {
		return nil
	}
	err := s.c.RemoveObject(ctx, s.cfg.Bucket, s.cfg.Prefix+"files/"+name, minio.RemoveObjectOptions{})
	if err != nil && !notFound(err) {
		return fmt.Errorf("blobstore: s3: remove file %s: %w", name, err)
	}
	return nil
}
