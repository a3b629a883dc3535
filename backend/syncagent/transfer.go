package syncagent

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	gosync "sync"
	"sync/atomic"
	"time"
)

// errLocalChanged: the local file no longer matches what the plan saw; the
// action is skipped and the path rescanned.
var errLocalChanged = errors.New("sync: local file changed since the scan")

// progress counts one pass's transfers for the status.
type progress struct {
	filesTotal, filesDone atomic.Int64
	bytesTotal, bytesDone atomic.Int64
}

// executor carries out a plan for one pair. Base updates go to the runner's
// in-memory base at once and to the index in batches.
type executor struct {
	r       *pairRunner
	prog    *progress
	mu      gosync.Mutex
	puts    map[string]*FileRecord
	dels    map[string]bool
	retry   []string // paths to rescan soon (skipped: changed or 409)
	errs    []error
	created []string // conflict copies created locally: upload them next pass
	// root is the pair folder, opened for the pass: every file the executor
	// writes, renames, removes or reads is reached through it, so no path
	// (a name a malicious server sent, a base an older agent recorded, a
	// symlink left in the folder pointing elsewhere) leads outside the folder.
	root *os.Root
}

func newExecutor(r *pairRunner, prog *progress) *executor {
	return &executor{r: r, prog: prog, puts: map[string]*FileRecord{}, dels: map[string]bool{}}
}

// rel is the pair-relative slash path p in the OS's form, for x.root.
func (x *executor) rel(p string) string {
	return filepath.FromSlash(p)
}

// osRel is the action's path as the scan found it on disk (its name may
// differ from the NFC path, e.g. NFD on macOS).
func (x *executor) osRel(a action) string {
	if a.Local != nil && a.Local.OSPath != "" && a.Local.Path == a.Path {
		return a.Local.OSPath
	}
	return x.rel(a.Path)
}

// put records a new base for p.
func (x *executor) put(rec *FileRecord) {
	rec.PairID = x.r.pair.ID
	x.mu.Lock()
	defer x.mu.Unlock()
	x.r.setBase(rec.Path, rec)
	x.puts[rec.Path] = rec
	delete(x.dels, rec.Path)
}

// drop forgets the base of p (and, for a directory, everything under it).
func (x *executor) drop(p string, tree bool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	for _, q := range x.r.dropBase(p, tree) {
		x.dels[q] = true
		delete(x.puts, q)
	}
}

func (x *executor) skip(p string, err error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	var ae *APIError
	if errors.As(err, &ae) && ae.Key == "drive.name_taken" {
		// Another entry has this name on the drive (often one differing
		// only by case): report it; retrying would not help.
		x.errs = append(x.errs, fmt.Errorf("%s: a different item with this name exists on the drive", p))
		return
	}
	x.retry = append(x.retry, p)
	if err != nil && !errors.Is(err, errLocalChanged) && !IsConflict(err) && !errors.Is(err, context.Canceled) {
		x.errs = append(x.errs, fmt.Errorf("%s: %w", p, err))
	}
}

// flush writes the buffered base changes to the index.
func (x *executor) flush(ctx context.Context) error {
	x.mu.Lock()
	puts := make([]*FileRecord, 0, len(x.puts))
	for _, r := range x.puts {
		puts = append(puts, r)
	}
	dels := make([]string, 0, len(x.dels))
	for p := range x.dels {
		dels = append(dels, p)
	}
	x.puts, x.dels = map[string]*FileRecord{}, map[string]bool{}
	x.mu.Unlock()
	// The index must survive a cancelled pass: what was done is done.
	return x.r.e.index.Apply(context.WithoutCancel(ctx), x.r.pair.ID, puts, dels)
}

func (x *executor) run(ctx context.Context, plan *plan) error {
	defer func() { _ = x.flush(ctx) }()
	root, err := os.OpenRoot(x.r.pair.LocalPath)
	if err != nil {
		return err
	}
	defer root.Close()
	x.root = root
	for _, a := range plan.Moves {
		if err := ctx.Err(); err != nil {
			return err
		}
		var err error
		if a.Kind == actMoveRemote {
			err = x.moveRemote(ctx, a)
		} else {
			err = x.moveLocal(a)
		}
		if err != nil {
			x.skip(a.Path, err)
		}
	}
	for _, a := range plan.Mkdirs {
		if err := ctx.Err(); err != nil {
			return err
		}
		var err error
		if a.Kind == actMkdirRemote {
			_, err = x.remoteDir(ctx, a.Path)
		} else {
			err = x.mkdirLocal(a.Path)
		}
		if err != nil {
			x.skip(a.Path, err)
		}
	}
	if err := x.flush(ctx); err != nil {
		return err
	}
	if err := x.transfers(ctx, plan.Transfers); err != nil {
		return err
	}
	for _, a := range plan.Deletes {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := x.delete(ctx, a); err != nil {
			x.skip(a.Path, err)
		}
	}
	for _, a := range plan.Records {
		switch a.Kind {
		case actRecord:
			if a.Local != nil && a.Remote != nil {
				x.put(recordOf(a.Path, a.Local, a.Remote))
			}
		case actForget:
			x.drop(a.Path, false)
		}
	}
	return ctx.Err()
}

