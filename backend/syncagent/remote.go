package syncagent

import (
	"strings"
	gosync "sync"

	"golang.org/x/text/unicode/norm"
)

// RemoteFile is an entry of the drive folder at a path relative to the pair.
type RemoteFile struct {
	Path     string
	EntryID  string
	ParentID string
	Dir      bool
	Size     int64
	Hash     string
	Version  int64
	User     string // last writer's display name, when known
}

// remoteTree mirrors a pair's drive folder from the change feed of that
// folder (a server without folder feeds sends its whole space: the tree
// then answers what lies under the pair's folder). Paths are derived from
// parent links, so a moved folder moves its whole subtree at once.
type remoteTree struct {
	mu     gosync.Mutex
	rootID string
	byID   map[string]*remoteEntry
	users  map[string]string            // interned display names
	kids   map[string]map[string]string // parent ID → NFC name → child ID
	cursor string
	loaded bool
	// refused: entries whose name breaks the name rules (names.go), by ID.
	refused map[string]refusedEntry
}

// newRemoteTree returns an empty tree for the folder rootID.
func newRemoteTree(rootID string) *remoteTree {
	return &remoteTree{rootID: rootID, byID: map[string]*remoteEntry{}, kids: map[string]map[string]string{}, users: map[string]string{}}
}

// Cursor is where to continue the change feed ("" before the first listing).
func (t *remoteTree) Cursor() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.cursor
}

// Reset forgets everything; the next read of the feed is a full listing.
func (t *remoteTree) Reset() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.byID, t.kids, t.cursor, t.loaded = map[string]*remoteEntry{}, map[string]map[string]string{}, "", false
	t.refused = nil
}

// Loaded reports whether the full listing has been applied.
func (t *remoteTree) Loaded() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.loaded
}

// touch is a pair-relative path a feed page changed, with the entry as the
// page left it (Deleted: it is gone from that path).
type touch struct {
	Path    string
	EntryID string
	Version int64
	Deleted bool
}

// Apply applies a feed page and returns the paths it touched (before and
// after a move), so the engine can rescan exactly those.
func (t *remoteTree) Apply(p ChangePage) []touch {
	t.mu.Lock()
	defer t.mu.Unlock()
	var touched []touch
	for _, c := range p.Items {
		if t.sameLocked(c.Entry) {
			// The echo of a change this engine made itself (Put after an
			// upload, mkdir or move): the tree and the base already hold it.
			// Reporting it would rescan every uploaded path once more (a full
			// pass after a big backup), and replacing the entry would swap
			// its strings for freshly decoded copies of the same bytes.
			continue
		}
		if old, ok := t.byID[c.Entry.ID]; ok {
			if rel, ok := t.pathLocked(old.ID); ok {
				touched = append(touched, touch{Path: rel, EntryID: old.ID, Version: c.Entry.Version, Deleted: true})
			}
		}
		if c.Entry.Deleted {
			// With everything below it: a folder moved out of a followed
			// subtree is reported alone, its contents never.
			t.removeTreeLocked(c.Entry.ID)
			continue
		}
		t.setLocked(c.Entry)
		if rel, ok := t.pathLocked(c.Entry.ID); ok {
			touched = append(touched, touch{Path: rel, EntryID: c.Entry.ID, Version: c.Entry.Version})
		}
	}
	if p.NextCursor != "" {
		t.cursor = p.NextCursor
	}
	t.loaded = true
	return touched
}

// sameLocked reports whether e is exactly what the tree holds for its ID.
func (t *remoteTree) sameLocked(e Entry) bool {
	old, ok := t.byID[e.ID]
	if !ok || e.Deleted {
		return false
	}
	return old.Version == e.Version && old.ParentID == e.ParentID && old.Name == norm.NFC.String(e.Name) &&
		old.Hash == e.Hash && old.Size == e.Size && old.Dir == e.IsDir()
}

// Put records an entry the engine itself just created or changed, so the
// rest of the pass sees it before the feed echoes it.
func (t *remoteTree) Put(e Entry) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if e.Deleted {
		t.removeLocked(e.ID)
		return
	}
	if old, ok := t.byID[e.ID]; ok && old.Version > e.Version {
		return
	}
	t.setLocked(e)
}

// Remove forgets an entry the engine deleted.
func (t *remoteTree) Remove(id string) {
	t.mu.Lock()
	t.removeLocked(id)
	t.mu.Unlock()
}

// remoteEntry is the part of an Entry the tree keeps: 100,000 of them must
// stay small (no times, shared parent IDs and user names).
type remoteEntry struct {
	ID, ParentID, Name, Hash, User string
	Size, Version                  int64
	Dir                            bool
}

func (e *remoteEntry) file(p string) *RemoteFile {
	return &RemoteFile{Path: p, EntryID: e.ID, ParentID: e.ParentID, Dir: e.Dir, Size: e.Size, Hash: e.Hash, Version: e.Version, User: e.User}
}

