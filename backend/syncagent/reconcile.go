package syncagent

import (
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"
	"time"
)

// actKind is what the engine does to one path.
type actKind string

// action kinds.
const (
	actRecord       actKind = "record"        // both sides agree: write the base
	actForget       actKind = "forget"        // gone on both sides: drop the base
	actUpload       actKind = "upload"        // local → drive (new file, or new version of Remote)
	actDownload     actKind = "download"      // drive → local (never over an unsynced local change)
	actConflict     actKind = "conflict"      // two-way: drive copy saved as ConflictPath, local uploaded
	actKeepLocal    actKind = "keep_local"    // mirror: local edit renamed to ConflictPath, then download
	actMkdirRemote  actKind = "mkdir_remote"  //
	actMkdirLocal   actKind = "mkdir_local"   //
	actDeleteRemote actKind = "delete_remote" // to the drive's trash
	actDeleteLocal  actKind = "delete_local"  // only what the drive still has
	actMoveRemote   actKind = "move_remote"   // local rename/move replayed on the drive
	actMoveLocal    actKind = "move_local"    // drive rename/move replayed locally
)

// action is one step of a plan.
type action struct {
	Kind         actKind
	Path         string
	From         string // moves: the old path
	Dir          bool
	Local        *localFile
	Base         *FileRecord
	Remote       *RemoteFile
	ConflictPath string
	// Covered: a drive delete already done by deleting an ancestor folder;
	// only the base is dropped.
	Covered bool
}

func (a action) String() string {
	if a.From != "" {
		return fmt.Sprintf("%s %s -> %s", a.Kind, a.From, a.Path)
	}
	return fmt.Sprintf("%s %s", a.Kind, a.Path)
}

// plan is the outcome of a reconcile, in execution order.
type plan struct {
	Moves     []action // first, in order
	Mkdirs    []action // parents before children
	Transfers []action // uploads, downloads, conflicts (parallel)
	Deletes   []action // files, then directories deepest first
	Records   []action // base-only updates
	// DeleteFiles counts the files the deletes remove on either side (for the
	// mass-delete safety check).
	DeleteFiles int
}

// All returns every action, in order.
func (p *plan) All() []action {
	var out []action
	for _, l := range [][]action{p.Moves, p.Mkdirs, p.Transfers, p.Deletes, p.Records} {
		out = append(out, l...)
	}
	return out
}

// Empty reports whether there is nothing to do.
func (p *plan) Empty() bool {
	return len(p.Moves)+len(p.Mkdirs)+len(p.Transfers)+len(p.Deletes)+len(p.Records) == 0
}

// planInput is the three-way state. Local must hold every path (scanned paths
// from the scanner, the others from the base as unchanged).
type planInput struct {
	Mode      Mode
	Local     map[string]*localFile
	Base      map[string]*FileRecord
	Remote    map[string]*RemoteFile
	Skip      func(p string) bool // ignored, case clash, unreadable: not touched
	Now       time.Time
	LocalUser string // display name of this side (conflict copies of local edits in mirror mode)
}

// reconcile decides, without side effects, what to do with every path.
func reconcile(in planInput) *plan {
	st := &planState{planInput: in, plan: &plan{}, keptLocal: map[string]bool{}, keptRemote: map[string]bool{}}
	if st.Skip == nil {
		st.Skip = func(string) bool { return false }
	}
	all, same, goneLocal, remoteMoved := st.sidesOf()
	if in.Mode != ModeMirror && len(goneLocal) > 0 {
		st.localMoves(goneLocal)
	}
	if in.Mode != ModeBackup && remoteMoved {
		st.remoteMoves()
	}
	if st.owned { // moves re-keyed the maps
		all, same, _, _ = st.sidesOf()
	}
	// An unchanged file plans nothing, skipped or not: it only keeps its
	// folders on both sides.
	for _, p := range same {
		st.markKept(p)
	}
	slices.SortFunc(all, func(a, b sides) int { return strings.Compare(a.p, b.p) })
	var dirs []string
	for _, t := range all {
		if st.Skip(t.p) {
			st.markKept(t.p)
			continue
		}
		if (t.l != nil && t.l.Dir) || (t.l == nil && ((t.r != nil && t.r.Dir) || (t.r == nil && t.b != nil && t.b.Dir))) {
			dirs = append(dirs, t.p)
			continue
		}
		st.file(t.p, t.l, t.b, t.r)
	}
	// Deepest first, so a directory knows whether anything inside survives.
	sort.SliceStable(dirs, func(i, j int) bool { return strings.Count(dirs[i], "/") > strings.Count(dirs[j], "/") })
	for _, d := range dirs {
		st.dir(d)
	}
	st.finish()
	return st.plan
}