func recordOf(p string, l *localFile, r *RemoteFile) *FileRecord {
	rec := &FileRecord{Path: p, Dir: l.Dir, Inode: l.Inode, EntryID: r.EntryID, Version: r.Version}
	if !l.Dir {
		rec.Size, rec.MtimeNs, rec.CtimeNs, rec.Hash, rec.Chunks = l.Size, l.MtimeNs, l.CtimeNs, l.Hash, l.Chunks
	}
	return rec
}

// Small uploads go to the drive in batches (POST drive/files/batch), one
// request per up to batchFiles files or batchBytes bytes, so that a first
// backup of thousands of small files costs tens of requests and
// transactions, not thousands. The server takes up to 1,000 files, 4 MiB
// each, 32 MiB in all; smaller batches keep several workers busy (one
// reads files while another's batch commits) and the agent's memory low.
const (
	batchFiles   = 250
	batchBytes   = 4 << 20
	batchMaxFile = 4 << 20
)

// job is what a transfer worker does next: one action, or a batch of small
// uploads.
type job struct {
	acts  []action
	batch bool
}

// transfers runs uploads and downloads on parallel workers.
func (x *executor) transfers(ctx context.Context, acts []action) error {
	if len(acts) == 0 {
		return nil
	}
	for _, a := range acts {
		x.prog.filesTotal.Add(1)
		switch {
		case a.Kind == actUpload && a.Local != nil:
			x.prog.bytesTotal.Add(a.Local.Size)
		case a.Remote != nil:
			x.prog.bytesTotal.Add(a.Remote.Size)
		}
	}
	n := max(x.r.e.opts.Workers, 1)
	work := make(chan job)
	var wg gosync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			done := 0
			for j := range work {
				if j.batch {
					x.uploadBatch(ctx, j.acts)
				} else if err := x.transfer(ctx, j.acts[0]); err != nil {
					x.skip(j.acts[0].Path, err)
				}
				x.prog.filesDone.Add(int64(len(j.acts)))
				x.r.publishProgress(x.prog)
				if done += len(j.acts); done >= 200 {
					done = 0
					_ = x.flush(ctx)
				}
			}
		}()
	}
	var pending []action
	var pendingBytes int64
	flushBatch := func() {
		switch len(pending) {
		case 0:
		case 1: // a lone file goes as it always did
			work <- job{acts: pending}
		default:
			work <- job{acts: pending, batch: true}
		}
		pending, pendingBytes = nil, 0
	}
	for i := range acts {
		if ctx.Err() != nil {
			break
		}
		a := acts[i]
		acts[i] = action{} // the worker has its copy; the plan need not keep the file alive
		if !x.batchable(a) {
			work <- job{acts: []action{a}}
			continue
		}
		pending = append(pending, a)
		if pendingBytes += a.Local.Size; len(pending) >= batchFiles || pendingBytes >= batchBytes {
			flushBatch()
		}
	}
	if ctx.Err() == nil {
		flushBatch()
	}
	close(work)
	wg.Wait()
	return ctx.Err()
}

// batchable: a small file to upload, and a server that takes batches.
func (x *executor) batchable(a action) bool {
	return a.Kind == actUpload && a.Local != nil && !a.Local.Dir && a.Local.Size <= min(x.r.e.opts.SmallFile, batchMaxFile) &&
		!x.r.e.noBatch.Load()
}

