package drive

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"tack/backend/store"
)

// Following one folder (the change feed with under=<folder ID>).
//
// A sync pair keeps one drive folder in step, however big its space: the
// feed it reads lists only that folder's subtree and reports only changes
// inside it, so the agent's start-up time and memory grow with the folder,
// not with the space. Who: a reader of the folder (a share on it is
// enough; the space root need not be readable); anyone else is told the
// folder does not exist. Paths are relative to the folder, so nothing
// above it is named.
//
// Entries moving in and out of the folder within the space are reported as
// the follower sees them: an entry moved in arrives with everything below
// it (a folder's contents did not change, so they are not in the feed by
// themselves); an entry moved out is deleted, reported by ID only (where
// it went is none of the follower's business). For this every move within
// a space records the old folder's chain of ancestors (drive_moves), kept
// as long as the departures of moves to other spaces (PruneDepartures).

// movesMigration creates the record of moves within a space.
var movesMigration = store.Migration{ID: "drive-0004-moves", SQL: `
CREATE TABLE drive_moves (
	space_id TEXT NOT NULL,
	seq BIGINT NOT NULL,
	entry_id TEXT NOT NULL,
	from_chain TEXT NOT NULL,
	created_at TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (space_id, seq, entry_id)
);
CREATE INDEX drive_moves_created ON drive_moves (created_at)`}

// moveRow records an entry moved to another folder of its space at Seq:
// FromChain is its old folder and that folder's ancestors up to the space
// root, nearest first, separated by "/".
type moveRow struct {
	SpaceID   string `gorm:"primaryKey"`
	Seq       int64  `gorm:"primaryKey"`
	EntryID   string `gorm:"primaryKey"`
	FromChain string
	CreatedAt time.Time
}

func (moveRow) TableName() string { return "drive_moves" }

// recordMove notes that e (as it was before the move) moved at seq.
func (st dbx) recordMove(e *Entry, seq int64, now time.Time) error {
	chain, err := st.ancestry(e)
	if err != nil {
		return err
	}
	ids := make([]string, 0, len(chain)-1)
	for _, x := range chain[1:] {
		ids = append(ids, x.ID)
	}
	row := moveRow{SpaceID: e.SpaceID, Seq: seq, EntryID: e.ID, FromChain: strings.Join(ids, "/"), CreatedAt: now}
	return wrap("record move", st.db.Create(&row).Error)
}

// movesSince returns the moves of a space after seq, in seq order: limit
// rows, then the rest of the last seq (as changedSince).
func (st dbx) movesSince(spaceID string, seq int64, limit int) ([]moveRow, error) {
	var out []moveRow
	if err := st.db.Where("space_id = ? AND seq > ?", spaceID, seq).Order("seq, entry_id").Limit(limit).Find(&out).Error; err != nil {
		return nil, wrap("moves", err)
	}
	if len(out) == limit {
		last := out[len(out)-1]
		var rest []moveRow
		if err := st.db.Where("space_id = ? AND seq = ? AND entry_id > ?", spaceID, last.Seq, last.EntryID).Order("entry_id").Find(&rest).Error; err != nil {
			return nil, wrap("moves", err)
		}
		out = append(out, rest...)
	}
	return out, nil
}

// liveUnder returns every live entry below folderID (not the folder
// itself), walking parent links in the database: the cost is the
// subtree's, not the space's.
func (st dbx) liveUnder(spaceID, folderID string) ([]Entry, error) {
	var out []Entry
	// Only parent_id in the walk: a condition on space_id lets the planner
	// pick the (space_id, seq) index and read the whole space at each level.
	// Children are in their folder's space; the rows are checked below.
	// UNION, not UNION ALL: it stops at rows already found, so even a
	// damaged tree with a cycle cannot make the query run forever.
	err := st.db.Raw(`WITH RECURSIVE sub(id) AS (
	SELECT id FROM drive_entries WHERE parent_id = ? AND deleted = ?
	UNION
	SELECT e.id FROM drive_entries e JOIN sub ON e.parent_id = sub.id WHERE e.deleted = ?
)
SELECT e.* FROM sub JOIN drive_entries e ON e.id = sub.id ORDER BY e.id`, folderID, false, false).Scan(&out).Error
	if err != nil {
		return nil, wrap("list folder", err)
	}
	kept := out[:0]
	for i := range out {
		if out[i].SpaceID == spaceID {
			out[i].normalize()
			kept = append(kept, out[i])
		}
	}
	return kept, nil
}

