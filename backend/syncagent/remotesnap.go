package syncagent

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"
)

// A pair's drive tree is kept on disk between runs, with the change feed
// cursor it was read at, so a restart continues the feed from there (one
// call when nothing changed) instead of downloading the folder's full
// listing again: for 100,000 entries that listing was most of a restart's
// time (a recursive query on the server, tens of MB of JSON).
//
// Any saved tree is a valid starting point, however old: it holds what the
// drive held at its cursor (entries the engine recorded itself, from the
// server's answers, are later in the feed too, and their echo is dropped),
// and the feed since the cursor brings every change after it. A cursor the
// server no longer serves (trash purged since) answers 404/410 and the pair
// starts over from a full listing, as the watching feed always did. A
// restored tree is not "loaded" until one feed call has brought it up to
// date, so no pass runs on it before that.
//
// The file is written whole (a temp file, fsync, rename): a crash leaves
// the previous tree, never half of one. Format: a magic line, then
// uvarint-length strings and uvarints.

const remoteSnapMagic = "tack remote tree 1\n"

// remoteSnapPath is the file of a pair's saved drive tree.
func remoteSnapPath(dataDir, pairID string) string {
	return filepath.Join(dataDir, "sync", "remote-"+pairID+".tree")
}

// remoteSnapTemp is the pattern of a pair's temp files while it saves.
func remoteSnapTemp(pairID string) string { return ".remote-" + pairID + "-*.tmp" }