// uploadBatch sends small files, new or changed, in one request. Each file
// is answered on its own (a 409 or a file changed since the scan skips that
// file only). A batch the server does not take as a whole (an older server
// without batches, a limit it has lower) goes one file per request; a
// batch that failed on the way (network, server error) is retried by the
// next pass: sending it again is safe, whatever of it was stored answers
// unchanged.
func (x *executor) uploadBatch(ctx context.Context, acts []action) {
	files := make([]BatchFile, 0, len(acts))
	sent := make([]action, 0, len(acts))
	for _, a := range acts {
		rel := x.osRel(a)
		if err := x.checkLocal(rel, a.Local); err != nil {
			x.skip(a.Path, err)
			continue
		}
		// The client reads the file by its absolute path: a file the scan
		// found (the scan follows no symlink), only ever read.
		f := BatchFile{Size: a.Local.Size, Hash: a.Local.Hash, Path: filepath.Join(x.r.pair.LocalPath, rel)}
		if a.Remote != nil {
			f.EntryID, f.BaseVersion = a.Remote.EntryID, a.Remote.Version
		} else {
			parentID, err := x.remoteDir(ctx, parentOf(a.Path))
			if err != nil {
				x.skip(a.Path, err)
				continue
			}
			f.ParentID, f.Name = parentID, path.Base(a.Path)
		}
		files, sent = append(files, f), append(sent, a)
	}
	if len(files) == 0 {
		return
	}
	res, err := x.r.e.client.UploadBatch(ctx, files)
	if err != nil {
		st := statusOf(err)
		if st != http.StatusBadRequest && st != http.StatusNotFound && st != http.StatusMethodNotAllowed && st != http.StatusRequestEntityTooLarge {
			for _, a := range sent {
				x.skip(a.Path, err)
			}
			return
		}
		if st == http.StatusNotFound || st == http.StatusMethodNotAllowed {
			if !x.r.e.noBatch.Swap(true) {
				slog.Info("sync: the server takes no batch uploads; sending small files one by one", "err", err)
			}
		}
		for _, a := range sent {
			if err := x.transfer(ctx, a); err != nil {
				x.skip(a.Path, err)
			}
		}
		return
	}
	for i, r := range res {
		a := sent[i]
		if r.Err != nil {
			var err error = r.Err
			if r.Err.Key == "drive.hash_mismatch" {
				err = errLocalChanged // the file changed after the scan
			}
			x.skip(a.Path, err)
			continue
		}
		if r.Entry == nil {
			x.skip(a.Path, fmt.Errorf("sync: batch answer without an entry (status %d)", r.Status))
			continue
		}
		e := *r.Entry
		if e.Hash == a.Local.Hash {
			e.Hash = a.Local.Hash // the tree and the base share one copy of the hash
		}
		x.r.tree.Put(e)
		x.put(recordOf(a.Path, a.Local, &RemoteFile{EntryID: e.ID, Version: e.Version}))
		x.prog.bytesDone.Add(a.Local.Size)
	}
}

func (x *executor) transfer(ctx context.Context, a action) error {
	if same, err := x.sameAsRemote(ctx, a); err != nil || same {
		return err
	}
	switch a.Kind {
	case actUpload:
		return x.upload(ctx, a, a.Remote)
	case actDownload:
		return x.download(ctx, a.Path, a.Remote, a.Local)
	case actConflict:
		// Keep both: the drive's version lands next to the local file under
		// the conflict name, then the local version goes up.
		if err := x.downloadTo(ctx, a.ConflictPath, a.Remote, nil, false); err != nil {
			return err
		}
		x.mu.Lock()
		x.created = append(x.created, a.ConflictPath)
		x.mu.Unlock()
		return x.upload(ctx, a, a.Remote)
	case actKeepLocal:
		if err := x.checkLocal(x.osRel(a), a.Local); err != nil {
			return err
		}
		if err := x.root.Rename(x.osRel(a), x.rel(a.ConflictPath)); err != nil {
			return err
		}
		return x.download(ctx, a.Path, a.Remote, nil)
	}
	return nil
}

// sameAsRemote settles a big local file the scan did not hash whole
// (lateHashMin) whose content the plan could not compare: with a drive
// file of its size and no base to say they agree (a folder paired with a
// drive folder that already holds the same files; both changed to the
// same content), or with a base whose chunk list was cut another way (a
// file recorded before chunking scheme 2, then touched; or a file only
// downloaded, whose chunk list the index does not hold). The file is
// hashed now; the same content as the drive's is recorded, the same as
// the base's is not a local change (the drive's edit, if any, comes down
// as it would have), anything else goes on as planned.
func (x *executor) sameAsRemote(ctx context.Context, a action) (bool, error) {
	l, r, b := a.Local, a.Remote, a.Base
	if l == nil || r == nil || l.Dir || r.Dir || l.Hash != "" || r.Hash == "" {
		return false, nil
	}
	if b != nil && (b.Dir || b.Hash == "") {
		b = nil
	}
	if l.Size != r.Size && (b == nil || l.Size != b.Size) {
		return false, nil
	}
	if b != nil && len(b.Chunks) > 0 && b.EntryID == r.EntryID && b.Version == r.Version {
		// The drive is at the base, whose chunk list (cut the way the scan
		// cuts) differs from the file's: an edit, as most are (an edit in
		// place keeps the size); reading the file again would only say so.
		return false, nil
	}
	switch a.Kind {
	case actUpload, actConflict, actKeepLocal:
	default:
		return false, nil
	}
	hash, err := x.localHash(x.osRel(a), l)
	if err != nil {
		return false, err
	}
	switch {
	case hash == r.Hash:
		rec := recordOf(a.Path, l, r)
		rec.Hash = hash
		x.put(rec)
		return true, nil
	case b == nil || hash != b.Hash:
		return false, nil
	case r.EntryID == b.EntryID && r.Version == b.Version: // nothing changed
		rec := recordOf(a.Path, l, r)
		rec.Hash = hash
		x.put(rec)
		return true, nil
	case a.Kind == actConflict || a.Kind == actKeepLocal: // only the drive changed
		return true, x.download(ctx, a.Path, r, l)
	default: // backup: the drive's edit stays there, the local file is as it was
		return true, nil
	}
}