// folderRows loads the id, parent and name of entries by ID.
func (st dbx) folderRows(ids []string) ([]folderRow, error) {
	var out []folderRow
	for i := 0; i < len(ids); i += 500 {
		var part []folderRow
		if err := st.db.Model(&Entry{}).Select("id, parent_id, name").Where("id IN ?", ids[i:min(i+500, len(ids))]).Scan(&part).Error; err != nil {
			return nil, wrap("load folders", err)
		}
		out = append(out, part...)
	}
	return out, nil
}

// subtreeTree answers whether entries lie below the followed folder, from
// the folders it has loaded: only the ancestors of what a page names, a
// level at a time, never the space's whole folder list.
type subtreeTree struct {
	st      dbx
	root    string               // the space root
	sub     string               // the followed folder
	folders map[string]folderRow // loaded folders (and the followed one's ancestry)
	absent  map[string]bool      // IDs that are no entry (purged)
}

func newSubtreeTree(st dbx, spaceRoot string, sub *Entry) *subtreeTree {
	t := &subtreeTree{st: st, root: spaceRoot, sub: sub.ID, folders: map[string]folderRow{}, absent: map[string]bool{}}
	t.folders[sub.ID] = folderRow{ID: sub.ID, ParentID: sub.ParentID, Name: sub.Name}
	return t
}

// resolve loads the folders above the given IDs up to the followed folder
// or the space root.
func (t *subtreeTree) resolve(ids []string) error {
	need := ids
	for round := 0; len(need) > 0 && round < 256; round++ {
		var missing []string
		seen := map[string]bool{}
		for _, id := range need {
			for i := 0; id != "" && id != t.root && id != t.sub && i < 256; i++ {
				f, ok := t.folders[id]
				if !ok {
					if !seen[id] && !t.absent[id] {
						seen[id] = true
						missing = append(missing, id)
					}
					break
				}
				id = f.ParentID
			}
		}
		if len(missing) == 0 {
			return nil
		}
		rows, err := t.st.folderRows(missing)
		if err != nil {
			return err
		}
		for _, r := range rows {
			t.folders[r.ID] = r
			delete(seen, r.ID)
		}
		for id := range seen {
			t.absent[id] = true
		}
		need = missing
	}
	return nil
}

// below reports whether the entry whose folder is parentID lies below the
// followed folder.
func (t *subtreeTree) below(parentID string) bool {
	id := parentID
	for i := 0; id != "" && i < 256; i++ {
		if id == t.sub {
			return true
		}
		if id == t.root {
			return false
		}
		f, ok := t.folders[id]
		if !ok {
			return false
		}
		id = f.ParentID
	}
	return false
}

// paths names entries relative to the followed folder.
func (t *subtreeTree) paths() pathIndex {
	return pathIndex{root: t.sub, folders: t.folders}
}

