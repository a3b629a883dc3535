// Package blobstore keeps the drive's file content as content-addressed
// chunks: each chunk is one object named by the lowercase hex SHA-256 of its
// bytes, so identical chunks are stored once server-wide. Store is the one
// interface the drive, uploads, backups and `tack admin verify` use; Local
// (this file, batch.go) keeps chunks in a directory, S3 (s3.go) in a bucket
// of any S3-compatible object store. OpenSpec picks one from `--blobs`.
//
// Local's layout under its directory (the server uses <data dir>/drive):
//
//	chunks/ab/cd/abcd…(64 hex)   one chunk, exactly its bytes
//	tmp/                         chunks being written (never read)
//
// A chunk is written to tmp/, fsynced, then renamed to its final name and the
// shard directory fsynced: a killed server leaves at most a stray file in
// tmp/ (removed by Open when old), never a half-written chunk under a final
// name. A batch of chunks (batch.go) keeps that order with fewer waits:
// temp files written and fsynced several at a time, then renamed, then each
// directory touched fsynced once. Files under chunks/ are immutable; a file whose content does not
// match its name is corruption (Verify detects it).
//
// Which chunks are still needed is the database's business (drive_chunks,
// drive_version_chunks): this package never decides to delete. Backups copy
// chunks/ (any order, while the server runs: files only ever appear whole or
// disappear) together with a database dump taken first; a chunk named in the
// dump but missing from the copy means the copy is incomplete.
package blobstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// ErrNotFound is returned for a chunk the store does not hold.
var ErrNotFound = errors.New("blobstore: chunk not found")

// ErrHashMismatch is returned by Stage for content that does not match its hash.
var ErrHashMismatch = errors.New("blobstore: content does not match its hash")

// ErrCorrupt is returned by Verify (and by S3's Open) for a chunk whose
// content does not match its name.
var ErrCorrupt = errors.New("blobstore: chunk is corrupt")

// Store is where chunks live. Implementations are safe for concurrent use;
// concurrent writers of the same chunk both succeed (the content is
// identical), so writes are idempotent. A missing chunk is ErrNotFound,
// never empty content.
type Store interface {
	// Stage checks data against hash and prepares it for Install; nothing
	// is visible to readers yet. Install (InstallAll) or Discard the result.
	Stage(hash string, data []byte) (Staged, error)
	// StageAll is Stage for many chunks; on error nothing is left staged.
	StageAll(chunks []Chunk) ([]Staged, error)
	// Install makes a staged chunk visible and durable under its name.
	Install(st Staged) error
	// InstallAll is Install for many; nil means every chunk is durable.
	InstallAll(staged []Staged) error
	// Discard drops a staged chunk that will not be installed.
	Discard(st Staged)
	// Put stages and installs data in one step.
	Put(hash string, data []byte) error
	// Has reports whether the chunk exists; false when unsure (the caller
	// then writes it again, which is harmless).
	Has(hash string) bool
	// Stat returns the chunk's size, or ErrNotFound.
	Stat(hash string) (int64, error)
	// Open opens a chunk for reading (ErrNotFound when absent).
	Open(hash string) (Reader, error)
	// Remove deletes a chunk; missing is not an error. Only garbage
	// collectors call it, after the database says nothing refers to it.
	Remove(hash string) error
	// Verify re-reads a chunk and checks its content against its name.
	Verify(hash string) error
	// Walk calls fn for every chunk (not staged ones), in no set order.
	Walk(fn func(hash string, size int64, mod time.Time) error) error
	// String names the store for messages (a directory or an s3:// URL).
	String() string
	// Ping checks that the store answers (readiness checks).
	Ping(ctx context.Context) error
}

// Reader is an open chunk: read in order, or at any offset (HTTP Range).
type Reader interface {
	io.ReadCloser
	io.ReaderAt
}

var (
	_ Store = (*Local)(nil)
	_ Store = (*S3)(nil)
)

// Local is a chunk directory.
type Local struct {
	dir string
}

// Open returns the store at dir, creating it, and removes temp files older
// than an hour (left by a killed server; younger ones may belong to a
// running replica sharing the directory).
func Open(dir string) (*Local, error) {
	for _, d := range []string{dir, filepath.Join(dir, "chunks"), filepath.Join(dir, "tmp")} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, fmt.Errorf("blobstore: create %s: %w", d, err)
		}
	}
	s := &Local{dir: dir}
	if ents, err := os.ReadDir(filepath.Join(dir, "tmp")); err == nil {
		for _, e := range ents {
			if fi, err := e.Info(); err == nil && time.Since(fi.ModTime()) > time.Hour {
				_ = os.Remove(filepath.Join(dir, "tmp", e.Name()))
			}
		}
	}
	return s, nil
}

// Dir is the store's root directory.
func (s *Local) Dir() string { return s.dir }

// String is the directory.
func (s *Local) String() string { return s.dir }