// checkLocal verifies the file at rel still looks like what the plan saw
// (nil = must not exist).
func (x *executor) checkLocal(rel string, want *localFile) error {
	fi, err := x.root.Lstat(rel)
	if want == nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return errLocalChanged
	}
	if err != nil || fi.IsDir() != want.Dir || (!want.Dir && (fi.Size() != want.Size || fi.ModTime().UnixNano() != want.MtimeNs)) {
		return errLocalChanged
	}
	return nil
}

// remoteDir returns the drive folder ID for p, creating missing folders
// (parents first) and recording them in the base.
func (x *executor) remoteDir(ctx context.Context, p string) (string, error) {
	if p == "" {
		return x.r.pair.RemoteFolderID, nil
	}
	if rf := x.r.tree.Lookup(p); rf != nil {
		if !rf.Dir {
			return "", fmt.Errorf("sync: %s is a file on the drive", p)
		}
		x.recordDir(p, rf.EntryID, rf.Version)
		return rf.EntryID, nil
	}
	parentID, err := x.remoteDir(ctx, parentOf(p))
	if err != nil {
		return "", err
	}
	e, err := x.r.e.client.CreateFolder(ctx, parentID, path.Base(p))
	if err != nil {
		return "", err
	}
	x.r.tree.Put(e)
	x.recordDir(p, e.ID, e.Version)
	return e.ID, nil
}

func (x *executor) recordDir(p, entryID string, version int64) {
	if b := x.r.getBase(p); b != nil && b.Dir && b.EntryID == entryID {
		return
	}
	fi, err := x.root.Lstat(x.rel(p))
	if err != nil || !fi.IsDir() {
		return
	}
	x.put(&FileRecord{Path: p, Dir: true, Inode: inodeOf(fi), EntryID: entryID, Version: version})
}

func (x *executor) mkdirLocal(p string) error {
	rel := x.rel(p)
	if err := x.root.MkdirAll(rel, 0o755); err != nil {
		return err
	}
	fi, err := x.root.Lstat(rel)
	if err != nil {
		return err
	}
	if rf := x.r.tree.Lookup(p); rf != nil {
		x.put(&FileRecord{Path: p, Dir: true, Inode: inodeOf(fi), EntryID: rf.EntryID, Version: rf.Version})
	}
	return nil
}

func (x *executor) moveRemote(ctx context.Context, a action) error {
	parentID, err := x.remoteDir(ctx, parentOf(a.Path))
	if err != nil {
		return err
	}
	r := a.Remote
	e, err := x.r.e.client.Move(ctx, r.EntryID, r.Version, parentID, path.Base(a.Path))
	if err != nil {
		return err
	}
	x.r.tree.Put(e)
	x.rekeyBase(a.From, a.Path, e)
	return nil
}

func (x *executor) moveLocal(a action) error {
	to := x.rel(a.Path)
	from := x.rel(a.From)
	if a.Local != nil && a.Local.OSPath != "" {
		from = a.Local.OSPath
	}
	lstat := x.root.Lstat
	if l := x.r.e.opts.lstat; l != nil { // tests: a case-insensitive file system
		base := x.r.pair.LocalPath
		lstat = func(name string) (fs.FileInfo, error) { return l(filepath.Join(base, name)) }
	}
	if toFi, err := lstat(to); !errors.Is(err, fs.ErrNotExist) {
		// On a case-insensitive file system (macOS, Windows) the new name of
		// a case-only rename ("Report.txt" → "report.txt") finds the file
		// itself: that is not something in the way.
		fromFi, ferr := lstat(from)
		if err != nil || ferr != nil || !os.SameFile(toFi, fromFi) {
			return errLocalChanged
		}
	}
	if err := x.root.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		return err
	}
	if err := x.root.Rename(from, to); err != nil {
		return err
	}
	if from != to && strings.EqualFold(from, to) {
		if err := finishCaseRename(x.root, from, to); err != nil {
			return err
		}
	}
	e := Entry{ID: a.Remote.EntryID, Version: a.Remote.Version}
	x.rekeyBase(a.From, a.Path, e)
	return nil
}

