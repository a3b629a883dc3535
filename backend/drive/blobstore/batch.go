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

// syncWorkers is how many files a batch writes, fsyncs or renames at once.
// Concurrent fsyncs let the file system commit several files in one
// journal transaction; one after the other, each waits for its own commit.
//
// One syncfs(2) per batch instead of an fsync per file and per directory
// was tried (December 2026, scheme-3 chunks): it took a third less CPU but
// more wall time on a shared machine, since it also waits for every other
// process's dirty data on the file system (bench/RESULTS.md, "Chunking
// scheme 3").
const syncWorkers = 8

// Chunk is a chunk's content to stage, named by its hash.
type Chunk struct {
	Hash string
	Data []byte
}

// StageAll is Stage for many chunks: each is checked against its hash,
// written to a temp file and fsynced, several at once. On error nothing is
// left staged. Install (InstallAll) or Discard the result.
func (s *Local) StageAll(chunks []Chunk) ([]Staged, error) {
	return s.stageAll(chunks, true)
}

// StageAllHashed is StageAll for chunks whose Hash the caller computed
// itself from the very Data it passes (the server's own chunker): checking
// it again would hash every byte a second time for nothing. Content that
// came with a claimed hash goes through StageAll.
func (s *Local) StageAllHashed(chunks []Chunk) ([]Staged, error) {
	return s.stageAll(chunks, false)
}

func (s *Local) stageAll(chunks []Chunk, check bool) ([]Staged, error) {
	out := make([]Staged, len(chunks))
	err := parallel(len(chunks), func(i int) error {
		st, err := s.stage(chunks[i].Hash, chunks[i].Data, check)
		out[i] = st
		return err
	})
	if err != nil {
		for _, st := range out {
			s.Discard(st)
		}
		return nil, err
	}
	return out, nil
}

// stage writes one chunk to tmp/ and fsyncs it, after checking data
// against hash unless check is false (the caller hashed data itself).
func (s *Local) stage(hash string, data []byte, check bool) (Staged, error) {
	if !ValidHash(hash) || (check && HashOf(data) != hash) {
		return Staged{}, fmt.Errorf("%w: %q", ErrHashMismatch, hash)
	}
	var rnd [8]byte
	_, _ = rand.Read(rnd[:])
	tmp := filepath.Join(s.dir, "tmp", hash[:16]+"-"+hex.EncodeToString(rnd[:]))
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return Staged{}, fmt.Errorf("blobstore: stage: %w", err)
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(tmp)
		return Staged{}, fmt.Errorf("blobstore: stage %s: %w", hash, err)
	}
	return Staged{Hash: hash, Size: len(data), tmp: tmp}, nil
}

// InstallAll is Install for many staged chunks: the renames first (several
// at once), then one fsync per shard directory touched (and per parent of a
// shard directory it had to create), several at once. When it returns nil
// every chunk is durable under its final name.
func (s *Local) InstallAll(staged []Staged) error {
	var mu sync.Mutex
	dirs := map[string]bool{}
	err := parallel(len(staged), func(i int) error {
		st := staged[i]
		final := s.Path(st.Hash)
		if _, err := os.Stat(final); err == nil {
			_ = os.Remove(st.tmp)
			return nil
		}
		// The shard directory usually exists (65,536 of them, made as
		// chunks arrive): rename first and make it only when missing, one
		// system call per chunk instead of three or four.
		dir := filepath.Dir(final)
		var made []string
		err := os.Rename(st.tmp, final)
		if errors.Is(err, fs.ErrNotExist) {
			if made, err = mkdirs(dir); err != nil {
				return err
			}
			err = os.Rename(st.tmp, final)
		}
		if err != nil {
			return fmt.Errorf("blobstore: install %s: %w", st.Hash, err)
		}
		mu.Lock()
		defer mu.Unlock()
		dirs[dir] = true
		for _, d := range made {
			dirs[filepath.Dir(d)] = true
		}
		return nil
	})
	if err != nil {
		return err
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
