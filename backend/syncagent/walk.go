package syncagent

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	gosync "sync"
	"time"

	"golang.org/x/text/unicode/norm"
)

// walker lists the scanned subtrees for scanner.Scan. A rescan of an
// unchanged folder is one getdents per directory and one lstat per file
// (on Linux relative to the directory: listDir), so
// directories are listed in parallel (a few at a time) to keep both cores
// busy with the system calls, and an unchanged file costs no new strings:
// its path is the base record's.
type walker struct {
	ctx  context.Context
	s    *scanner
	base map[string]*FileRecord
	sem  chan struct{} // extra goroutines listing directories
	wg   gosync.WaitGroup

	mu     gosync.Mutex // guards res, toHash and err
	res    *scanResult
	toHash []*localFile
	err    error
}

func newWalker(ctx context.Context, s *scanner, base map[string]*FileRecord, res *scanResult) *walker {
	n := s.Workers
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	return &walker{ctx: ctx, s: s, base: base, res: res, sem: make(chan struct{}, max(n*2, 2))}
}

// wait returns once every directory is listed, with the first hard error
// (cancelled, or the pair root unreadable).
func (w *walker) wait() error {
	w.wg.Wait()
	return w.err
}

func (w *walker) fail(err error) {
	w.mu.Lock()
	if w.err == nil {
		w.err = err
	}
	w.mu.Unlock()
}

// subtree walks one scanned subtree; its root may be a file, a directory or gone.
func (w *walker) subtree(sub string) {
	if sub == "" {
		w.dir("", "", true)
		return
	}
	if w.s.Ignore.Match(sub, false) && w.s.Ignore.Match(sub, true) {
		return
	}
	osRel := filepath.FromSlash(sub)
	if !filepath.IsLocal(osRel) {
		return // a dirty path from the change feed never leads out of the folder
	}
	fi, err := os.Lstat(filepath.Join(w.s.Root, osRel))
	if errors.Is(err, fs.ErrNotExist) {
		return // gone: nothing under it exists
	}
	w.mu.Lock()
	if err != nil {
		w.res.Skip[sub] = readFailure(err)
		w.mu.Unlock()
		return
	}
	lf := w.entry(sub, "", statOf(fi))
	if lf != nil {
		w.keep(lf)
	} else {
		w.res.Skip[sub] = notSynced(fi.Mode())
	}
	w.mu.Unlock()
	if lf != nil && lf.Dir {
		w.dir(sub, osRel, true)
	}
}

// entry makes the localFile of one directory entry (nil for what is not
// synced: symlinks, devices), reusing the base's hash when size, mtime and
// inode are unchanged.
func (w *walker) entry(rel, osPath string, st entryStat) *localFile {
	if !st.mode.IsDir() && !st.mode.IsRegular() {
		return nil
	}
	lf := &localFile{Path: rel, OSPath: osPath, Dir: st.mode.IsDir(), Inode: st.inode}
	b := w.base[rel]
	if !lf.Dir {
		lf.Size = st.size
		lf.MtimeNs = st.mtimeNs
		lf.CtimeNs = st.ctimeNs
	}
	if lf.Inode == 0 {
		lf.Inode = w.fileID(lf, b)
	}
	// The change time catches what size and mtime hide (an edit whose
	// mtime was put back, as some editors and archive tools do); 0 is
	// unknown (Windows; rows from before it was kept) and trusted, as
	// git trusts ctime.
	if !lf.Dir && b != nil && !b.Dir && b.Size == lf.Size && b.MtimeNs == lf.MtimeNs && (b.Inode == lf.Inode || b.Inode == 0 || lf.Inode == 0) &&
		(b.CtimeNs == lf.CtimeNs || b.CtimeNs == 0 || lf.CtimeNs == 0) && b.Hash != "" {
		lf.Hash, lf.Chunks = b.Hash, b.Chunks
	}
	return lf
}

// racyWindow: a file whose mtime is less than this older than the moment
// its record is written is "racy" (git's word). A write in the same clock
// tick as our read leaves the mtime as it was (coarse timestamps: 2 s on
// FAT, 1 s on HFS+ and in some network file systems, a kernel tick
// elsewhere), so size and mtime alone could hide it for good.
const racyWindow = 2 * time.Second

// markRacy applies git's racy-mtime rule (Documentation/technical/racy-git.txt): a racy
// record is stored with mtime 0, which no scan can match, so the next scan
// that looks at the file reads it again (and, its content unchanged,
// records its mtime, by then old enough to trust). Every other file
// unchanged in size, mtime and inode (file ID) is trusted without reading
// it, which is what keeps a restart of 100,000 unchanged files at a stat
// each. now is the wall clock, as the file system's times are, never a
// test's clock.
func markRacy(rec *FileRecord, now time.Time) {
	if !rec.Dir && rec.MtimeNs > now.Add(-racyWindow).UnixNano() {
		rec.MtimeNs = 0
	}
}