// caseStep starts the in-between name of a two-step case-only rename.
const caseStep = ".tack-case-"

// finishCaseRename makes sure a case-only rename ("readme.txt" →
// "README.txt") took: some file systems answer it with success and keep the
// old spelling (Wine's emulation of Windows, seen in
// scripts/test-windows-wine.sh; some network shares). Then it goes through a
// second name in the same folder. That name is deliberately not a temp name,
// which a pass deletes: an agent killed between the two steps leaves the
// file under it, and the next pass sees a local rename, nothing lost.
func finishCaseRename(root *os.Root, from, to string) error {
	dir, base := filepath.Split(to)
	if dir == "" {
		dir = "."
	}
	d, err := root.Open(dir)
	if err != nil {
		return err
	}
	names, err := d.Readdirnames(-1)
	d.Close()
	if err != nil {
		return err
	}
	if slices.Contains(names, base) {
		return nil // the file system did it
	}
	mid := filepath.Join(dir, caseStep+strconv.FormatInt(time.Now().UnixNano(), 36)+"-"+base)
	if err := root.Rename(from, mid); err != nil {
		return err
	}
	return root.Rename(mid, to)
}

// rekeyBase moves the base of from (and everything under it) to to; the
// moved entry itself gets the version the server answered.
func (x *executor) rekeyBase(from, to string, e Entry) {
	x.mu.Lock()
	defer x.mu.Unlock()
	for _, old := range x.r.basePathsUnder(from) {
		b := x.r.getBase(old)
		nb := *b
		nb.Path = to + old[len(from):]
		if old == from && e.Version > 0 {
			nb.Version = e.Version
		}
		x.r.dropBase(old, false)
		x.dels[old] = true
		delete(x.puts, old)
		x.r.setBase(nb.Path, &nb)
		x.puts[nb.Path] = &nb
		delete(x.dels, nb.Path)
	}
}

func (x *executor) delete(ctx context.Context, a action) error {
	switch a.Kind {
	case actDeleteRemote:
		if a.Covered {
			x.drop(a.Path, a.Dir)
			return nil
		}
		r := a.Remote
		if r == nil {
			x.drop(a.Path, a.Dir)
			return nil
		}
		if err := x.r.e.client.Delete(ctx, r.EntryID, r.Version); err != nil && !IsNotFound(err) {
			return err
		}
		x.r.tree.Remove(r.EntryID)
		x.drop(a.Path, a.Dir)
	case actDeleteLocal:
		rel := x.osRel(a)
		if a.Dir {
			if err := x.root.Remove(rel); err != nil && !errors.Is(err, fs.ErrNotExist) {
				// Not empty (ignored or new files inside): keep it, stop syncing it.
				x.drop(a.Path, false)
				return nil
			}
			x.drop(a.Path, false)
			return nil
		}
		// Never delete a local change the drive does not have.
		if err := x.checkLocal(rel, a.Local); err != nil {
			return err
		}
		if err := x.root.Remove(rel); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		x.drop(a.Path, false)
	}
	return nil
}