type planState struct {
	planInput
	owned      bool // the maps are copies (move detection re-keys paths)
	plan       *plan
	keptLocal  map[string]bool // directories with something inside after the plan (local)
	keptRemote map[string]bool
}

// own copies the input maps before the first re-key: the caller's maps are
// never changed, and a pass without moves copies nothing.
func (st *planState) own() {
	if !st.owned {
		st.Local, st.Base, st.Remote = copyMap(st.Local), copyMap(st.Base), copyMap(st.Remote)
		st.owned = true
	}
}

func copyMap[V any](m map[string]*V) map[string]*V {
	out := make(map[string]*V, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// sides is one path with what each side has there.
type sides struct {
	p string
	l *localFile
	b *FileRecord
	r *RemoteFile
}

// sidesOf lists every path with its three sides (unsorted), and on the way
// the base paths gone locally (candidates for a local move) and whether a
// drive entry of the base left its path (a drive move is possible). Most
// paths are on all three sides, so Local's are listed with their base and
// drive entry, and the base and the drive are walked again only when they
// hold paths Local has not: an unchanged rescan of 100,000 files costs two
// map lookups per path, the whole of the reconcile's lookups. Files
// unchanged on both sides (unchangedFile) go to same, not all: they need
// neither the sort nor a decision, which was most of a restart's reconcile.
func (st *planState) sidesOf() (all []sides, same []string, goneLocal []string, remoteMoved bool) {
	all = make([]sides, 0, len(st.Local)/16+len(st.Base)/16+len(st.Remote)/16)
	same = make([]string, 0, len(st.Local))
	baseSeen, remoteSeen := 0, 0
	for p, l := range st.Local {
		b, r := st.Base[p], st.Remote[p]
		if b != nil {
			baseSeen++
			remoteMoved = remoteMoved || (b.EntryID != "" && (r == nil || r.EntryID != b.EntryID))
		}
		if r != nil {
			remoteSeen++
		}
		if unchangedFile(l, b, r) {
			same = append(same, p)
			continue
		}
		all = append(all, sides{p, l, b, r})
	}
	if baseSeen < len(st.Base) {
		for p, b := range st.Base {
			if st.Local[p] != nil {
				continue
			}
			r := st.Remote[p]
			if r != nil {
				remoteSeen++
			}
			remoteMoved = remoteMoved || (b.EntryID != "" && (r == nil || r.EntryID != b.EntryID))
			goneLocal = append(goneLocal, p)
			all = append(all, sides{p, nil, b, r})
		}
	}
	if remoteSeen < len(st.Remote) {
		for p, r := range st.Remote {
			if st.Local[p] == nil && st.Base[p] == nil {
				all = append(all, sides{p, nil, nil, r})
			}
		}
	}
	return all, same, goneLocal, remoteMoved
}

// unchangedFile: a file whose local stat and content match its record and
// whose drive entry is the recorded entry at the recorded version, with the
// same content. file() plans nothing for it (not even a record) and only
// marks its folders kept, whatever the mode and whether it is skipped; the
// test keeps exactly file()'s conditions for that.
func unchangedFile(l *localFile, b *FileRecord, r *RemoteFile) bool {
	return l != nil && b != nil && r != nil && !l.Dir && !b.Dir && !r.Dir &&
		l.Hash == r.Hash && b.Hash == l.Hash && b.Version == r.Version && b.EntryID == r.EntryID &&
		b.Size == l.Size && b.MtimeNs == l.MtimeNs && b.CtimeNs == l.CtimeNs && b.Inode == l.Inode
}

func ancestors(p string, fn func(string)) {
	for d := parentOf(p); d != ""; d = parentOf(d) {
		fn(d)
	}
}

func (st *planState) markKept(p string)   { st.markLocal(p); st.markRemote(p) }
func (st *planState) markLocal(p string)  { markAncestors(st.keptLocal, p) }
func (st *planState) markRemote(p string) { markAncestors(st.keptRemote, p) }

// markAncestors marks every folder above p. A marked folder has all of its
// own ancestors marked already, so the walk up stops there: 100 files of one
// folder cost one walk, not 100.
func markAncestors(kept map[string]bool, p string) {
	for d := parentOf(p); d != "" && !kept[d]; d = parentOf(d) {
		kept[d] = true
	}
}

func (st *planState) add(list *[]action, a action) {
	a.Local, a.Base, a.Remote = st.Local[a.Path], st.Base[a.Path], st.Remote[a.Path]
	if a.From != "" {
		a.Base = st.Base[a.Path]
	}
	*list = append(*list, a)
}

// conflictName is "name (conflict USER YYYY-MM-DD HHMM).ext" next to p.
func conflictName(p, user string, now time.Time) string {
	dir, base := path.Split(p)
	ext := path.Ext(base)
	if ext == base { // ".bashrc": no extension
		ext = ""
	}
	stem := strings.TrimSuffix(base, ext)
	// The user is the last writer's display name as the server sent it: it
	// must not bring a separator (or "..") into the path.
	if user = labelForName(user); user == "" {
		user = "unknown"
	}
	return dir + fmt.Sprintf("%s (conflict %s %s)%s", stem, user, now.Format("2006-01-02 1504"), ext)
}

func (st *planState) remoteUser(r *RemoteFile) string {
	if r != nil && r.User != "" {
		return r.User
	}
	return "drive"
}

// file decides one file path.
func (st *planState) file(p string, l *localFile, b *FileRecord, r *RemoteFile) {
	if (l != nil && l.Dir) || (r != nil && r.Dir) {
		// A file on one side and a folder on the other: leave both alone.
		st.markKept(p)
		return
	}
	if l != nil && b != nil && l.Hash == "" && !l.Dir && !b.Dir && b.Hash != "" && l.Size == b.Size && sameChunks(l.Chunks, b.Chunks) {
		// A big file the scan did not hash whole (lateHashMin) whose chunks
		// are its base's, e.g. found at a new path by a move: the same
		// content, so the base's hash.
		l.Hash = b.Hash
	}
	lChanged := l != nil && (b == nil || b.Dir || l.Hash != b.Hash)
	rChanged := r != nil && (b == nil || r.EntryID != b.EntryID || (r.Version != b.Version && r.Hash != b.Hash))
	pl := st.plan
	switch {
	case l != nil && r != nil:
		st.markKept(p)
		switch {
		case l.Hash == r.Hash:
			if b == nil || b.Version != r.Version || b.EntryID != r.EntryID || b.Hash != l.Hash || b.Size != l.Size || b.MtimeNs != l.MtimeNs || b.CtimeNs != l.CtimeNs || b.Inode != l.Inode {
				st.add(&pl.Records, action{Kind: actRecord, Path: p})
			}
		case !lChanged && rChanged:
			if st.Mode != ModeBackup {
				st.add(&pl.Transfers, action{Kind: actDownload, Path: p})
			}
		case lChanged && !rChanged:
			if st.Mode == ModeMirror {
				st.keepLocal(p, l)
			} else {
				st.add(&pl.Transfers, action{Kind: actUpload, Path: p})
			}
		default: // both changed
			switch st.Mode {
			case ModeTwoWay:
				st.add(&pl.Transfers, action{Kind: actConflict, Path: p, ConflictPath: conflictName(p, st.remoteUser(r), st.Now)})
			case ModeBackup:
				st.add(&pl.Transfers, action{Kind: actUpload, Path: p})
			default:
				st.keepLocal(p, l)
			}
		}
	case l != nil: // not on the drive
		switch {
		case b == nil && st.Mode == ModeMirror:
			st.markLocal(p)
		case b == nil || st.Mode == ModeBackup || (lChanged && st.Mode == ModeTwoWay):
			st.markKept(p)
			st.add(&pl.Transfers, action{Kind: actUpload, Path: p})
		case lChanged: // mirror: keep the local edit as a local-only file
			st.markLocal(p)
			st.add(&pl.Records, action{Kind: actForget, Path: p})
		default:
			st.add(&pl.Deletes, action{Kind: actDeleteLocal, Path: p})
			pl.DeleteFiles++
		}
	case r != nil: // not local
		switch {
		case b == nil && st.Mode == ModeBackup:
			st.markRemote(p)
		case b == nil || st.Mode == ModeMirror || (rChanged && st.Mode == ModeTwoWay):
			st.markKept(p)
			st.add(&pl.Transfers, action{Kind: actDownload, Path: p})
		default:
			st.add(&pl.Deletes, action{Kind: actDeleteRemote, Path: p})
			pl.DeleteFiles++
		}
	case b != nil:
		st.add(&pl.Records, action{Kind: actForget, Path: p})
	}
}

// keepLocal (mirror mode): the unsynced local edit is renamed to a conflict
// copy that stays local, and the drive's version is downloaded.
func (st *planState) keepLocal(p string, l *localFile) {
	st.markKept(p)
	st.add(&st.plan.Transfers, action{Kind: actKeepLocal, Path: p, ConflictPath: conflictName(p, st.LocalUser, st.Now)})
}

// dir decides one directory, after everything inside it.
func (st *planState) dir(p string) {
	l, b, r := st.Local[p], st.Base[p], st.Remote[p]
	pl := st.plan
	switch {
	case l != nil && r != nil:
		st.markKept(p)
		if b == nil || b.EntryID != r.EntryID || b.Inode != l.Inode || !b.Dir {
			st.add(&pl.Records, action{Kind: actRecord, Path: p, Dir: true})
		}
	case l != nil:
		switch {
		case b == nil && st.Mode == ModeMirror:
			st.markLocal(p)
		case b == nil || st.Mode == ModeBackup || (st.Mode == ModeTwoWay && st.keptLocal[p]):
			st.markKept(p)
			st.add(&pl.Mkdirs, action{Kind: actMkdirRemote, Path: p, Dir: true})
		case st.keptLocal[p]: // mirror, something local-only inside
			st.markLocal(p)
			st.add(&pl.Records, action{Kind: actForget, Path: p, Dir: true})
		default:
			st.add(&pl.Deletes, action{Kind: actDeleteLocal, Path: p, Dir: true})
		}
	case r != nil:
		switch {
		case b == nil && st.Mode == ModeBackup:
			st.markRemote(p)
		case b == nil || st.Mode == ModeMirror || (st.Mode == ModeTwoWay && st.keptRemote[p]):
			st.markKept(p)
			st.add(&pl.Mkdirs, action{Kind: actMkdirLocal, Path: p, Dir: true})
		default:
			st.add(&pl.Deletes, action{Kind: actDeleteRemote, Path: p, Dir: true})
		}
	case b != nil:
		st.add(&pl.Records, action{Kind: actForget, Path: p, Dir: true})
	}
}

// finish orders the plan: mkdirs parent first; deletes files first, then
// directories deepest first; a deleted drive folder takes its contents to
// the trash with it, so their own deletes are dropped.
func (st *planState) finish() {
	pl := st.plan
	sort.SliceStable(pl.Mkdirs, func(i, j int) bool { return pl.Mkdirs[i].Path < pl.Mkdirs[j].Path })
	remoteDirGone := map[string]bool{}
	for _, a := range pl.Deletes {
		if a.Kind == actDeleteRemote && a.Dir {
			remoteDirGone[a.Path] = true
		}
	}
	var files, dirs []action
	for _, a := range pl.Deletes {
		if a.Kind == actDeleteRemote {
			covered := false
			ancestors(a.Path, func(d string) {
				if remoteDirGone[d] {
					covered = true
				}
			})
			if covered {
				a.Covered = true // the folder's trash takes it; only the base is dropped
			}
		}
		if a.Dir {
			dirs = append(dirs, a)
		} else {
			files = append(files, a)
		}
	}
	sort.SliceStable(dirs, func(i, j int) bool { return strings.Count(dirs[i].Path, "/") > strings.Count(dirs[j].Path, "/") })
	pl.Deletes = append(files, dirs...)
}

// rekey moves every path at or under from to the same place under to.
func rekey[V any](m map[string]*V, from, to string, set func(v *V, p string) *V) {
	for p, v := range m {
		if isUnder(p, from) {
			np := to + strings.TrimPrefix(p, from)
			delete(m, p)
			m[np] = set(v, np)
		}
	}
}

func rekeyBase(m map[string]*FileRecord, from, to string) {
	rekey(m, from, to, func(v *FileRecord, p string) *FileRecord { c := *v; c.Path = p; return &c })
}
func rekeyRemote(m map[string]*RemoteFile, from, to string) {
	rekey(m, from, to, func(v *RemoteFile, p string) *RemoteFile { c := *v; c.Path = p; return &c })
}
func rekeyLocal(m map[string]*localFile, from, to string) {
	rekey(m, from, to, func(v *localFile, p string) *localFile { c := *v; c.Path = p; return &c })
}

// localMoves finds local renames/moves of things the drive still has
// unchanged, and replays them as drive moves instead of delete + upload: by
// inode (the file ID on Windows), else for a file by its content, and for a
// directory by the content of its files (subtreeMatch: when no inode is
// known, or the move crossed file systems).
func (st *planState) localMoves(missing []string) {
	var gone []string // base paths missing locally whose drive entry is unchanged
	for _, p := range missing {
		if st.Skip(p) {
			continue
		}
		if b, r := st.Base[p], st.Remote[p]; r != nil && r.EntryID == b.EntryID && (b.Dir || r.Version == b.Version) {
			gone = append(gone, p)
		}
	}
	if len(gone) == 0 {
		return
	}
	byInode := map[uint64][]string{}
	byHash := map[string][]string{}
	for p, l := range st.Local {
		if st.Base[p] != nil || st.Remote[p] != nil || st.Skip(p) {
			continue
		}
		if l.Inode != 0 {
			byInode[l.Inode] = append(byInode[l.Inode], p)
		}
		if k := contentKey(l.Size, l.Hash, l.Chunks); !l.Dir && k != "" {
			byHash[k] = append(byHash[k], p)
		}
	}
	// Directories first, outermost first: their contents move with them.
	sort.Slice(gone, func(i, j int) bool {
		bi, bj := st.Base[gone[i]], st.Base[gone[j]]
		if bi.Dir != bj.Dir {
			return bi.Dir
		}
		return gone[i] < gone[j]
	})
	used := map[string]bool{}
	var dirMoves [][2]string // old → new path of the directories moved so far
	var votes *subtreeVotes
	for _, orig := range gone {
		// A path inside a directory moved above is looked at under its new
		// name: a folder renamed inside a renamed folder is a move too.
		from := orig
		for _, m := range dirMoves {
			if isUnder(from, m[0]) {
				from = m[1] + from[len(m[0]):]
			}
		}
		b := st.Base[from]
		if b == nil || st.Local[from] != nil { // moved back where it was, or there after all
			continue
		}
		to := ""
		if b.Inode != 0 {
			for _, c := range byInode[b.Inode] {
				if l := st.Local[c]; l != nil && l.Dir == b.Dir && !used[c] && st.Base[c] == nil && (b.Dir || l.Size == b.Size) {
					to = c
					break
				}
			}
		}
		if to == "" && !b.Dir {
			if cs := byHash[contentKey(b.Size, b.Hash, b.Chunks)]; len(cs) == 1 && !used[cs[0]] && st.Base[cs[0]] == nil {
				to = cs[0]
			}
		}
		if to == "" && b.Dir {
			if votes == nil {
				votes = st.voteSubtrees(gone, byHash)
			}
			if c := votes.best(orig); c != "" && !used[c] && st.Base[c] == nil {
				if l := st.Local[c]; l != nil && l.Dir {
					to = c
				}
			}
		}
		if to == "" || isUnder(to, from) {
			continue
		}
		used[to] = true
		st.plan.Moves = append(st.plan.Moves, action{Kind: actMoveRemote, Path: to, From: from, Dir: b.Dir, Base: b, Remote: st.Remote[from], Local: st.Local[to]})
		st.own()
		rekeyBase(st.Base, from, to)
		rekeyRemote(st.Remote, from, to)
		if b.Dir {
			dirMoves = append(dirMoves, [2]string{from, to})
		}
	}
}

// subtreeVotes pairs vanished directories with new ones by their files: a
// gone file whose name and content are now at a new path votes for the
// directories of the two paths, level by level from the bottom (d/x/f found
// at e/y/f: d/x → e/y and d → e), so a folder renamed inside a renamed
// folder is found as well.
type subtreeVotes struct {
	votes  map[[2]string]int
	files  map[string]int // gone directory → gone files under it
	chosen map[string]string
}

// maxCopies: content found at more new paths than this says nothing about
// where a folder went (empty files, templates copied around).
const maxCopies = 4

func (st *planState) voteSubtrees(gone []string, byHash map[string][]string) *subtreeVotes {
	v := &subtreeVotes{votes: map[[2]string]int{}, files: map[string]int{}}
	for _, p := range gone {
		b := st.Base[p]
		if b == nil || b.Dir {
			continue
		}
		ancestors(p, func(d string) { v.files[d]++ })
		cs := byHash[contentKey(b.Size, b.Hash, b.Chunks)]
		if len(cs) > maxCopies {
			continue
		}
		for _, c := range cs {
			if path.Base(c) != path.Base(p) {
				continue
			}
			for fp, cp := parentOf(p), parentOf(c); fp != "" && cp != "" && fp != cp; fp, cp = parentOf(fp), parentOf(cp) {
				v.votes[[2]string{fp, cp}]++
			}
		}
	}
	return v
}

// best is the new directory most of dir's files went to: at least half of
// them, and more than to any other.
func (v *subtreeVotes) best(dir string) string {
	if v.chosen == nil {
		v.chosen = map[string]string{}
		top := map[string]int{}
		tie := map[string]bool{}
		for k, n := range v.votes {
			switch {
			case n > top[k[0]]:
				top[k[0]], v.chosen[k[0]], tie[k[0]] = n, k[1], false
			case n == top[k[0]]:
				tie[k[0]] = true
			}
		}
		for d := range tie {
			if tie[d] || 2*top[d] < v.files[d] {
				delete(v.chosen, d)
			}
		}
	}
	return v.chosen[dir]
}

// remoteMoves finds drive renames/moves (same entry at a new path) of
// things unchanged locally, and replays them locally.
func (st *planState) remoteMoves() {
	byEntry := make(map[string]string, len(st.Remote))
	for p, r := range st.Remote {
		byEntry[r.EntryID] = p
	}
	var cands []string
	for p, b := range st.Base {
		if b.EntryID == "" || st.Skip(p) {
			continue
		}
		to, ok := byEntry[b.EntryID]
		if !ok || to == p || st.Base[to] != nil || st.Local[to] != nil || st.Skip(to) {
			continue
		}
		if r := st.Remote[p]; r != nil && r.EntryID == b.EntryID {
			continue
		}
		l := st.Local[p]
		if l == nil || l.Dir != b.Dir || (!b.Dir && l.Hash != b.Hash && (l.Hash != "" || contentKey(l.Size, "", l.Chunks) != contentKey(b.Size, "", b.Chunks))) {
			continue
		}
		cands = append(cands, p)
	}
	sort.Slice(cands, func(i, j int) bool {
		if di, dj := st.Base[cands[i]].Dir, st.Base[cands[j]].Dir; di != dj {
			return di
		}
		return cands[i] < cands[j]
	})
	for _, from := range cands {
		b := st.Base[from]
		if b == nil {
			continue // moved along with its directory
		}
		to := byEntry[b.EntryID]
		if st.Local[to] != nil || isUnder(to, from) {
			continue
		}
		st.plan.Moves = append(st.plan.Moves, action{Kind: actMoveLocal, Path: to, From: from, Dir: b.Dir, Base: b, Remote: st.Remote[to], Local: st.Local[from]})
		st.own()
		rekeyBase(st.Base, from, to)
		rekeyLocal(st.Local, from, to)
	}
}
