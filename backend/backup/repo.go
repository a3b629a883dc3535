package backup

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"tack/backend/drive/blobstore"
)

// lockStaleAfter is how old (by modification time) DIR/lock must be before
// a new run takes it over: a running backup touches it every HoldRenew, so
// an older lock belongs to a run that was killed.
const lockStaleAfter = 30 * time.Minute

// repo is a backup directory (layout in doc.go). Its chunk store is a
// blobstore.Store, so the layout and the tmp+fsync+rename writes are the
// drive's own.
type repo struct {
	dir    string
	chunks *blobstore.Local
}

// openRepo opens the backup directory dir; with create it is made if
// missing, otherwise it must look like a backup directory.
func openRepo(dir string, create bool) (*repo, error) {
	if !create {
		if _, err := os.Stat(filepath.Join(dir, snapshotsDir)); err != nil {
			return nil, fmt.Errorf("backup: %s is not a backup directory (no %s/): %w", dir, snapshotsDir, err)
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, snapshotsDir), 0o700); err != nil {
		return nil, fmt.Errorf("backup: create %s: %w", dir, err)
	}
	chunks, err := blobstore.Open(dir)
	if err != nil {
		return nil, fmt.Errorf("backup: open chunks of %s: %w", dir, err)
	}
	return &repo{dir: dir, chunks: chunks}, nil
}

func (r *repo) snapshotDir(name string) string { return filepath.Join(r.dir, snapshotsDir, name) }

// snapshots lists the complete snapshots (oldest first; names sort by
// time) and the partial ones.
func (r *repo) snapshots() (complete, partial []string, err error) {
	ents, err := os.ReadDir(filepath.Join(r.dir, snapshotsDir))
	if err != nil {
		return nil, nil, fmt.Errorf("backup: list snapshots: %w", err)
	}
	for _, e := range ents {
		if !e.IsDir() {
			continue
		}
		if strings.HasSuffix(e.Name(), partialSuffix) {
			partial = append(partial, e.Name())
			continue
		}
		// The rename from .partial happens only after the manifest is
		// written; a directory without one is not ours.
		if _, err := os.Stat(filepath.Join(r.snapshotDir(e.Name()), manifestFile)); err == nil {
			complete = append(complete, e.Name())
		}
	}
	sort.Strings(complete)
	sort.Strings(partial)
	return complete, partial, nil
}