// upload sends a local file: a new file, or a new version of remote. Only
// chunks the server lacks are sent, and the session is remembered so an
// interrupted upload resumes.
func (x *executor) upload(ctx context.Context, a action, remote *RemoteFile) error {
	l := a.Local
	if l == nil {
		return errLocalChanged
	}
	rel := x.osRel(a)
	if err := x.checkLocal(rel, l); err != nil {
		return err
	}
	var (
		e   Entry
		err error
	)
	if l.Deferred && len(l.Chunks) == 0 {
		if remote == nil {
			var chunks Chunks
			e, chunks, err = x.uploadStreamed(ctx, a.Path, rel, l)
			if err == nil {
				done := *l
				done.Chunks = compactChunks(l.Size, "", chunks)
				rec := recordOf(a.Path, &done, &RemoteFile{EntryID: e.ID, Version: e.Version})
				rec.Hash = e.Hash
				x.r.tree.Put(e)
				x.put(rec)
				return nil
			}
			if !isInvalidUpload(err) {
				return err
			}
			slog.Debug("sync: the server has no open uploads; announcing in full", "path", a.Path, "err", err)
		}
		if l, err = x.readDeferred(rel, l); err != nil {
			return err
		}
	}
	if l.Size <= x.r.e.opts.SmallFile {
		// One request for a small file, new or changed (many small files
		// go in batches instead: uploadBatch).
		e, err = x.uploadSmall(ctx, a.Path, rel, l, remote)
	} else {
		e, err = x.uploadChunked(ctx, a.Path, rel, l, remote, diffBase(a.Base, remote))
	}
	if err != nil {
		return err
	}
	if e.Hash == l.Hash {
		e.Hash = l.Hash // the tree and the base share one copy of the hash
	}
	x.r.tree.Put(e)
	rec := recordOf(a.Path, l, &RemoteFile{EntryID: e.ID, Version: e.Version})
	if l.Hash == "" {
		// A big file sent without its hash (lateHashMin): the server
		// computed it from the chunks it checked, which are this content's.
		rec.Hash = e.Hash
	}
	x.put(rec)
	return nil
}

func (x *executor) uploadSmall(ctx context.Context, p, rel string, l *localFile, remote *RemoteFile) (Entry, error) {
	data, err := x.root.ReadFile(rel)
	if err != nil {
		return Entry{}, err
	}
	sum := sha256.Sum256(data)
	if hex.EncodeToString(sum[:]) != l.Hash {
		return Entry{}, errLocalChanged
	}
	var e Entry
	if remote != nil {
		e, err = x.r.e.client.UploadSmallVersion(ctx, remote.EntryID, remote.Version, data)
	} else {
		parentID, perr := x.remoteDir(ctx, parentOf(p))
		if perr != nil {
			return Entry{}, perr
		}
		e, err = x.r.e.client.UploadSmall(ctx, parentID, path.Base(p), data)
	}
	if err == nil {
		x.prog.bytesDone.Add(int64(len(data)))
	}
	return e, err
}

// chunkSenders is how many chunk batches of one file are sent at once;
// chunkBatchBytes and chunkBatchItems bound one batch (the server takes up
// to 32 MiB and 1,024 chunks: drive.MaxChunkBatchBytes, MaxChunkBatchItems).
const (
	chunkSenders    = 3
	chunkBatchBytes = 8 << 20
	chunkBatchItems = 512
)

// readChunkFrames reads refs from f into one PutChunks body.
func readChunkFrames(f *os.File, refs []ChunkRef) ([]byte, error) {
	n := 0
	for _, ch := range refs {
		n += chunkFrameHeader + ch.Size
	}
	body := make([]byte, 0, n)
	for _, ch := range refs {
		var err error
		if body, err = appendChunkFrame(body, ch.Hash, nil); err != nil {
			return nil, err
		}
		binary.BigEndian.PutUint32(body[len(body)-4:], uint32(ch.Size))
		data := body[len(body) : len(body)+ch.Size]
		if _, err := f.ReadAt(data, ch.Offset); err != nil {
			if errors.Is(err, io.EOF) {
				return nil, errLocalChanged // shorter than the scan saw
			}
			return nil, err
		}
		body = body[:len(body)+ch.Size]
	}
	return body, nil
}

// sendChunks sends one batch (body = the frames of refs); a server without
// the batch route gets them one request each, and so does every later batch.
func (x *executor) sendChunks(ctx context.Context, uploadID string, refs []ChunkRef, body []byte, single *atomic.Bool) error {
	c := x.r.e.client
	if !single.Load() {
		err := c.PutChunks(ctx, uploadID, body)
		if !isUnknownRoute(err) {
			return chunkErr(err)
		}
		single.Store(true)
	}
	off := 0
	for _, ch := range refs {
		off += chunkFrameHeader
		if err := c.PutChunk(ctx, uploadID, ch.Hash, body[off:off+ch.Size]); err != nil {
			return chunkErr(err)
		}
		off += ch.Size
	}
	return nil
}

// chunkErr: bytes that no longer hash to what the scan saw are a local change.
func chunkErr(err error) error {
	var ae *APIError
	if errors.As(err, &ae) && ae.Key == "drive.bad_chunk" {
		return errLocalChanged
	}
	return err
}

// isUnknownRoute reports an answer of a server older than the batch route
// (404 or 405 that is not one of the drive's own errors).
func isUnknownRoute(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && (ae.Status == http.StatusNotFound || ae.Status == http.StatusMethodNotAllowed) &&
		!strings.HasPrefix(ae.Key, "drive.")
}