// encodeSnapshot writes the tree and the cursor it returns (nothing before
// the first listing).
func (t *remoteTree) encodeSnapshot(w io.Writer) (string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.loaded || t.cursor == "" {
		return "", errors.New("sync: remote tree not loaded")
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	var num [binary.MaxVarintLen64]byte
	putU := func(v uint64) { _, _ = bw.Write(binary.AppendUvarint(num[:0], v)) }
	putS := func(s string) { putU(uint64(len(s))); _, _ = bw.WriteString(s) }
	_, _ = bw.WriteString(remoteSnapMagic)
	putS(t.rootID)
	putS(t.cursor)
	// Parents before children, so a reader links each entry to its
	// parent's ID string (one string per ID, as the live tree has).
	written := make(map[string]bool, len(t.byID))
	var emit func(id string, e *remoteEntry)
	emit = func(id string, e *remoteEntry) {
		if written[id] {
			return
		}
		written[id] = true
		if p, ok := t.byID[e.ParentID]; ok {
			emit(e.ParentID, p)
		}
		flags := uint64(0)
		if e.Dir {
			flags = 1
		}
		putS(e.ID)
		putS(e.ParentID)
		putS(e.Name)
		putS(e.Hash)
		putS(e.User)
		putU(uint64(e.Size))
		putU(uint64(e.Version))
		putU(flags)
	}
	putU(uint64(len(t.byID)))
	for id, e := range t.byID {
		emit(id, e)
	}
	putU(uint64(len(t.refused)))
	for id, r := range t.refused {
		putS(id)
		putS(r.ParentID)
		putS(r.Name)
		putS(r.Problem)
	}
	return t.cursor, bw.Flush()
}

// decodeSnapshot replaces the tree with a saved one (cursor set, not
// loaded). It changes nothing when the data is not a tree of this folder.
func (t *remoteTree) decodeSnapshot(data []byte) error {
	bad := errors.New("sync: remote tree snapshot: corrupt")
	if !bytes.HasPrefix(data, []byte(remoteSnapMagic)) {
		return bad
	}
	d := data[len(remoteSnapMagic):]
	fail := false
	getU := func() uint64 {
		v, n := binary.Uvarint(d)
		if n <= 0 {
			fail = true
			return 0
		}
		d = d[n:]
		return v
	}
	getS := func() string {
		n := getU()
		if fail || n > uint64(len(d)) {
			fail = true
			return ""
		}
		s := string(d[:n])
		d = d[n:]
		return s
	}
	root, cursor := getS(), getS()
	if fail || cursor == "" {
		return bad
	}
	if root != t.rootID {
		return fmt.Errorf("sync: remote tree snapshot of folder %s, not %s", root, t.rootID)
	}
	n := getU()
	if fail || n > uint64(len(d)) {
		return bad
	}
	byID := make(map[string]*remoteEntry, n)
	kids := map[string]map[string]string{}
	users := map[string]string{}
	for range n {
		e := &remoteEntry{ID: getS(), ParentID: getS(), Name: getS(), Hash: getS(), User: getS()}
		e.Size, e.Version = int64(getU()), int64(getU())
		e.Dir = getU()&1 == 1
		if fail {
			return bad
		}
		if p, ok := byID[e.ParentID]; ok {
			e.ParentID = p.ID
		} else if e.ParentID == root {
			e.ParentID = t.rootID
		}
		if e.User != "" {
			if u, ok := users[e.User]; ok {
				e.User = u
			} else {
				users[e.User] = e.User
			}
		}
		byID[e.ID] = e
		k := kids[e.ParentID]
		if k == nil {
			k = map[string]string{}
			kids[e.ParentID] = k
		}
		k[e.Name] = e.ID
	}
	var refused map[string]refusedEntry
	if m := getU(); m > 0 && !fail {
		if m > uint64(len(d)) {
			return bad
		}
		refused = make(map[string]refusedEntry, m)
		for range m {
			id := getS()
			refused[id] = refusedEntry{ParentID: getS(), Name: getS(), Problem: getS()}
		}
	}
	if fail || len(d) != 0 {
		return bad
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.byID, t.kids, t.users, t.refused, t.cursor, t.loaded = byID, kids, users, refused, cursor, false
	return nil
}

// saveRemote writes the pair's drive tree to disk (see the top of the file).
func (r *pairRunner) saveRemote() error {
	path := remoteSnapPath(r.e.opts.DataDir, r.pair.ID)
	f, err := os.CreateTemp(filepath.Dir(path), remoteSnapTemp(r.pair.ID))
	if err != nil {
		return fmt.Errorf("sync: save remote tree: %w", err)
	}
	tmp := f.Name()
	cursor, err := r.tree.encodeSnapshot(f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("sync: save remote tree: %w", err)
	}
	r.mu.Lock()
	r.savedCursor = cursor
	r.mu.Unlock()
	return nil
}

// restoreRemote loads the saved drive tree, if there is a usable one, into
// a tree that has not read the feed yet; the feed then continues from its
// cursor.
func (r *pairRunner) restoreRemote() {
	if r.tree.Cursor() != "" || r.tree.Loaded() {
		return
	}
	// A save killed half way left its temp file: this pair saves nothing
	// before it has restored, so any temp file of its own is such a one.
	if old, _ := filepath.Glob(filepath.Join(r.e.opts.DataDir, "sync", remoteSnapTemp(r.pair.ID))); len(old) > 0 {
		for _, f := range old {
			_ = os.Remove(f)
		}
	}
	t0 := time.Now()
	data, err := os.ReadFile(remoteSnapPath(r.e.opts.DataDir, r.pair.ID))
	if err != nil {
		return // none yet: a full listing
	}
	if err := r.tree.decodeSnapshot(data); err != nil {
		slog.Warn("sync: saved remote tree not used", "pair", r.pair.ID, "err", err)
		return
	}
	if os.Getenv("SYNC_DEBUG") != "" {
		slog.Info("sync: remote tree restored", "pair", r.pair.ID, "bytes", len(data), "took", time.Since(t0))
	}
	r.mu.Lock()
	r.savedCursor = r.tree.Cursor()
	r.mu.Unlock()
}

// removeRemote forgets a pair's saved drive tree.
func removeRemote(dataDir, pairID string) {
	_ = os.Remove(remoteSnapPath(dataDir, pairID))
}