// latest returns the name in LATEST ("" when there is none yet).
func (r *repo) latest() (string, error) {
	b, err := os.ReadFile(filepath.Join(r.dir, latestFile))
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("backup: read LATEST: %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}

// setLatest points LATEST at name (atomic replace).
func (r *repo) setLatest(name string) error {
	if err := writeFileAtomic(filepath.Join(r.dir, latestFile), []byte(name+"\n")); err != nil {
		return fmt.Errorf("backup: write LATEST: %w", err)
	}
	return nil
}

// newName returns a snapshot name for now that no snapshot uses yet.
func (r *repo) newName(now time.Time) string {
	base := now.UTC().Format(snapshotLayout)
	name := base
	for i := 2; ; i++ {
		_, err1 := os.Stat(r.snapshotDir(name))
		_, err2 := os.Stat(r.snapshotDir(name + partialSuffix))
		if errors.Is(err1, fs.ErrNotExist) && errors.Is(err2, fs.ErrNotExist) {
			return name
		}
		name = fmt.Sprintf("%s-%02d", base, i) // two digits keep "-02" < "-10" in name order
	}
}

// repoLock is DIR/lock, held by one backup run at a time.
type repoLock struct{ path string }

// lock takes DIR/lock, taking over a stale one.
func (r *repo) lock(now time.Time) (*repoLock, error) {
	path := filepath.Join(r.dir, "lock")
	for attempt := 0; attempt < 2; attempt++ {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err == nil {
			host, _ := os.Hostname()
			fmt.Fprintf(f, "pid %d on %s since %s\n", os.Getpid(), host, now.UTC().Format(time.RFC3339))
			_ = f.Close()
			return &repoLock{path: path}, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("backup: take lock: %w", err)
		}
		fi, serr := os.Stat(path)
		if serr != nil || time.Since(fi.ModTime()) < lockStaleAfter {
			who, _ := os.ReadFile(path)
			return nil, fmt.Errorf("backup: another backup is running in %s (%s): remove %s if it is not",
				r.dir, strings.TrimSpace(string(who)), path)
		}
		_ = os.Remove(path) // stale: its run was killed
	}
	return nil, fmt.Errorf("backup: could not take %s", path)
}

// touch marks the lock as alive.
func (l *repoLock) touch() { now := time.Now(); _ = os.Chtimes(l.path, now, now) }

func (l *repoLock) release() { _ = os.Remove(l.path) }

// chunkRef is one line of chunks.txt.
type chunkRef struct {
	Hash string
	Size int64
}

// readChunkList reads a chunks.txt.
func readChunkList(path string) ([]chunkRef, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("backup: read chunk list: %w", err)
	}
	defer f.Close()
	var out []chunkRef
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		hash, size, ok := strings.Cut(sc.Text(), " ")
		n, err := strconv.ParseInt(size, 10, 64)
		if !ok || err != nil || !blobstore.ValidHash(hash) || n < 0 {
			return nil, fmt.Errorf("backup: %s line %d: malformed", path, line)
		}
		out = append(out, chunkRef{Hash: hash, Size: n})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("backup: read chunk list: %w", err)
	}
	return out, nil
}

// PruneReport says what pruning removed from a backup directory.
type PruneReport struct {
	Snapshots []string // complete snapshots removed (beyond --keep)
	Partial   []string // leftovers of failed runs removed
	Chunks    int      // chunk files no kept snapshot needs, removed
	Bytes     int64
}

// prune keeps the newest keep complete snapshots (and always the one in
// LATEST), removes leftovers of failed runs, then every chunk no kept
// snapshot lists. Only a run holding the lock calls it, so no other run's
// .partial directory or chunks are in flight.
func (r *repo) prune(keep int) (PruneReport, error) {
	var rep PruneReport
	complete, partial, err := r.snapshots()
	if err != nil {
		return rep, err
	}
	latest, err := r.latest()
	if err != nil {
		return rep, err
	}
	if keep < 1 {
		keep = 1
	}
	var kept []string
	for i, name := range complete {
		if i >= len(complete)-keep || name == latest {
			kept = append(kept, name)
			continue
		}
		if err := os.RemoveAll(r.snapshotDir(name)); err != nil {
			return rep, fmt.Errorf("backup: remove snapshot %s: %w", name, err)
		}
		rep.Snapshots = append(rep.Snapshots, name)
	}
	for _, name := range partial {
		if err := os.RemoveAll(r.snapshotDir(name)); err != nil {
			return rep, fmt.Errorf("backup: remove %s: %w", name, err)
		}
		rep.Partial = append(rep.Partial, name)
	}
	need := map[string]bool{}
	for _, name := range kept {
		refs, err := readChunkList(filepath.Join(r.snapshotDir(name), chunkListFile))
		if err != nil {
			// Without the list we cannot tell what the snapshot needs:
			// keep every chunk rather than guess.
			return rep, fmt.Errorf("backup: prune chunks: snapshot %s: %w", name, err)
		}
		for _, c := range refs {
			need[c.Hash] = true
		}
	}
	err = r.chunks.Walk(func(hash string, size int64, _ time.Time) error {
		if need[hash] {
			return nil
		}
		if err := r.chunks.Remove(hash); err != nil {
			return err
		}
		rep.Chunks++
		rep.Bytes += size
		return nil
	})
	if err != nil {
		return rep, fmt.Errorf("backup: prune chunks: %w", err)
	}
	return rep, nil
}