func (x *executor) uploadChunked(ctx context.Context, p, rel string, l *localFile, remote *RemoteFile, base Chunks) (Entry, error) {
	c, ix, pairID := x.r.e.client, x.r.e.index, x.r.pair.ID
	chunks := expandChunks(l.Size, l.Hash, l.Chunks)
	// The saved session is found by the content it sends: its hash, or
	// for a file the scan did not hash whole, its chunk list's.
	key := l.Hash
	if key == "" {
		key = contentKey(l.Size, "", chunks)
	}
	var state UploadState
	if id, _ := ix.Upload(ctx, pairID, p, key); id != "" {
		st, err := c.UploadStatus(ctx, id)
		if err == nil {
			state = st
			slog.Debug("sync: resuming upload", "path", p, "missing", len(st.Missing))
		}
	}
	if state.ID == "" {
		scheme := l.Scheme
		if scheme == 0 {
			scheme = schemeOf(l.Size, l.Hash, l.Chunks)
		}
		req := UploadRequest{Size: l.Size, Hash: l.Hash, ChunkScheme: int(scheme), Chunks: make([]UploadChunk, 0, len(chunks))}
		for _, ch := range chunks {
			req.Chunks = append(req.Chunks, UploadChunk{Hash: ch.Hash, Size: ch.Size})
		}
		if remote != nil {
			req.EntryID, req.BaseVersion = remote.EntryID, remote.Version
		} else {
			parentID, err := x.remoteDir(ctx, parentOf(p))
			if err != nil {
				return Entry{}, err
			}
			req.ParentID, req.Name = parentID, path.Base(p)
		}
		var (
			st  UploadState
			err error
		)
		if len(base) > 0 {
			full := req.Chunks
			req.Chunks, req.Diff = nil, diffChunks(base, chunks)
			st, err = c.StartUpload(ctx, req)
			if isInvalidUpload(err) {
				slog.Debug("sync: chunk diff refused, announcing in full", "path", p, "err", err)
				req.Chunks, req.Diff = full, nil
			}
		}
		if len(base) == 0 || isInvalidUpload(err) {
			st, err = c.StartUpload(ctx, req)
		}
		if req.Hash == "" && isInvalidUpload(err) {
			// A server older than hashless uploads: hash the file here.
			slog.Debug("sync: the server wants the whole hash; reading the file for it", "path", p, "err", err)
			if req.Hash, err = x.localHash(rel, l); err != nil {
				return Entry{}, err
			}
			if req.Diff != nil {
				req.Chunks, req.Diff = nil, nil
				for _, ch := range chunks {
					req.Chunks = append(req.Chunks, UploadChunk{Hash: ch.Hash, Size: ch.Size})
				}
			}
			st, err = c.StartUpload(ctx, req)
		}
		if err != nil {
			return Entry{}, err
		}
		state = st
		// Remember the session before sending anything: a restart resumes it.
		if err := ix.SaveUpload(ctx, uploadRecord{PairID: pairID, Path: p, Hash: key, UploadID: st.ID}); err != nil {
			return Entry{}, err
		}
	}
	missing := map[string]bool{}
	for _, h := range state.Missing {
		missing[h] = true
	}
	f, err := x.root.Open(rel)
	if err != nil {
		return Entry{}, err
	}
	defer f.Close()
	// The missing chunks go in batches of a few MiB (one request, one
	// server transaction and fsyncs run together for each: drive.PutChunks),
	// up to chunkSenders batches in flight. The agent does not hash them
	// again: the server checks every chunk's hash, and a chunk whose bytes
	// changed since the scan comes back as drive.bad_chunk (errLocalChanged).
	sendCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg       gosync.WaitGroup
		failOnce gosync.Once
		failErr  error
		single   atomic.Bool // the server has no batch route: one request per chunk
	)
	fail := func(err error) { failOnce.Do(func() { failErr = err; cancel() }) }
	slots := make(chan struct{}, chunkSenders)
	var batch []ChunkRef
	batchSize := 0
	flush := func() bool {
		if len(batch) == 0 {
			return true
		}
		refs := batch
		batch, batchSize = nil, 0
		select {
		case slots <- struct{}{}:
		case <-sendCtx.Done():
			return false
		}
		body, err := readChunkFrames(f, refs)
		if err != nil {
			fail(err)
			<-slots
			return false
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			if err := x.sendChunks(sendCtx, state.ID, refs, body, &single); err != nil {
				fail(err)
				return
			}
			var n int64
			for _, ch := range refs {
				n += int64(ch.Size)
			}
			x.prog.bytesDone.Add(n)
			x.r.publishProgress(x.prog)
		}()
		return true
	}
	for _, ch := range chunks {
		if !missing[ch.Hash] {
			x.prog.bytesDone.Add(int64(ch.Size))
			continue
		}
		delete(missing, ch.Hash) // a chunk repeated in the file is sent once
		if len(batch) > 0 && (batchSize+ch.Size > x.r.e.opts.ChunkBatch || len(batch) >= chunkBatchItems) {
			if !flush() {
				break
			}
		}
		batch = append(batch, ch)
		batchSize += ch.Size
	}
	flush()
	wg.Wait()
	if failErr != nil {
		if ctx.Err() != nil {
			return Entry{}, ctx.Err()
		}
		return Entry{}, failErr
	}
	if err := ctx.Err(); err != nil {
		return Entry{}, err
	}
	e, err := c.Commit(ctx, state.ID)
	if err != nil {
		if IsNotFound(err) || IsConflict(err) {
			_ = ix.DeleteUpload(context.WithoutCancel(ctx), pairID, p)
		}
		return Entry{}, err
	}
	_ = ix.DeleteUpload(context.WithoutCancel(ctx), pairID, p)
	return e, nil
}

