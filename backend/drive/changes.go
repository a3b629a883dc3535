package drive

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"tack/backend/identity"
)

// feedPage bounds an incremental page of the change feed.
const feedPage = 1000

// Changes reads a space's change feed (readers of the space root).
//
// cursor "" is a full listing: every live entry but the root, and a cursor
// to continue from. Otherwise the entries changed since the cursor, in
// order, each in its current state (trashed ones with deleted=true, and
// those moved to another space as they were here, deleted=true). When
// nothing changed, the call waits up to wait for a change. A cursor older
// than a purge of the trash is drive.cursor_expired (404: start over).
func (s *Service) Changes(ctx context.Context, a identity.Actor, spaceID, cursor string, wait time.Duration) (ChangePage, error) {
	return s.ChangesUnder(ctx, a, spaceID, "", cursor, wait)
}

// ChangesUnder is Changes limited to the subtree of the folder under
// (readers of that folder; "" = the whole space): see subtree.go.
func (s *Service) ChangesUnder(ctx context.Context, a identity.Actor, spaceID, under, cursor string, wait time.Duration) (ChangePage, error) {
	w, err := s.who(ctx, a)
	if err != nil {
		return ChangePage{}, err
	}
	var (
		sp  Space
		sub *Entry
	)
	if under == "" {
		sp, err = s.spaceFor(ctx, s.read(ctx), w, spaceID, RoleViewer)
	} else {
		sp, sub, err = s.followed(ctx, w, spaceID, under)
	}
	if err != nil {
		return ChangePage{}, err
	}
	if cursor == "" {
		if sub != nil {
			return s.subtreeListing(ctx, &sp, sub)
		}
		return s.listing(ctx, &sp)
	}
	from, err := strconv.ParseInt(cursor, 10, 64)
	if err != nil || from < 0 {
		return ChangePage{}, ErrBadCursor
	}
	deadline := time.Now().Add(wait)
	for {
		woken := s.feed.wait() // before reading: a commit after the read still wakes us
		cur, err := s.read(ctx).space(spaceID)
		if err != nil {
			return ChangePage{}, err
		}
		if from > cur.ChangeSeq {
			return ChangePage{}, ErrBadCursor
		}
		if from < cur.PurgedSeq {
			return ChangePage{}, ErrCursorExpired
		}
		if from < cur.ChangeSeq {
			if sub == nil {
				return s.changesAfter(ctx, cur, from)
			}
			page, err := s.subtreeChangesAfter(ctx, cur, sub, from)
			if err != nil || len(page.Items) > 0 {
				return page, err
			}
			// Nothing of the folder's: wait on from the new cursor.
			if from, err = strconv.ParseInt(page.NextCursor, 10, 64); err != nil {
				return ChangePage{}, err
			}
			cursor = page.NextCursor
			continue
		}
		left := time.Until(deadline)
		if left <= 0 {
			return ChangePage{Items: []Change{}, NextCursor: cursor}, nil
		}
		t := time.NewTimer(min(left, s.cfg.FeedPoll))
		select {
		case <-ctx.Done():
			t.Stop()
			return ChangePage{}, ctx.Err()
		case <-woken:
		case <-t.C:
		}
		t.Stop()
	}
}

func (s *Service) listing(ctx context.Context, sp *Space) (ChangePage, error) {
	st := s.read(ctx)
	// The sequence is read before the entries: a change committing in
	// between is listed and then repeated by the feed, never lost.
	cur, err := st.space(sp.ID)
	if err != nil {
		return ChangePage{}, err
	}
	items, err := st.liveInSpace(sp.ID, sp.RootID)
	if err != nil {
		return ChangePage{}, err
	}
	paths, err := s.paths(st, sp)
	if err != nil {
		return ChangePage{}, err
	}
	out := ChangePage{Items: make([]Change, len(items)), NextCursor: strconv.FormatInt(cur.ChangeSeq, 10)}
	for i, e := range items {
		out.Items[i] = Change{Seq: cur.ChangeSeq, Entry: e, Path: paths.of(&e)}
	}
	return out, nil
}

func (s *Service) changesAfter(ctx context.Context, sp *Space, from int64) (ChangePage, error) {
	st := s.read(ctx)
	items, err := st.changedSince(sp.ID, sp.RootID, from, feedPage)
	if err != nil {
		return ChangePage{}, err
	}
	gone, err := st.departuresSince(sp.ID, from, feedPage)
	if err != nil {
		return ChangePage{}, err
	}
	// Everything up to the sequence read before the queries has committed
	// (writers of a space commit in sequence order); a full page of either
	// kind ends the page at its last sequence, whole.
	upTo := pageEnd(sp.ChangeSeq, items, func(e Entry) int64 { return e.Seq })
	upTo = pageEnd(upTo, gone, func(d Departure) int64 { return d.Seq })
	paths, err := s.paths(st, sp)
	if err != nil {
		return ChangePage{}, err
	}
	out := ChangePage{Items: make([]Change, 0, len(items)+len(gone)), NextCursor: strconv.FormatInt(upTo, 10)}
	for _, d := range gone {
		if d.Seq <= upTo {
			// Gone from this space (moved to another): deleted, as it was here.
			e := Entry{ID: d.EntryID, SpaceID: sp.ID, ParentID: d.ParentID, Kind: d.Kind, Name: d.Name, Version: d.Version, Deleted: true}
			out.Items = append(out.Items, Change{Seq: d.Seq, Entry: e, Path: d.Path})
		}
	}
	for _, e := range items {
		if e.Seq <= upTo {
			out.Items = append(out.Items, Change{Seq: e.Seq, Entry: e, Path: paths.of(&e)})
		}
	}
	slices.SortStableFunc(out.Items, func(a, b Change) int { return cmp.Compare(a.Seq, b.Seq) })
	return out, nil
}

// pageEnd ends a feed page at the last sequence of rows when rows filled
// their query's page (feedPage): later sequences of that kind are unread,
// so the page may not claim them.
func pageEnd[T any](upTo int64, rows []T, seq func(T) int64) int64 {
	if len(rows) >= feedPage {
		upTo = min(upTo, seq(rows[len(rows)-1]))
	}
	return upTo
}

// pathIndex names entries by their path from the space root.
type pathIndex struct {
	root    string
	folders map[string]folderRow
}

func (s *Service) paths(st dbx, sp *Space) (pathIndex, error) {
	rows, err := st.folders(sp.ID)
	if err != nil {
		return pathIndex{}, err
	}
	idx := pathIndex{root: sp.RootID, folders: make(map[string]folderRow, len(rows))}
	for _, r := range rows {
		idx.folders[r.ID] = r
	}
	return idx, nil
}

func (p pathIndex) of(e *Entry) string {
	parts := []string{e.Name}
	id := e.ParentID
	for id != "" && id != p.root && len(parts) < 256 {
		f, ok := p.folders[id]
		if !ok {
			break
		}
		parts = append(parts, f.Name)
		id = f.ParentID
	}
	for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
		parts[i], parts[j] = parts[j], parts[i]
	}
	return strings.Join(parts, "/")
}
