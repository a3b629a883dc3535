package syncagent

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	gosync "sync"

	"tack/backend/drive/chunker"
)

// localFile is what the scanner saw at one path.
type localFile struct {
	Path string // NFC, slash separated, relative to the root
	// OSPath is the name on disk (may be NFD on macOS), relative, native
	// separators; "" when it is Path itself (almost always: one string less
	// per file on a 100,000-file rescan).
	OSPath  string
	Dir     bool
	Size    int64
	MtimeNs int64
	Inode   uint64
	CtimeNs int64 // inode change time: any write, chmod or touch moves it (0 = unknown)
	Hash    string
	Chunks  Chunks
	Scheme  chunker.Scheme // Chunks' chunking scheme when Hashed (0: chunker.Current)
	Hashed  bool           // content was read in this scan (new or changed metadata)
	// Deferred: a new big file the scan did not read (scanner.Defer): no
	// Hash, no Chunks. Its upload cuts, hashes and sends it in one read
	// (transfer_stream.go); anything else that needs its content reads it
	// then (sameAsRemote).
	Deferred bool
}

// osRel is the relative name on disk.
func (l *localFile) osRel() string {
	if l.OSPath != "" {
		return l.OSPath
	}
	return filepath.FromSlash(l.Path)
}

// scanResult is the local state of the scanned subtrees.
type scanResult struct {
	Subtrees []string // what was scanned ("" = everything)
	region   region
	Files    map[string]*localFile // every path found inside Subtrees
	Skip     map[string]string     // paths not to touch this pass, with the reason (case clash, unreadable)
	Hashed   int                   // files read
	Temps    []string              // our temp files (native, relative): left by an interrupted download
}

// Covers reports whether p lies inside a scanned subtree.
func (r *scanResult) Covers(p string) bool {
	if r.region == nil {
		r.region = newRegion(r.Subtrees)
	}
	return r.region.covers(p)
}

// region is a set of subtrees with an O(depth) membership test.
type region map[string]bool

func newRegion(subtrees []string) region {
	r := make(region, len(subtrees))
	for _, s := range subtrees {
		r[s] = true
	}
	return r
}

func (r region) covers(p string) bool {
	if r[""] || r[p] {
		return true
	}
	for i := len(p) - 1; i > 0; i-- {
		if p[i] == '/' && r[p[:i]] {
			return true
		}
	}
	return false
}

// scanner walks a local folder and compares what it finds with the index:
// size, mtime and inode unchanged means content unchanged, so only new or
// changed files are read (chunked and hashed in one pass).
type scanner struct {
	Root            string
	Ignore          *ignore
	CaseInsensitive bool // the server treats names case-insensitively: report case clashes
	Workers         int  // hashing workers (default GOMAXPROCS)
	// Defer leaves new big files unread (localFile.Deferred): the pair
	// uploads, and its upload reads them once.
	Defer bool
	// open reads a file's content (nil: os.Open). Tests make files
	// unreadable through it: they run as root, where chmod 000 does not
	// stop a read, and no file can be locked the Windows way on Linux.
	open func(name string) (io.ReadCloser, error)
}

func (s *scanner) hashFile(name string, whole bool, scheme chunker.Scheme) (size int64, hash string, chunks Chunks, err error) {
	if s.open == nil {
		return hashFileScheme(name, whole, scheme)
	}
	f, err := s.open(name)
	if err != nil {
		return 0, "", nil, err
	}
	defer f.Close()
	return hashReaderScheme(f, whole, scheme)
}

// Scan walks the given subtrees (nil or "" means the whole folder). base is
// the index of the pair, read only.
func (s *scanner) Scan(ctx context.Context, base map[string]*FileRecord, subtrees []string) (*scanResult, error) {
	subtrees = minimalSubtrees(subtrees)
	res := &scanResult{Subtrees: subtrees, Files: make(map[string]*localFile, len(base)), Skip: map[string]string{}}
	w := newWalker(ctx, s, base, res)
	for _, st := range subtrees {
		w.subtree(st)
	}
	if err := w.wait(); err != nil {
		return nil, err
	}
	toHash := w.toHash
	if s.Defer {
		toHash = deferNew(toHash, base, res)
	}
	if err := s.hashAll(ctx, toHash, base, res); err != nil {
		return nil, err
	}
	res.Hashed = len(toHash)
	return res, nil
}

