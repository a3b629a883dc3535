package drive

import (
	"context"
	"errors"
	"time"

	"tack/backend/identity"
)

// Trash lists what was put in a space's trash (readers of the space),
// newest first.
func (s *Service) TrashList(ctx context.Context, a identity.Actor, spaceID string, limit int, cursor string) ([]Entry, string, error) {
	w, err := s.who(ctx, a)
	if err != nil {
		return nil, "", err
	}
	st := s.read(ctx)
	sp, err := s.spaceFor(ctx, st, w, spaceID, RoleViewer)
	if err != nil {
		return nil, "", err
	}
	var before *Entry
	if cursor != "" {
		p := decodeCursor(cursor, 2)
		if p == nil {
			return nil, "", ErrBadCursor
		}
		t, err := time.Parse(time.RFC3339Nano, p[0])
		if err != nil {
			return nil, "", ErrBadCursor
		}
		before = &Entry{ID: p[1], TrashedAt: &t}
	}
	items, err := st.trashRoots(spaceID, limit+1, before)
	if err != nil {
		return nil, "", err
	}
	items, next := pageOf(items, limit, sp.Role, func(l Entry) []string { return []string{l.TrashedAt.Format(time.RFC3339Nano), l.ID} })
	return items, next, nil
}

// Restore brings a trashed entry (what was deleted, with everything deleted
// with it) back to its folder, or to the space root when that folder is
// itself gone. A name taken meanwhile is drive.name_taken unless req.Name
// gives a new one. Editors.
func (s *Service) Restore(ctx context.Context, a identity.Actor, id string, req RestoreRequest) (Entry, error) {
	w, err := s.who(ctx, a)
	if err != nil {
		return Entry{}, err
	}
	var out *Entry
	err = s.write(ctx, func(st dbx) error {
		e, err := s.need(ctx, st, w, id, RoleEditor)
		if err != nil {
			return err
		}
		if !e.Deleted || e.TrashRoot != e.ID {
			return ErrNotTrashed
		}
		name := e.Name
		if req.Name != "" {
			if name, err = CleanName(req.Name); err != nil {
				return err
			}
		}
		parentID := e.ParentID
		parent, err := st.entry(parentID)
		if err != nil || parent.Deleted {
			sp, err := st.space(e.SpaceID)
			if err != nil {
				return err
			}
			parentID = sp.RootID
		}
		if c, err := st.liveChild(parentID, nameKey(name), e.ID); err != nil {
			return err
		} else if c != nil {
			return ErrNameTaken
		}
		group, err := st.trashed(e.ID)
		if err != nil {
			return err
		}
		ids := make([]string, len(group))
		for i, g := range group {
			ids[i] = g.ID
		}
		seq, err := st.bump(e.SpaceID)
		if err != nil {
			return err
		}
		if err := st.inSpace(e.SpaceID, false, e.ID); err != nil {
			return err
		}
		if err := st.inSpace(e.SpaceID, true, parentID); err != nil {
			return err
		}
		if err := st.updateEntries([]string{e.ID}, map[string]any{"parent_id": parentID, "name": name, "name_key": nameKey(name)}); err != nil {
			return err
		}
		if err := st.updateEntries(ids, map[string]any{"deleted": false, "trashed_at": nil, "trashed_by": "", "trash_root": "", "seq": seq}); err != nil {
			return err
		}
		if out, err = st.entry(e.ID); err != nil {
			return err
		}
		out.Role = e.Role
		return nil
	})
	if err != nil {
		return Entry{}, err
	}
	s.feed.wake()
	return *out, nil
}

// Purge deletes a trashed entry for good, now (editors). Its content is
// freed by the garbage collector once no other version refers to it.
func (s *Service) Purge(ctx context.Context, a identity.Actor, id string) error {
	w, err := s.who(ctx, a)
	if err != nil {
		return err
	}
	return s.write(ctx, func(st dbx) error {
		e, err := s.need(ctx, st, w, id, RoleEditor)
		if err != nil {
			return err
		}
		if !e.Deleted || e.TrashRoot != e.ID {
			return ErrNotTrashed
		}
		group, err := st.trashed(e.ID)
		if err != nil {
			return err
		}
		ids := make([]string, len(group))
		for i, g := range group {
			ids[i] = g.ID
		}
		if err := st.lockedInside(w, ids); err != nil {
			return err
		}
		return s.purge(st, e)
	})
}

// purge removes a trash root and what was trashed with it.
func (s *Service) purge(st dbx, root *Entry) error {
	group, err := st.trashed(root.ID)
	if err != nil {
		return err
	}
	ids := make([]string, len(group))
	var freed, maxSeq int64
	for i, g := range group {
		ids[i] = g.ID
		if g.Kind == KindFile {
			freed += g.Size
		}
		maxSeq = max(maxSeq, g.Seq)
	}
	// Lock the space first, as every writer does.
	if _, err := st.bump(root.SpaceID); err != nil {
		return err
	}
	if err := st.inSpace(root.SpaceID, false, root.ID); err != nil {
		return err
	}
	if err := st.purgeEntries(ids); err != nil {
		return err
	}
	if err := st.addUsed(root.SpaceID, -freed); err != nil {
		return err
	}
	// A feed cursor from before these deletions can no longer be served.
	return st.raisePurgedSeq(root.SpaceID, maxSeq)
}

// PurgeExpiredTrash deletes for good what has been in the trash longer than
// the retention period. It returns how many trash items were purged.
func (s *Service) PurgeExpiredTrash(ctx context.Context) (int, error) {
	cutoff := s.clock.Now().Add(-s.cfg.TrashRetention)
	n := 0
	for {
		roots, err := s.read(ctx).expiredTrash(cutoff, 100)
		if err != nil || len(roots) == 0 {
			return n, err
		}
		for i := range roots {
			r := roots[i]
			err := s.write(ctx, func(st dbx) error { return s.purge(st, &r) })
			if errors.Is(err, ErrStale) {
				continue // moved to another space since the list was read: the next run sees it there
			}
			if err != nil {
				return n, err
			}
			n++
		}
	}
}