// fileID is the identity of an entry whose stat had none (Windows). It
// costs an open per file, so a file unchanged since its base (size and
// mtime, what the content check trusts too) keeps the ID the base recorded;
// a new or changed file, and every directory, is asked.
func (w *walker) fileID(lf *localFile, b *FileRecord) uint64 {
	if b != nil && b.Inode != 0 && !lf.Dir && !b.Dir && b.Size == lf.Size && b.MtimeNs == lf.MtimeNs {
		return b.Inode
	}
	return fileIDAt(filepath.Join(w.s.Root, lf.osRel()))
}

// keep records lf (w.mu held).
func (w *walker) keep(lf *localFile) {
	w.res.Files[lf.Path] = lf
	if !lf.Dir && lf.Hash == "" {
		w.toHash = append(w.toHash, lf)
	}
}

// dir lists one directory and goes on with its subdirectories, on another
// goroutine while one is free. exact: the directory's name on disk is its
// NFC slash path (so its children's usually are too).
func (w *walker) dir(rel, osRel string, exact bool) {
	if err := w.ctx.Err(); err != nil {
		w.fail(err)
		return
	}
	ents, err := listDir(filepath.Join(w.s.Root, osRel))
	if err != nil {
		if rel == "" {
			w.fail(err) // the pair root must be readable
			return
		}
		w.mu.Lock()
		w.res.Skip[rel] = readFailure(err)
		w.mu.Unlock()
		return
	}
	type item struct {
		rel, osPath string
		ent         *dirItem
	}
	var (
		items  = make([]item, 0, len(ents))
		temps  []string
		clash  map[string][]string
		prefix = make([]byte, 0, len(rel)+64)
	)
	if rel != "" {
		prefix = append(append(prefix, rel...), '/')
	}
	for i := range ents {
		e := &ents[i]
		if errors.Is(e.err, fs.ErrNotExist) {
			continue // removed since the listing
		}
		name := norm.NFC.String(e.name)
		isDir := e.err == nil && e.st.mode.IsDir()
		if strings.HasPrefix(name, tempPrefix) && !isDir {
			temps = append(temps, filepath.Join(osRel, e.name))
			continue
		}
		key := append(prefix, name...)
		var p string
		if b := w.base[string(key)]; b != nil {
			p = b.Path // share the base's string: no allocation per unchanged file
		} else {
			p = string(key)
		}
		if w.s.Ignore.MatchSelf(p, isDir) {
			continue
		}
		osPath := ""
		if !exact || name != e.name || filepath.Separator != '/' {
			osPath = filepath.Join(osRel, e.name)
		}
		if w.s.CaseInsensitive {
			if clash == nil {
				clash = make(map[string][]string, len(ents))
			}
			k := strings.ToLower(name)
			clash[k] = append(clash[k], p)
		}
		items = append(items, item{p, osPath, e})
	}
	clashed := map[string]string{}
	for _, ps := range clash {
		if len(ps) > 1 {
			for _, p := range ps {
				clashed[p] = "case clash: " + strings.Join(ps, ", ")
			}
		}
	}
	// lstat outside the lock; merge the directory's results at once.
	found := make([]*localFile, 0, len(items))
	skip := clashed
	for _, it := range items {
		if _, bad := clashed[it.rel]; bad {
			continue
		}
		if it.ent.err != nil {
			skip[it.rel] = readFailure(it.ent.err)
			continue
		}
		if lf := w.entry(it.rel, it.osPath, it.ent.st); lf != nil {
			found = append(found, lf)
		} else {
			// Symlinks are never followed (their target may be outside
			// the folder, or a loop); they and special files are listed,
			// not dropped silently.
			skip[it.rel] = notSynced(it.ent.st.mode)
		}
	}
	w.mu.Lock()
	w.res.Temps = append(w.res.Temps, temps...)
	for p, why := range skip {
		w.res.Skip[p] = why
	}
	for _, lf := range found {
		w.keep(lf)
	}
	w.mu.Unlock()
	for _, lf := range found {
		if !lf.Dir {
			continue
		}
		childOS, childExact := lf.OSPath, lf.OSPath == ""
		if childExact {
			childOS = filepath.FromSlash(lf.Path)
		}
		select {
		case w.sem <- struct{}{}:
			w.wg.Add(1)
			go func() {
				defer func() { <-w.sem; w.wg.Done() }()
				w.dir(lf.Path, childOS, childExact)
			}()
		default:
			w.dir(lf.Path, childOS, childExact)
		}
	}
}