// deferNew marks the new big files of files Deferred and answers the rest.
// A file that may be the new name of a recorded one (a recorded file of its
// size or inode that this scan did not find at its path) is read as
// before: a move is recognised by its content.
func deferNew(files []*localFile, base map[string]*FileRecord, res *scanResult) []*localFile {
	var sizes map[int64]bool
	var inodes map[uint64]bool
	out := files[:0:0]
	for _, lf := range files {
		if lf.Size < lateHashMin || base[lf.Path] != nil {
			out = append(out, lf)
			continue
		}
		if sizes == nil {
			sizes, inodes = map[int64]bool{}, map[uint64]bool{}
			for p, b := range base {
				if b.Dir {
					continue
				}
				if b.Inode != 0 {
					inodes[b.Inode] = true
				}
				if l := res.Files[p]; l == nil || l.Size != b.Size {
					sizes[b.Size] = true
				}
			}
		}
		if sizes[lf.Size] || (lf.Inode != 0 && inodes[lf.Inode]) {
			out = append(out, lf)
			continue
		}
		lf.Deferred = true
	}
	return out
}

// minimalSubtrees drops subtrees contained in others; nil or "" → [""].
func minimalSubtrees(in []string) []string {
	if len(in) == 0 {
		return []string{""}
	}
	s := append([]string(nil), in...)
	sort.Strings(s)
	var out []string
	for _, p := range s {
		p = strings.Trim(p, "/")
		if p == "" {
			return []string{""}
		}
		if len(out) > 0 && isUnder(p, out[len(out)-1]) {
			continue
		}
		out = append(out, p)
	}
	return out
}

// hashAll reads files for their chunks and hashes. A big file (lateHashMin)
// gets no whole-content hash: the same chunk list as its base means the
// same content (it keeps the base's hash), anything else leaves Hash empty
// until the upload (the server's) or a comparison with the drive needs it.
func (s *scanner) hashAll(ctx context.Context, files []*localFile, base map[string]*FileRecord, res *scanResult) error {
	n := s.Workers
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	var (
		wg   gosync.WaitGroup
		mu   gosync.Mutex
		next = make(chan *localFile)
	)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for lf := range next {
				// A changed file is cut as its recorded version was, so the
				// edit deduplicates against it (hash_chunker.go).
				scheme := chunker.Current
				if b := base[lf.Path]; b != nil && !b.Dir {
					scheme = schemeOf(b.Size, b.Hash, b.Chunks)
				}
				size, hash, chunks, err := s.hashFile(filepath.Join(s.Root, lf.osRel()), lf.Size < lateHashMin, scheme)
				if b := base[lf.Path]; err == nil && hash == "" && b != nil && !b.Dir && b.Hash != "" && b.Size == size && sameChunks(b.Chunks, chunks) {
					hash = b.Hash
				}
				mu.Lock()
				if err != nil {
					if errors.Is(err, fs.ErrNotExist) {
						delete(res.Files, lf.Path) // deleted while scanning
					} else {
						delete(res.Files, lf.Path)
						res.Skip[lf.Path] = readFailure(err)
					}
				} else {
					lf.Size, lf.Hash, lf.Chunks, lf.Hashed, lf.Scheme = size, hash, compactChunks(size, hash, chunks), true, scheme
				}
				mu.Unlock()
			}
		}()
	}
	var err error
	for _, lf := range files {
		if err = ctx.Err(); err != nil {
			break
		}
		next <- lf
	}
	close(next)
	wg.Wait()
	return err
}

// parentOf returns the slash parent of p ("" for top level).
func parentOf(p string) string {
	d := path.Dir(p)
	if d == "." {
		return ""
	}
	return d
}