// subtreeListing is the full listing of the followed folder.
func (s *Service) subtreeListing(ctx context.Context, sp *Space, sub *Entry) (ChangePage, error) {
	st := s.read(ctx)
	// The sequence is read before the entries, as in listing.
	cur, err := st.space(sp.ID)
	if err != nil {
		return ChangePage{}, err
	}
	items, err := st.liveUnder(sp.ID, sub.ID)
	if err != nil {
		return ChangePage{}, err
	}
	t := newSubtreeTree(st, sp.RootID, sub)
	for _, e := range items {
		if e.IsDir() {
			t.folders[e.ID] = folderRow{ID: e.ID, ParentID: e.ParentID, Name: e.Name}
		}
	}
	paths := t.paths()
	out := ChangePage{Items: make([]Change, len(items)), NextCursor: strconv.FormatInt(cur.ChangeSeq, 10)}
	for i, e := range items {
		out.Items[i] = Change{Seq: cur.ChangeSeq, Entry: e, Path: paths.of(&e)}
	}
	return out, nil
}

// subtreeChangesAfter is changesAfter for the followed folder: the space's
// changes after from, those below the folder, plus what moved in (with its
// contents) and out (by ID) and what left the space from below it.
func (s *Service) subtreeChangesAfter(ctx context.Context, sp *Space, sub *Entry, from int64) (ChangePage, error) {
	st := s.read(ctx)
	items, err := st.changedSince(sp.ID, sp.RootID, from, feedPage)
	if err != nil {
		return ChangePage{}, err
	}
	gone, err := st.departuresSince(sp.ID, from, feedPage)
	if err != nil {
		return ChangePage{}, err
	}
	moves, err := st.movesSince(sp.ID, from, feedPage)
	if err != nil {
		return ChangePage{}, err
	}
	upTo := pageEnd(sp.ChangeSeq, items, func(e Entry) int64 { return e.Seq })
	upTo = pageEnd(upTo, gone, func(d Departure) int64 { return d.Seq })
	upTo = pageEnd(upTo, moves, func(m moveRow) int64 { return m.Seq })
	t := newSubtreeTree(st, sp.RootID, sub)
	// Where the moved entries are now (the page may not hold them: changed
	// again after upTo).
	now := map[string]*Entry{}
	var load []string
	for i := range items {
		now[items[i].ID] = &items[i]
	}
	for _, m := range moves {
		if now[m.EntryID] == nil {
			load = append(load, m.EntryID)
		}
	}
	if len(load) > 0 {
		more, err := st.entriesByID(load)
		if err != nil {
			return ChangePage{}, err
		}
		for id, e := range more {
			now[id] = e
		}
	}
	departed := make(map[string]Departure, len(gone))
	for _, d := range gone {
		departed[d.EntryID] = d
	}
	// The folders the page's entries hang from.
	var parents []string
	for _, e := range now {
		parents = append(parents, e.ParentID)
	}
	for _, d := range gone {
		if _, ok := departed[d.ParentID]; !ok {
			parents = append(parents, d.ParentID)
		}
	}
	if err := t.resolve(parents); err != nil {
		return ChangePage{}, err
	}
	out := ChangePage{Items: []Change{}, NextCursor: strconv.FormatInt(upTo, 10)}
	// Markers name only the entry: where it went is not the follower's to see.
	marker := func(id, kind string, version, seq int64) {
		out.Items = append(out.Items, Change{Seq: seq, Entry: Entry{ID: id, SpaceID: sp.ID, Kind: kind, Version: version, Deleted: true}})
	}
	for _, d := range gone {
		if d.Seq > upTo {
			continue
		}
		// Up through what left with it, to the folder it left from.
		p := d.ParentID
		for i := 0; i < 256 && p != sub.ID; i++ {
			up, ok := departed[p]
			if !ok {
				break
			}
			p = up.ParentID
		}
		if t.below(p) {
			marker(d.EntryID, d.Kind, d.Version, d.Seq)
		}
	}
	var movedIn []*Entry
	movedInSeq := map[string]int64{}
	for _, m := range moves {
		if m.Seq > upTo {
			continue
		}
		e := now[m.EntryID]
		isIn := e != nil && e.SpaceID == sp.ID && e.ID != sub.ID && t.below(e.ParentID)
		wasIn := slices.Contains(strings.Split(m.FromChain, "/"), sub.ID)
		switch {
		case wasIn && !isIn && e != nil:
			marker(e.ID, e.Kind, e.Version, m.Seq)
		case !wasIn && isIn && !e.Deleted:
			movedIn = append(movedIn, e)
			movedInSeq[e.ID] = m.Seq
		}
	}
	sent := map[string]int64{}
	for _, e := range movedIn {
		// The entry and all below it, parents first.
		sub2 := []Entry{*e}
		if e.IsDir() {
			below, err := st.liveUnder(sp.ID, e.ID)
			if err != nil {
				return ChangePage{}, err
			}
			sub2 = append(sub2, parentsFirst(e.ID, below)...)
		}
		for _, x := range sub2 {
			if x.IsDir() {
				t.folders[x.ID] = folderRow{ID: x.ID, ParentID: x.ParentID, Name: x.Name}
			}
		}
		for _, x := range sub2 {
			out.Items = append(out.Items, Change{Seq: movedInSeq[e.ID], Entry: x})
			sent[x.ID] = x.Version
		}
	}
	for _, e := range items {
		if v, ok := sent[e.ID]; ok && v == e.Version {
			continue // sent with what moved in, in this very state
		}
		if e.Seq <= upTo && t.below(e.ParentID) {
			out.Items = append(out.Items, Change{Seq: e.Seq, Entry: e})
		}
	}
	paths := t.paths()
	for i := range out.Items {
		if !out.Items[i].Entry.Deleted || out.Items[i].Entry.ParentID != "" {
			out.Items[i].Path = paths.of(&out.Items[i].Entry)
		}
	}
	slices.SortStableFunc(out.Items, func(a, b Change) int { return cmp.Compare(a.Seq, b.Seq) })
	return out, nil
}

