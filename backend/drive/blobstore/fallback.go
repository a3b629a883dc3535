package blobstore

import (
	"context"
	"errors"
	"time"
)

// Fallback is the store during a move to another one (`tack serve --blobs
// NEW --blobs-fallback OLD`): everything is written to New, and a chunk New
// does not hold yet is read from Old, so files written before the switch
// stay readable until `tack admin blobs migrate` has copied them. Old is
// never written to or deleted from; Walk (and so the GC's orphan sweep and
// verify's hashing) sees New only.
type Fallback struct {
	New, Old Store
}

var _ Store = Fallback{}

// Stage stages in New.
func (f Fallback) Stage(hash string, data []byte) (Staged, error) { return f.New.Stage(hash, data) }

// StageAll stages in New.
func (f Fallback) StageAll(chunks []Chunk) ([]Staged, error) { return f.New.StageAll(chunks) }

// Install installs in New.
func (f Fallback) Install(st Staged) error { return f.New.Install(st) }

// InstallAll installs in New.
func (f Fallback) InstallAll(staged []Staged) error { return f.New.InstallAll(staged) }

// Discard discards from New.
func (f Fallback) Discard(st Staged) { f.New.Discard(st) }

// Put writes to New.
func (f Fallback) Put(hash string, data []byte) error { return f.New.Put(hash, data) }

// Has reports whether either store holds the chunk.
func (f Fallback) Has(hash string) bool { return f.New.Has(hash) || f.Old.Has(hash) }

// Stat asks New, then Old.
func (f Fallback) Stat(hash string) (int64, error) {
	n, err := f.New.Stat(hash)
	if errors.Is(err, ErrNotFound) {
		return f.Old.Stat(hash)
	}
	return n, err
}

// Open reads from New, then Old.
func (f Fallback) Open(hash string) (Reader, error) {
	r, err := f.New.Open(hash)
	if errors.Is(err, ErrNotFound) {
		return f.Old.Open(hash)
	}
	return r, err
}

// Remove deletes from New only.
func (f Fallback) Remove(hash string) error { return f.New.Remove(hash) }

// Verify checks the copy a reader would get.
func (f Fallback) Verify(hash string) error {
	err := f.New.Verify(hash)
	if errors.Is(err, ErrNotFound) {
		return f.Old.Verify(hash)
	}
	return err
}

// Walk walks New.
func (f Fallback) Walk(fn func(hash string, size int64, mod time.Time) error) error {
	return f.New.Walk(fn)
}

// String names both.
func (f Fallback) String() string {
	return f.New.String() + " (reading also from " + f.Old.String() + ")"
}

// Ping checks both.
func (f Fallback) Ping(ctx context.Context) error {
	if err := f.New.Ping(ctx); err != nil {
		return err
	}
	return f.Old.Ping(ctx)
}
