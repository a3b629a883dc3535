package drive

import (
	"context"
	"time"

	"tack/backend/identity"
	"tack/backend/store"
)

// Moving between spaces (Update with a parent_id in another space).
//
// Who: a manager of the entry (moving it out takes it away from everyone
// who reached it through its space, with nothing left in that space's
// trash: a decision like sharing, not like editing; editors can copy), and
// an editor of the new folder. The personal space's owner manages it, so
// moving one's own draft into a department space needs nothing more.
//
// What moves: the entry and everything below it, the trashed items inside
// too (they stay restorable, now in the new space's trash), with their IDs,
// versions and history. The quota of the new space must hold the files'
// current sizes (trashed ones included, as they count until purged); the
// old space's usage drops by as much.
//
// Permissions: grants made on the moved entries themselves go with them;
// what they inherited now comes from their new folders, and the space's
// implicit access (department members, the owner) from the new space.
//
// Change feeds: the new space reports every moved entry as changed (at one
// sequence number), the old space as deleted (drive_departures, one row
// per entry, kept for the trash retention period; see PruneDepartures), so
// sync clients of either side converge.

// departuresMigration creates the record of entries that left a space.
var departuresMigration = store.Migration{ID: "drive-0003-departures", SQL: `
CREATE TABLE drive_departures (
	space_id TEXT NOT NULL,
	seq BIGINT NOT NULL,
	entry_id TEXT NOT NULL,
	parent_id TEXT NOT NULL DEFAULT '',
	kind TEXT NOT NULL,
	name TEXT NOT NULL,
	path TEXT NOT NULL DEFAULT '',
	version BIGINT NOT NULL DEFAULT 0,
	created_at TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (space_id, seq, entry_id)
);
CREATE INDEX drive_departures_created ON drive_departures (created_at)`}

// maxMove bounds one move to another space.
const maxMove = 10000

// moveAcross moves e under parent, a folder of another space, named name,
// inside the caller's transaction. e and parent were checked (editor) by
// Update; the manager check and every other is here, under both spaces'
// locks.
func (s *Service) moveAcross(ctx context.Context, st dbx, w who, a identity.Actor, e, parent *Entry, name string, desc *string) (*Entry, error) {
	if allowed(e.Role, RoleManager) != nil {
		return nil, ErrCrossSpace
	}
	from, to := e.SpaceID, parent.SpaceID
	seqs := map[string]int64{}
	for _, id := range []string{min(from, to), max(from, to)} { // the order every writer of two spaces locks them
		seq, err := st.bump(id)
		if err != nil {
			return nil, err
		}
		seqs[id] = seq
	}
	if err := st.inSpace(from, true, e.ID); err != nil {
		return nil, err
	}
	if err := st.inSpace(to, true, parent.ID); err != nil {
		return nil, err
	}
	if c, err := st.liveChild(parent.ID, nameKey(name), e.ID); err != nil {
		return nil, err
	} else if c != nil {
		return nil, ErrNameTaken
	}
	below, err := st.descendants(e.ID, false)
	if err != nil {
		return nil, err
	}
	if len(below) >= maxMove {
		return nil, ErrTooManyToMove.WithField("max_items", itoa(maxMove))
	}
	if err := st.lockedInside(w, append(below, e.ID)); err != nil {
		return nil, err // published minutes stay where their readers find them
	}
	all, err := st.entriesByID(append(below, e.ID))
	if err != nil {
		return nil, err
	}
	size := fileBytes(all)
	sp, err := st.space(to)
	if err != nil {
		return nil, err
	}
	if err := quotaCheck(sp, sp.UsedBytes, size); err != nil {
		return nil, err
	}
	now := s.clock.Now()
	deps, err := departures(st, e, all, from, seqs[from], now)
	if err != nil {
		return nil, err
	}
	changes := map[string]any{"parent_id": parent.ID, "name": name, "name_key": nameKey(name), "space_id": to, "seq": seqs[to],
		"modified_by": a.UserID, "modified_by_name": a.Name, "modified_at": now}
	if desc != nil {
		changes["description"] = *desc
	}
	if err := st.updateEntry(e.ID, e.Version, changes); err != nil {
		return nil, err
	}
	if err := st.relocate(below, to, seqs[to]); err != nil {
		return nil, err
	}
	if err := st.movePermissions(append(below, e.ID), to); err != nil {
		return nil, err
	}
	if err := st.insertDepartures(deps); err != nil {
		return nil, err
	}
	if err := st.addUsed(from, -size); err != nil {
		return nil, err
	}
	if err := st.addUsed(to, size); err != nil {
		return nil, err
	}
	out, err := st.entry(e.ID)
	if err != nil {
		return nil, err
	}
	if out.Role, err = s.roleOn(ctx, st, w, out); err != nil {
		return nil, err
	}
	return out, nil
}

// departures are the rows the old space's feed reports: every moved entry
// as it was there (its folder, name and path), at seq. Paths come from the
// feed's own pathIndex, fed with e's ancestors and the moved folders only
// (not the whole space's folders).
func departures(st dbx, e *Entry, all map[string]*Entry, spaceID string, seq int64, now time.Time) ([]Departure, error) {
	chain, err := st.ancestry(e)
	if err != nil {
		return nil, err
	}
	idx := pathIndex{root: chain[len(chain)-1].ID, folders: map[string]folderRow{}}
	for _, x := range chain[1:] {
		idx.folders[x.ID] = folderRow{ID: x.ID, ParentID: x.ParentID, Name: x.Name}
	}
	for _, x := range all {
		if x.IsDir() {
			idx.folders[x.ID] = folderRow{ID: x.ID, ParentID: x.ParentID, Name: x.Name}
		}
	}
	out := make([]Departure, 0, len(all))
	for _, x := range all {
		out = append(out, Departure{SpaceID: spaceID, Seq: seq, EntryID: x.ID, ParentID: x.ParentID, Kind: x.Kind, Name: x.Name,
			Path: idx.of(x), Version: x.Version + 1, CreatedAt: now})
	}
	return out, nil
}

// PruneDepartures forgets entries that left a space (and moves within it)
// longer ago than the trash retention: a change feed cursor from before them can no longer be
// served (drive.cursor_expired: the client lists the space again), as after
// a trash purge. It returns how many spaces it pruned.
func (s *Service) PruneDepartures(ctx context.Context) (int, error) {
	cutoff := s.clock.Now().Add(-s.cfg.TrashRetention)
	old, err := s.read(ctx).oldDepartures(cutoff)
	if err != nil {
		return 0, err
	}
	oldMoves, err := s.read(ctx).oldMoves(cutoff) // moves within a space: subtree.go
	if err != nil {
		return 0, err
	}
	for spaceID, seq := range oldMoves {
		old[spaceID] = max(old[spaceID], seq)
	}
	n := 0
	for spaceID, seq := range old {
		err := s.write(ctx, func(st dbx) error {
			if _, err := st.bump(spaceID); err != nil { // lock the space first, as every writer does
				return err
			}
			if err := st.deleteDepartures(spaceID, seq); err != nil {
				return err
			}
			if err := st.deleteMoves(spaceID, seq); err != nil {
				return err
			}
			return st.raisePurgedSeq(spaceID, seq)
		})
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