// Ping checks that the chunk directory is there.
func (s *Local) Ping(context.Context) error {
	fi, err := os.Stat(filepath.Join(s.dir, "chunks"))
	if err == nil && !fi.IsDir() {
		err = fmt.Errorf("%s is not a directory", fi.Name())
	}
	if err != nil {
		return fmt.Errorf("blobstore: %w", err)
	}
	return nil
}

// ValidHash reports whether h is 64 lowercase hex digits.
func ValidHash(h string) bool {
	if len(h) != 64 {
		return false
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// HashOf returns the store's name for data.
func HashOf(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// Path is where the chunk hash lives (whether or not it exists).
func (s *Local) Path(hash string) string {
	return filepath.Join(s.dir, "chunks", hash[0:2], hash[2:4], hash)
}

// Has reports whether the chunk exists.
func (s *Local) Has(hash string) bool {
	if !ValidHash(hash) {
		return false
	}
	_, err := os.Stat(s.Path(hash))
	return err == nil
}

// Staged is a chunk checked against its hash and not yet visible: for
// Local written and fsynced under tmp/, for S3 held in memory.
type Staged struct {
	Hash string
	Size int
	tmp  string // Local: the fsynced temp file
	data []byte // S3: a private copy of the content, sent by Install
}

// Stage writes data to a temp file and fsyncs it, checking that its SHA-256
// is hash. Install or Discard the result.
func (s *Local) Stage(hash string, data []byte) (Staged, error) { return s.stage(hash, data, true) }

// StageHashed is Stage for a chunk whose hash the caller computed itself
// from data (see StageAllHashed).
func (s *Local) StageHashed(hash string, data []byte) (Staged, error) {
	return s.stage(hash, data, false)
}

// hashedStager is a Store that can skip the content check for chunks whose
// hash the caller computed itself from the same bytes (Local: the check
// would hash every byte a second time). Other stores check as Stage does.
type hashedStager interface {
	StageHashed(hash string, data []byte) (Staged, error)
	StageAllHashed(chunks []Chunk) ([]Staged, error)
}

// StageHashed stages a chunk the caller hashed itself from data: without
// a second hash where st allows it, else through st.Stage.
func StageHashed(st Store, hash string, data []byte) (Staged, error) {
	if h, ok := st.(hashedStager); ok {
		return h.StageHashed(hash, data)
	}
	return st.Stage(hash, data)
}

// StageAllHashed is StageHashed for many chunks (see Store.StageAll).
func StageAllHashed(st Store, chunks []Chunk) ([]Staged, error) {
	if h, ok := st.(hashedStager); ok {
		return h.StageAllHashed(chunks)
	}
	return st.StageAll(chunks)
}

// Install makes a staged chunk visible under its final name (rename, then
// fsync the shard directory). If the chunk already exists the temp file is
// dropped: the content is the same.
func (s *Local) Install(st Staged) error { return s.InstallAll([]Staged{st}) }

// Discard removes a staged chunk that will not be installed.
func (s *Local) Discard(st Staged) {
	if st.tmp != "" {
		_ = os.Remove(st.tmp)
	}
}

// Put stages and installs data in one step.
func (s *Local) Put(hash string, data []byte) error {
	st, err := s.Stage(hash, data)
	if err != nil {
		return err
	}
	return s.Install(st)
}

// Open opens a chunk for reading.
func (s *Local) Open(hash string) (Reader, error) {
	if !ValidHash(hash) {
		return nil, ErrNotFound
	}
	f, err := os.Open(s.Path(hash))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return f, nil
}

// Stat returns the chunk file's size.
func (s *Local) Stat(hash string) (int64, error) {
	if !ValidHash(hash) {
		return 0, ErrNotFound
	}
	fi, err := os.Stat(s.Path(hash))
	if errors.Is(err, fs.ErrNotExist) {
		return 0, ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("blobstore: stat %s: %w", hash, err)
	}
	return fi.Size(), nil
}

// Remove deletes a chunk (missing is not an error). Only the drive's garbage
// collector calls it, after the database says nothing refers to the chunk.
func (s *Local) Remove(hash string) error {
	if !ValidHash(hash) {
		return nil
	}
	err := os.Remove(s.Path(hash))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("blobstore: remove %s: %w", hash, err)
	}
	return nil
}

// Verify re-reads a chunk and checks its content against its name.
func (s *Local) Verify(hash string) error {
	f, err := s.Open(hash)
	if err != nil {
		return err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return fmt.Errorf("blobstore: read %s: %w", hash, err)
	}
	if hex.EncodeToString(h.Sum(nil)) != hash {
		return fmt.Errorf("%w: %s", ErrCorrupt, hash)
	}
	return nil
}

// Walk calls fn for every chunk file (not temp files), in directory order.
func (s *Local) Walk(fn func(hash string, size int64, mod time.Time) error) error {
	root := filepath.Join(s.dir, "chunks")
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !ValidHash(d.Name()) {
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		return fn(d.Name(), fi.Size(), fi.ModTime())
	})
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}
