package blobstore

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
)

// syncWorkers is how many fsyncs a batch runs at once. Concurrent fsyncs
// let the file system commit several files in one journal transaction;
// one after the other, each waits for its own commit.
const syncWorkers = 8

// Write is the first half of Stage for a batch of chunks: it checks the
// hash and writes data to a temp file, without fsync. Sync the batch's
// temp files (SyncAll) before installing them; Discard what is not used.
func (s *Store) Write(hash string, data []byte) (Staged, error) {
	if !ValidHash(hash) || HashOf(data) != hash {
		return Staged{}, fmt.Errorf("%w: %q", ErrHashMismatch, hash)
	}
	var rnd [8]byte
	_, _ = rand.Read(rnd[:])
	tmp := filepath.Join(s.dir, "tmp", hash[:16]+"-"+hex.EncodeToString(rnd[:]))
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return Staged{}, fmt.Errorf("blobstore: write: %w", err)
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(tmp)
		return Staged{}, fmt.Errorf("blobstore: write %s: %w", hash, err)
	}
	return Staged{Hash: hash, Size: len(data), tmp: tmp}, nil
}

// SyncAll fsyncs the temp files of chunks made by Write, several at once.
// fsync flushes a file, not a descriptor, so reopening the file is enough.
func (s *Store) SyncAll(staged []Staged) error {
	return parallel(len(staged), func(i int) error {
		f, err := os.OpenFile(staged[i].tmp, os.O_WRONLY, 0)
		if err != nil {
			return fmt.Errorf("blobstore: sync %s: %w", staged[i].Hash, err)
		}
		err = f.Sync()
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("blobstore: sync %s: %w", staged[i].Hash, err)
		}
		return nil
	})
}

// InstallAll is Install for many staged (and synced) chunks: every rename
// first, then one fsync per shard directory touched (and per parent of a
// shard directory it had to create), several at once. When it returns nil
// every chunk is durable under its final name.
func (s *Store) InstallAll(staged []Staged) error {
	dirs := map[string]bool{}
	for _, st := range staged {
		final := s.Path(st.Hash)
		if _, err := os.Stat(final); err == nil {
			_ = os.Remove(st.tmp)
			continue
		}
		dir := filepath.Dir(final)
		if !dirs[dir] {
			made, err := mkdirs(dir)
			if err != nil {
				return err
			}
			for _, d := range made {
				dirs[filepath.Dir(d)] = true
			}
		}
		if err := os.Rename(st.tmp, final); err != nil {
			return fmt.Errorf("blobstore: install %s: %w", st.Hash, err)
		}
		dirs[dir] = true
	}
	list := make([]string, 0, len(dirs))
	for d := range dirs {
		list = append(list, d)
	}
	return parallel(len(list), func(i int) error { syncDir(list[i]); return nil })
}

// mkdirs creates dir and its missing parents and returns the ones it made.
func mkdirs(dir string) ([]string, error) {
	var made []string
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(d); err == nil || !errors.Is(err, fs.ErrNotExist) {
			break
		}
		made = append(made, d)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("blobstore: shard dir: %w", err)
	}
	return made, nil
}

// parallel runs fn(0..n-1) on up to syncWorkers goroutines and returns the
// first error.
func parallel(n int, fn func(i int) error) error {
	if n == 0 {
		return nil
	}
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
	)
	next := make(chan int)
	for range min(n, syncWorkers) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if err := fn(i); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
				}
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	return first
}