// readDeferred reads a file the scan left unread for its chunks.
func (x *executor) readDeferred(rel string, l *localFile) (*localFile, error) {
	f, err := x.root.Open(rel)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	size, _, chunks, err := hashReader(f, false)
	if err != nil {
		return nil, err
	}
	if size != l.Size || x.checkLocal(rel, l) != nil {
		return nil, errLocalChanged
	}
	out := *l
	out.Chunks, out.Deferred = compactChunks(size, "", chunks), false
	return &out, nil
}

// localHash reads the file at rel for its whole SHA-256; a file no longer
// as the scan saw it is errLocalChanged.
func (x *executor) localHash(rel string, l *localFile) (string, error) {
	f, err := x.root.Open(rel)
	if err != nil {
		return "", err
	}
	defer f.Close()
	size, hash, err := wholeHash(f)
	if err != nil {
		return "", err
	}
	if size != l.Size || x.checkLocal(rel, l) != nil {
		return "", errLocalChanged
	}
	return hash, nil
}

// download writes a drive file to p through a temp file in the same
// directory: fsync, verify the hash, and rename into place only if the local
// path still looks as the plan saw it (absent, or unchanged since the last sync).
func (x *executor) download(ctx context.Context, p string, r *RemoteFile, expect *localFile) error {
	return x.downloadTo(ctx, p, r, expect, true)
}

// downloadTo is download; record=false for conflict copies, which are new
// local files (uploaded by the next pass), not the base of the entry.
func (x *executor) downloadTo(ctx context.Context, p string, r *RemoteFile, expect *localFile, record bool) error {
	if r == nil {
		return nil
	}
	target := x.rel(p)
	if expect != nil && expect.Path == p && expect.OSPath != "" {
		target = expect.OSPath
	}
	dir := filepath.Dir(target)
	if err := x.root.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var rnd [6]byte
	_, _ = rand.Read(rnd[:])
	tmp := filepath.Join(dir, tempPrefix+hex.EncodeToString(rnd[:]))
	f, err := x.root.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	ok := false
	defer func() {
		if !ok {
			f.Close()
			x.root.Remove(tmp)
		}
	}()
	body, err := x.r.e.client.Download(ctx, r.EntryID, r.Version)
	if err != nil {
		return err
	}
	defer body.Close()
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, h, progressWriter{x.prog}), body)
	if err != nil {
		return err
	}
	if got := hex.EncodeToString(h.Sum(nil)); r.Hash != "" && got != r.Hash {
		return fmt.Errorf("sync: download %s: hash mismatch", p)
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := x.checkLocal(target, expect); err != nil {
		return err
	}
	if err := x.root.Rename(tmp, target); err != nil {
		return err
	}
	ok = true
	syncDir(x.root, dir)
	if !record {
		return nil
	}
	fi, err := x.root.Lstat(target)
	if err != nil {
		return err
	}
	x.put(&FileRecord{Path: p, Size: n, MtimeNs: fi.ModTime().UnixNano(), CtimeNs: ctimeOf(fi), Inode: inodeOf(fi), Hash: r.Hash, EntryID: r.EntryID, Version: r.Version})
	return nil
}

type progressWriter struct{ p *progress }

func (w progressWriter) Write(b []byte) (int, error) {
	w.p.bytesDone.Add(int64(len(b)))
	return len(b), nil
}

// syncDir makes a rename durable (best effort: not every OS can fsync a
// directory).
func syncDir(root *os.Root, dir string) {
	if d, err := root.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}
