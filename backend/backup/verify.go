package backup

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"time"

	"tack/backend/drive"
	"tack/backend/drive/blobstore"
)

// VerifyReport is what a verification found. Problems lists every issue
// in words; the run is good when it is empty.
type VerifyReport struct {
	Chunks       int   // chunk files hashed
	Bytes        int64 // their size
	Referenced   int   // distinct chunks the database (or the snapshots) need
	Unreferenced int   // chunk files nothing needs (live data: the GC's business, not a problem)
	Corrupt      []string
	Missing      []string
	Snapshots    int // backups: complete snapshots checked
	Partial      int // backups: leftovers of failed runs (not a problem, removed by the next run)
	Problems     []string
}

// OK reports whether nothing is wrong.
func (r *VerifyReport) OK() bool { return len(r.Problems) == 0 }

func (r *VerifyReport) problem(format string, args ...any) {
	r.Problems = append(r.Problems, fmt.Sprintf(format, args...))
}

// VerifyData checks live data: every referenced chunk exists with the size
// the database records, and every chunk file's content matches its name.
// It may run beside the server: the references are checked under a drive
// GC hold, so a chunk collected meanwhile is not reported missing.
func VerifyData(ctx context.Context, src Source, progress func(Progress)) (*VerifyReport, error) {
	rep := &VerifyReport{}
	hold, err := drive.AcquireGCHold(ctx, src.DB, "verify", time.Now(), 10*time.Minute)
	if err != nil {
		return nil, fmt.Errorf("backup: verify: pause the drive's garbage collection: %w", err)
	}
	refs, err := referencedChunks(ctx, connOf(src.DB.WithContext(ctx)))
	if err == nil {
		rep.Referenced = len(refs)
		for _, r := range refs {
			size, serr := src.Blobs.Stat(r.Hash)
			switch {
			case serr != nil:
				rep.Missing = append(rep.Missing, r.Hash)
				rep.problem("chunk %s is referenced by the database but missing from %s (%v)", r.Hash, src.Blobs, serr)
			case size != r.Size:
				rep.Corrupt = append(rep.Corrupt, r.Hash)
				rep.problem("chunk %s has %d bytes, the database says %d", r.Hash, size, r.Size)
			}
		}
	}
	_ = drive.ReleaseGCHold(context.Background(), src.DB, hold.ID)
	if err != nil {
		return nil, err
	}
	need := map[string]bool{}
	for _, r := range refs {
		need[r.Hash] = true
	}
	var total int
	_ = src.Blobs.Walk(func(string, int64, time.Time) error { total++; return nil })
	p := Progress{Phase: PhaseVerify, ChunksTotal: total}
	err = src.Blobs.Walk(func(hash string, size int64, _ time.Time) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		err := src.Blobs.Verify(hash)
		switch {
		case errors.Is(err, blobstore.ErrNotFound):
			return nil // collected while we walked
		case err != nil:
			if !slices.Contains(rep.Corrupt, hash) {
				rep.Corrupt = append(rep.Corrupt, hash)
			}
			rep.problem("chunk %s: content does not match its name (%v)", hash, err)
		}
		rep.Chunks++
		rep.Bytes += size
		if !need[hash] {
			rep.Unreferenced++
		}
		p.Chunks++
		p.Bytes += size
		report(progress, p)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("backup: verify: walk %s: %w", src.Blobs, err)
	}
	return rep, nil
}

// VerifyBackup checks a backup directory: LATEST names a complete
// snapshot; every snapshot's files match its manifest (hash, size, rows);
// every chunk a snapshot lists exists and matches its name and size.
func VerifyBackup(ctx context.Context, dir string, progress func(Progress)) (*VerifyReport, error) {
	r, err := openRepo(dir, false)
	if err != nil {
		return nil, err
	}
	rep := &VerifyReport{}
	complete, partial, err := r.snapshots()
	if err != nil {
		return nil, err
	}
	rep.Partial = len(partial)
	latest, err := r.latest()
	if err != nil {
		return nil, err
	}
	switch {
	case len(complete) == 0:
		rep.problem("%s holds no complete snapshot", dir)
	case latest == "":
		rep.problem("LATEST is missing")
	case !slices.Contains(complete, latest):
		rep.problem("LATEST names %q, which is not a complete snapshot", latest)
	}
	need := map[string]int64{}
	for _, name := range complete {
		rep.Snapshots++
		snap := r.snapshotDir(name)
		m, err := readManifest(snap)
		if err != nil {
			rep.problem("snapshot %s: %v", name, err)
			continue
		}
		if err := checkSnapshotFiles(snap, m, progress); err != nil {
			rep.problem("snapshot %s: %v", name, err)
			continue
		}
		for _, t := range m.Tables {
			n, err := countLines(filepath.Join(snap, filepath.FromSlash(t.File)))
			if err != nil || n != t.Rows {
				rep.problem("snapshot %s: %s has %d rows, the manifest says %d (%v)", name, t.File, n, t.Rows, err)
			}
		}
		refs, err := readChunkList(filepath.Join(snap, chunkListFile))
		if err != nil {
			rep.problem("snapshot %s: %v", name, err)
			continue
		}
		for _, c := range refs {
			need[c.Hash] = c.Size
		}
	}
	hashes := make([]string, 0, len(need))
	var total int64
	for h, size := range need {
		hashes = append(hashes, h)
		total += size
	}
	sort.Strings(hashes)
	rep.Referenced = len(hashes)
	p := Progress{Phase: PhaseVerify, ChunksTotal: len(hashes), BytesTotal: total}
	for _, h := range hashes {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		_, err := readChunk(r.chunks, chunkRef{Hash: h, Size: need[h]})
		switch {
		case errors.Is(err, ErrChunkMissing):
			rep.Missing = append(rep.Missing, h)
			rep.problem("chunk %s is needed by a snapshot but missing", h)
		case err != nil:
			rep.Corrupt = append(rep.Corrupt, h)
			rep.problem("chunk %s: %v", h, err)
		default:
			rep.Chunks++
			rep.Bytes += need[h]
		}
		p.Chunks++
		p.Bytes += need[h]
		report(progress, p)
	}
	return rep, nil
}

func countLines(path string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	var n int64
	buf := make([]byte, 256<<10)
	for {
		k, err := f.Read(buf)
		n += int64(bytes.Count(buf[:k], []byte{'\n'}))
		if errors.Is(err, io.EOF) {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
}