// parentsFirst orders the entries below top so that every folder comes
// before what it holds.
func parentsFirst(top string, entries []Entry) []Entry {
	kids := map[string][]int{}
	for i, e := range entries {
		kids[e.ParentID] = append(kids[e.ParentID], i)
	}
	out := make([]Entry, 0, len(entries))
	queue := []string{top}
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		for _, i := range kids[id] {
			out = append(out, entries[i])
			if entries[i].IsDir() {
				queue = append(queue, entries[i].ID)
			}
		}
	}
	return out
}

// followed checks that the caller may follow the folder under in the space:
// a live folder of that space they can read. Otherwise it does not exist
// for them.
func (s *Service) followed(ctx context.Context, w who, spaceID, under string) (Space, *Entry, error) {
	st := s.read(ctx)
	sub, err := s.needFolder(ctx, st, w, under, RoleViewer)
	if err != nil {
		if errors.Is(err, ErrNotFolder) { // a file: there is no such folder to follow
			return Space{}, nil, ErrNotFound
		}
		return Space{}, nil, err
	}
	if sub.SpaceID != spaceID {
		return Space{}, nil, ErrNotFound
	}
	sp, err := st.space(spaceID)
	if err != nil {
		return Space{}, nil, err
	}
	return *sp, sub, nil
}

// oldMoves returns, per space, the newest seq of moves recorded before
// cutoff (pruned with the departures).
func (st dbx) oldMoves(cutoff time.Time) (map[string]int64, error) {
	var rows []struct {
		SpaceID string
		Seq     int64
	}
	err := st.db.Model(&moveRow{}).Select("space_id, MAX(seq) AS seq").Where("created_at < ?", cutoff).Group("space_id").Scan(&rows).Error
	if err != nil {
		return nil, wrap("old moves", err)
	}
	out := make(map[string]int64, len(rows))
	for _, r := range rows {
		out[r.SpaceID] = r.Seq
	}
	return out, nil
}

func (st dbx) deleteMoves(spaceID string, upTo int64) error {
	return wrap("delete moves", st.db.Where("space_id = ? AND seq <= ?", spaceID, upTo).Delete(&moveRow{}).Error)
}