func (t *remoteTree) setLocked(e Entry) {
	t.removeLocked(e.ID)
	if t.refuseLocked(e) {
		return // never part of a path: not it, nothing under it
	}
	re := &remoteEntry{ID: e.ID, ParentID: e.ParentID, Name: norm.NFC.String(e.Name), Hash: e.Hash, Size: e.Size, Version: e.Version, Dir: e.IsDir()}
	if par, ok := t.byID[e.ParentID]; ok {
		re.ParentID = par.ID
	} else if e.ParentID == t.rootID {
		re.ParentID = t.rootID
	}
	if e.ModifiedByName != "" {
		u, ok := t.users[e.ModifiedByName]
		if !ok {
			u = e.ModifiedByName
			t.users[u] = u
		}
		re.User = u
	}
	t.byID[e.ID] = re
	k := t.kids[re.ParentID]
	if k == nil {
		k = map[string]string{}
		t.kids[re.ParentID] = k
	}
	k[re.Name] = re.ID
}

func (t *remoteTree) removeLocked(id string) {
	delete(t.refused, id)
	old, ok := t.byID[id]
	if !ok {
		return
	}
	delete(t.byID, id)
	if k := t.kids[old.ParentID]; k != nil && k[old.Name] == id {
		delete(k, old.Name)
		if len(k) == 0 {
			delete(t.kids, old.ParentID)
		}
	}
}

// removeTreeLocked removes an entry and everything below it.
func (t *remoteTree) removeTreeLocked(id string) {
	for _, kid := range t.kids[id] {
		t.removeTreeLocked(kid)
	}
	t.removeLocked(id)
}

// Lookup returns the entry at the pair-relative path p, or nil.
func (t *remoteTree) Lookup(p string) *RemoteFile {
	t.mu.Lock()
	defer t.mu.Unlock()
	id, ok := t.lookupLocked(p)
	if !ok {
		return nil
	}
	return t.byID[id].file(p)
}

// pathLocked walks parent links up to the pair root; ok is false for entries
// outside the pair folder (and for the root itself).
func (t *remoteTree) pathLocked(id string) (string, bool) {
	var parts []string
	for i := 0; i < 256; i++ {
		if id == t.rootID {
			if len(parts) == 0 {
				return "", false
			}
			p := parts[len(parts)-1]
			for j := len(parts) - 2; j >= 0; j-- {
				p += "/" + parts[j]
			}
			return p, true
		}
		e, ok := t.byID[id]
		if !ok {
			return "", false
		}
		parts = append(parts, e.Name)
		id = e.ParentID
	}
	return "", false
}

// SnapshotUnder returns the entries at or under the given subtrees ("" =
// everything), keyed by path; a full snapshot shares base's path strings.
func (t *remoteTree) SnapshotUnder(subtrees []string, base map[string]*FileRecord) map[string]*RemoteFile {
	for _, s := range subtrees {
		if s == "" {
			return t.snapshotSharing(base)
		}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	out := map[string]*RemoteFile{}
	var walk func(id, p string)
	walk = func(id, p string) {
		e := t.byID[id]
		out[p] = e.file(p)
		if e.Dir {
			for name, cid := range t.kids[id] {
				walk(cid, p+"/"+name)
			}
		}
	}
	for _, s := range subtrees {
		id, ok := t.lookupLocked(s)
		if ok {
			walk(id, s)
		}
	}
	return out
}

func (t *remoteTree) lookupLocked(p string) (string, bool) {
	id := t.rootID
	for _, part := range strings.Split(p, "/") {
		cid, ok := t.kids[id][part]
		if !ok {
			return "", false
		}
		id = cid
	}
	return id, true
}

// Snapshot returns every entry under the pair folder, keyed by path.
func (t *remoteTree) Snapshot() map[string]*RemoteFile { return t.snapshotSharing(nil) }

// snapshotSharing is Snapshot, with each path string taken from base where
// base has that path: a pass over an unchanged 100,000-file pair then builds
// no new path strings (and the reconcile compares keys that are one string).
// Only folders' paths are memoized: a file's is its folder's plus its name.
func (t *remoteTree) snapshotSharing(base map[string]*FileRecord) map[string]*RemoteFile {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make(map[string]*RemoteFile, len(t.byID))
	memo := map[string]string{t.rootID: ""}
	var buf []byte
	var pathOf func(id string, depth int) (string, bool)
	pathOf = func(id string, depth int) (string, bool) {
		if p, ok := memo[id]; ok {
			return p, true
		}
		e, ok := t.byID[id]
		if !ok || depth > 256 {
			return "", false
		}
		pp, ok := pathOf(e.ParentID, depth+1)
		if !ok {
			return "", false
		}
		var p string
		if pp == "" {
			p = e.Name
		} else {
			buf = append(append(append(buf[:0], pp...), '/'), e.Name...)
			if b := base[string(buf)]; b != nil { // no allocation for the lookup
				p = b.Path
			} else {
				p = string(buf)
			}
		}
		if e.Dir {
			memo[id] = p
		}
		return p, true
	}
	// One allocation for every entry's copy, not one each: the snapshot is
	// garbage as a whole once the pass has its plan.
	files := make([]RemoteFile, 0, len(t.byID))
	for id, e := range t.byID {
		p, ok := pathOf(id, 0)
		if !ok || p == "" {
			continue
		}
		files = append(files, RemoteFile{Path: p, EntryID: e.ID, ParentID: e.ParentID, Dir: e.Dir, Size: e.Size, Hash: e.Hash, Version: e.Version, User: e.User})
		out[p] = &files[len(files)-1]
	}
	return out
}
