// Package blobstore keeps the drive's file content on disk as
// content-addressed chunks: each chunk is one file named by the lowercase
// hex SHA-256 of its bytes, so identical chunks are stored once server-wide.
//
// Layout under the store's directory (the server uses <data dir>/drive):
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

// Store is a chunk directory. It is safe for concurrent use; concurrent
// writers of the same chunk both succeed (the content is identical).
type Store struct {
	dir string
}

// Open returns the store at dir, creating it, and removes temp files older
// than an hour (left by a killed server; younger ones may belong to a
// running replica sharing the directory).
func Open(dir string) (*Store, error) {
	for _, d := range []string{dir, filepath.Join(dir, "chunks"), filepath.Join(dir, "tmp")} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, fmt.Errorf("blobstore: create %s: %w", d, err)
		}
	}
	s := &Store{dir: dir}
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
func (s *Store) Dir() string { return s.dir }

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
func (s *Store) Path(hash string) string {
	return filepath.Join(s.dir, "chunks", hash[0:2], hash[2:4], hash)
}

// Has reports whether the chunk exists.
func (s *Store) Has(hash string) bool {
	if !ValidHash(hash) {
		return false
	}
	_, err := os.Stat(s.Path(hash))
	return err == nil
}

// Staged is a chunk written and fsynced under tmp/, not yet visible.
type Staged struct {
	Hash string
	Size int
	tmp  string
}

// Stage writes data to a temp file and fsyncs it, checking that its SHA-256
// is hash. Install or Discard the result.
func (s *Store) Stage(hash string, data []byte) (Staged, error) { return s.stage(hash, data, true) }

// StageHashed is Stage for a chunk whose hash the caller computed itself
// from data (see StageAllHashed).
func (s *Store) StageHashed(hash string, data []byte) (Staged, error) {
	return s.stage(hash, data, false)
}

// Install makes a staged chunk visible under its final name (rename, then
// fsync the shard directory). If the chunk already exists the temp file is
// dropped: the content is the same.
func (s *Store) Install(st Staged) error { return s.InstallAll([]Staged{st}) }

// Discard removes a staged chunk that will not be installed.
func (s *Store) Discard(st Staged) {
	if st.tmp != "" {
		_ = os.Remove(st.tmp)
	}
}

// Put stages and installs data in one step.
func (s *Store) Put(hash string, data []byte) error {
	st, err := s.Stage(hash, data)
	if err != nil {
		return err
	}
	return s.Install(st)
}

// Open opens a chunk for reading.
func (s *Store) Open(hash string) (*os.File, error) {
	if !ValidHash(hash) {
		return nil, ErrNotFound
	}
	f, err := os.Open(s.Path(hash))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNotFound
	}
	return f, err
}

// Remove deletes a chunk (missing is not an error). Only the drive's garbage
// collector calls it, after the database says nothing refers to the chunk.
func (s *Store) Remove(hash string) error {
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
func (s *Store) Verify(hash string) error {
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
		return fmt.Errorf("blobstore: chunk %s is corrupt", hash)
	}
	return nil
}

// Walk calls fn for every chunk file (not temp files), in directory order.
func (s *Store) Walk(fn func(hash string, size int64, mod time.Time) error) error {
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
