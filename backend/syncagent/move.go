package syncagent

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// moveSources finds where the new entries of a pass over part of the folder
// came from, when that lies outside the part. A renamed folder reaches the
// engine as two paths, the old name and the new; when they arrive in
// different passes (debounced apart: the watch on the new folder is set up
// before it is reported, and Windows gives no inode to pair them later), the
// pass with the new name alone would upload the folder as new and the one
// with the old name delete it. So a base path outside the pass with the same
// identity (inode, file ID) as a new entry, or a file with the same content,
// that is gone from disk, is pulled into the pass: as its outermost vanished
// folder, so that the reconcile sees both sides and moves the folder whole.
func (r *pairRunner) moveSources(res *scanResult, base map[string]*FileRecord, region []string) []string {
	ids := map[uint64]bool{}
	hashes := map[string]bool{}
	for p, l := range res.Files {
		if base[p] != nil {
			continue
		}
		if l.Inode != 0 {
			ids[l.Inode] = true
		}
		if k := contentKey(l.Size, l.Hash, l.Chunks); !l.Dir && l.Size > 0 && k != "" { // empty files say nothing
			hashes[k] = true
		}
	}
	if len(ids) == 0 && len(hashes) == 0 {
		return nil
	}
	in := newRegion(region)
	var cands []string
	r.mu.Lock()
	for p, b := range r.base {
		if (b.Inode != 0 && ids[b.Inode]) || (!b.Dir && b.Size > 0 && hashes[contentKey(b.Size, b.Hash, b.Chunks)]) {
			if !in.covers(p) {
				cands = append(cands, p)
			}
		}
	}
	r.mu.Unlock()
	if len(cands) == 0 {
		return nil
	}
	gone := map[string]bool{} // path → vanished from disk (memo of lstats)
	isGone := func(p string) bool {
		g, ok := gone[p]
		if !ok {
			_, err := os.Lstat(filepath.Join(r.pair.LocalPath, filepath.FromSlash(p)))
			g = errors.Is(err, fs.ErrNotExist)
			gone[p] = g
		}
		return g
	}
	var out []string
	for _, p := range cands {
		if !isGone(p) {
			continue // a copy, not a move
		}
		top := p
		for d := parentOf(top); d != "" && !in.covers(d); d = parentOf(d) {
			if b := r.getBase(d); b == nil || !b.Dir || !isGone(d) {
				break
			}
			top = d
		}
		out = append(out, top)
	}
	return minimalSubtrees(out)
}

// add merges the scan of more subtrees into r.
func (r *scanResult) add(o *scanResult) {
	for p, l := range o.Files {
		r.Files[p] = l
	}
	for p, why := range o.Skip {
		r.Skip[p] = why
	}
	r.Temps = append(r.Temps, o.Temps...)
	r.Hashed += o.Hashed
	r.Subtrees = minimalSubtrees(append(r.Subtrees, o.Subtrees...))
	r.region = nil
}
