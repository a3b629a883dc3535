package drive

import (
	"context"
	"slices"
	"strings"

	"tack/backend/identity"
)

// Entry returns an entry the actor can read (trashed entries too, so the
// trash can show them), with the actor's role.
func (s *Service) Entry(ctx context.Context, a identity.Actor, id string) (Entry, error) {
	w, err := s.who(ctx, a)
	if err != nil {
		return Entry{}, err
	}
	e, err := s.need(ctx, s.read(ctx), w, id, RoleViewer)
	if err != nil {
		return Entry{}, err
	}
	return *e, nil
}

// Path returns the folders from the space root down to the entry, the entry
// last (breadcrumbs); for an entry shared without its space, from the
// highest folder the actor may read. The folders above that are closed to
// the actor: a file shared alone must not tell its reader the names of the
// owner's other folders.
func (s *Service) Path(ctx context.Context, a identity.Actor, id string) ([]Entry, error) {
	w, err := s.who(ctx, a)
	if err != nil {
		return nil, err
	}
	st := s.read(ctx)
	e, err := s.need(ctx, st, w, id, RoleViewer)
	if err != nil {
		return nil, err
	}
	chain, err := st.ancestry(e)
	if err != nil {
		return nil, err
	}
	top, err := s.topReadable(st, w, chain)
	if err != nil {
		return nil, err
	}
	out := make([]Entry, 0, top+1)
	for i := top; i >= 0; i-- {
		out = append(out, *chain[i])
	}
	return out, nil
}

// topReadable is the index in chain (an entry the actor reads, then its
// ancestors) of the highest one the actor may read. Grants are inherited
// down the tree, so what the actor reads is an unbroken run from the entry
// up; the roles of the whole chain come from one read of its grants.
func (s *Service) topReadable(st dbx, w who, chain []*Entry) (int, error) {
	sp, err := st.space(chain[0].SpaceID)
	if err != nil {
		return 0, err
	}
	roles, err := rolesAlong(st, w, s.implicitRole(w, sp), chain)
	if err != nil {
		return 0, err
	}
	for i := len(roles) - 1; i > 0; i-- {
		if roleLevel(roles[i]) >= roleLevel(RoleViewer) {
			return i, nil
		}
	}
	return 0, nil // the entry itself, which need checked
}

// Children lists a folder's live children, folders first then by name.
// cursor is the previous page's next cursor.
func (s *Service) Children(ctx context.Context, a identity.Actor, id string, limit int, cursor string) ([]Entry, string, error) {
	w, err := s.who(ctx, a)
	if err != nil {
		return nil, "", err
	}
	st := s.read(ctx)
	f, err := s.needFolder(ctx, st, w, id, RoleViewer)
	if err != nil {
		return nil, "", err
	}
	var after *Entry
	if cursor != "" {
		p := decodeCursor(cursor, 3)
		if p == nil {
			return nil, "", ErrBadCursor
		}
		after = &Entry{Kind: p[0], NameKey: p[1], ID: p[2]}
	}
	items, err := st.children(id, limit+1, after)
	if err != nil {
		return nil, "", err
	}
	// Grants only add: a child is at least as open as its folder.
	items, next := pageOf(items, limit, f.Role, func(l Entry) []string { return []string{l.Kind, l.NameKey, l.ID} })
	if err := st.capLockedList(w, items); err != nil {
		return nil, "", err
	}
	return items, next, nil
}

// CreateFolder makes a folder (editors of the parent).
func (s *Service) CreateFolder(ctx context.Context, a identity.Actor, req CreateFolderRequest) (Entry, error) {
	name, err := CleanName(req.Name)
	if err != nil {
		return Entry{}, err
	}
	if err := checkDescription(req.Description); err != nil {
		return Entry{}, err
	}
	w, err := s.who(ctx, a)
	if err != nil {
		return Entry{}, err
	}
	var out Entry
	err = s.write(ctx, func(st dbx) error {
		parent, err := s.needFolder(ctx, st, w, req.ParentID, RoleEditor)
		if err != nil {
			return err
		}
		if c, err := st.liveChild(parent.ID, nameKey(name), ""); err != nil {
			return err
		} else if c != nil {
			return ErrNameTaken
		}
		seq, err := st.bump(parent.SpaceID)
		if err != nil {
			return err
		}
		if err := st.inSpace(parent.SpaceID, true, parent.ID); err != nil {
			return err
		}
		now := s.clock.Now()
		out = Entry{ID: newID(), SpaceID: parent.SpaceID, ParentID: parent.ID, Kind: KindFolder, Name: name, NameKey: nameKey(name),
			Description: req.Description, Version: 1, CreatedBy: a.UserID, CreatedAt: now, ModifiedBy: a.UserID,
			ModifiedByName: a.Name, ModifiedAt: now, Seq: seq, Role: parent.Role}
		return st.insertEntry(&out)
	})
	if err == nil {
		s.feed.wake()
	}
	return out, err
}

// Update renames, moves or re-describes an entry (editors of the entry, and
// of the new parent for a move; a move to another space needs a manager of
// the entry: moves.go). Version must be current: a stale version is
// drive.stale_version (409), never an overwrite.
func (s *Service) Update(ctx context.Context, a identity.Actor, id string, req UpdateEntryRequest) (Entry, error) {
	var name string
	if req.Name != nil {
		n, err := CleanName(*req.Name)
		if err != nil {
			return Entry{}, err
		}
		name = n
	}
	if req.Description != nil {
		if err := checkDescription(*req.Description); err != nil {
			return Entry{}, err
		}
	}
	w, err := s.who(ctx, a)
	if err != nil {
		return Entry{}, err
	}
	var out *Entry
	err = s.write(ctx, func(st dbx) error {
		e, err := s.needLive(ctx, st, w, id, RoleEditor)
		if err != nil {
			return err
		}
		if e.ParentID == "" {
			return ErrRootEntry
		}
		if e.Version != req.Version {
			return ErrStale
		}
		changes := map[string]any{}
		parentID, newName := e.ParentID, e.Name
		if req.ParentID != nil && *req.ParentID != e.ParentID {
			parent, err := s.needFolder(ctx, st, w, *req.ParentID, RoleEditor)
			if err != nil {
				return err
			}
			if parent.SpaceID != e.SpaceID {
				if req.Name != nil {
					newName = name
				}
				out, err = s.moveAcross(ctx, st, w, a, e, parent, newName, req.Description)
				return err
			}
			chain, err := st.ancestry(parent)
			if err != nil {
				return err
			}
			if slices.ContainsFunc(chain, func(x *Entry) bool { return x.ID == e.ID }) {
				return ErrMoveIntoSelf
			}
			parentID = parent.ID
			changes["parent_id"] = parentID
		}
		if req.Name != nil {
			newName = name
			changes["name"], changes["name_key"] = name, nameKey(name)
		}
		if req.Description != nil {
			changes["description"] = *req.Description
		}
		if parentID != e.ParentID || nameKey(newName) != e.NameKey {
			if c, err := st.liveChild(parentID, nameKey(newName), e.ID); err != nil {
				return err
			} else if c != nil {
				return ErrNameTaken
			}
		}
		seq, err := st.bump(e.SpaceID)
		if err != nil {
			return err
		}
		if err := st.inSpace(e.SpaceID, true, e.ID, parentID); err != nil {
			return err
		}
		changes["seq"], changes["modified_by"], changes["modified_by_name"], changes["modified_at"] = seq, a.UserID, a.Name, s.clock.Now()
		if err := st.updateEntry(e.ID, e.Version, changes); err != nil {
			return err
		}
		if parentID != e.ParentID { // for those following a folder: subtree.go
			if err := st.recordMove(e, seq, s.clock.Now()); err != nil {
				return err
			}
		}
		role := e.Role
		if out, err = st.entry(e.ID); err != nil {
			return err
		}
		if parentID != e.ParentID {
			role, err = s.roleOn(ctx, st, w, out)
			if err != nil {
				return err
			}
		}
		out.Role = role
		return nil
	})
	if err != nil {
		return Entry{}, err
	}
	s.feed.wake()
	return *out, nil
}

// Trash moves an entry, and everything in a folder, to the trash (editors).
// Version must be current. Trashed items keep their space's quota until
// purged; the change feed reports each as deleted.
func (s *Service) Trash(ctx context.Context, a identity.Actor, id string, version int64) error {
	w, err := s.who(ctx, a)
	if err != nil {
		return err
	}
	err = s.write(ctx, func(st dbx) error {
		e, err := s.needLive(ctx, st, w, id, RoleEditor)
		if err != nil {
			return err
		}
		if e.ParentID == "" {
			return ErrRootEntry
		}
		if e.Version != version {
			return ErrStale
		}
		seq, err := st.bump(e.SpaceID)
		if err != nil {
			return err
		}
		if err := st.inSpace(e.SpaceID, true, e.ID); err != nil {
			return err
		}
		ids, err := st.liveDescendants(e.ID) // under the lock: what was made inside meanwhile goes too
		if err != nil {
			return err
		}
		ids = append(ids, e.ID)
		if err := st.lockedInside(w, ids); err != nil {
			return err // a folder holding published minutes stays
		}
		now := s.clock.Now()
		return st.updateEntries(ids, map[string]any{"deleted": true, "trashed_at": now, "trashed_by": a.UserID,
			"trash_root": e.ID, "seq": seq})
	})
	if err == nil {
		s.feed.wake()
	}
	return err
}

// maxCopy bounds one copy request.
const maxCopy = 10000

// Copy copies an entry (a folder with its live contents) under a folder of
// any space the actor can edit. File copies share the source's chunks (no
// content is duplicated) but count against the target space's quota.
func (s *Service) Copy(ctx context.Context, a identity.Actor, id string, req CopyRequest) (Entry, error) {
	w, err := s.who(ctx, a)
	if err != nil {
		return Entry{}, err
	}
	var out *Entry
	err = s.write(ctx, func(st dbx) error {
		src, err := s.needLive(ctx, st, w, id, RoleViewer)
		if err != nil {
			return err
		}
		if src.ParentID == "" {
			return ErrRootEntry
		}
		parent, err := s.needFolder(ctx, st, w, req.ParentID, RoleEditor)
		if err != nil {
			return err
		}
		name := src.Name
		if strings.TrimSpace(req.Name) != "" {
			if name, err = CleanName(req.Name); err != nil {
				return err
			}
		}
		if src.IsDir() {
			chain, err := st.ancestry(parent)
			if err != nil {
				return err
			}
			if slices.ContainsFunc(chain, func(x *Entry) bool { return x.ID == src.ID }) {
				return ErrMoveIntoSelf
			}
		}
		if c, err := st.liveChild(parent.ID, nameKey(name), ""); err != nil {
			return err
		} else if c != nil {
			return ErrNameTaken
		}
		ids, err := st.liveDescendants(src.ID)
		if err != nil {
			return err
		}
		if len(ids) >= maxCopy {
			return ErrTooManyEntries
		}
		all, err := st.entriesByID(append(ids, src.ID))
		if err != nil {
			return err
		}
		total := fileBytes(all)
		sp, err := st.space(parent.SpaceID)
		if err != nil {
			return err
		}
		if sp.QuotaBytes > 0 && sp.UsedBytes+total > sp.QuotaBytes {
			return ErrQuota
		}
		seq, err := st.bump(parent.SpaceID)
		if err != nil {
			return err
		}
		if err := st.inSpace(parent.SpaceID, true, parent.ID); err != nil {
			return err
		}
		now := s.clock.Now()
		newIDs := map[string]string{}
		// Parents before children: walk from src down.
		order := []*Entry{src}
		for i := 0; i < len(order); i++ {
			for _, e := range all {
				if e.ParentID == order[i].ID && !e.Deleted {
					order = append(order, e)
				}
			}
		}
		for _, e := range order {
			c := *e
			c.ID, c.SpaceID, c.Version, c.Seq, c.Role = newID(), parent.SpaceID, 1, seq, ""
			c.CreatedBy, c.CreatedAt, c.ModifiedBy, c.ModifiedByName, c.ModifiedAt = a.UserID, now, a.UserID, a.Name, now
			c.Deleted, c.TrashedAt, c.TrashedBy, c.TrashRoot, c.Locked = false, nil, "", "", false
			if e.ID == src.ID {
				c.ParentID, c.Name, c.NameKey = parent.ID, name, nameKey(name)
			} else {
				c.ParentID = newIDs[e.ParentID]
			}
			newIDs[e.ID] = c.ID
			if err := st.insertEntry(&c); err != nil {
				return err
			}
			if !c.IsDir() {
				if err := s.copyCurrentVersion(st, e, &c); err != nil {
					return err
				}
			}
		}
		if err := st.addUsed(parent.SpaceID, total); err != nil {
			return err
		}
		if out, err = st.entry(newIDs[src.ID]); err != nil {
			return err
		}
		out.Role = parent.Role
		return nil
	})
	if err != nil {
		return Entry{}, err
	}
	s.feed.wake()
	return *out, nil
}

// copyCurrentVersion gives the new file dst the current content of src.
func (s *Service) copyCurrentVersion(st dbx, src, dst *Entry) error {
	fv, err := st.versionAt(src.ID, 0)
	if err != nil {
		return err
	}
	chunks, err := st.versionChunks(fv.ID)
	if err != nil {
		return err
	}
	if _, err := st.touchChunks(distinctHashes(chunks), s.clock.Now()); err != nil {
		return err
	}
	nv := FileVersion{ID: newID(), EntryID: dst.ID, EntryVersion: dst.Version, Size: fv.Size, Hash: fv.Hash, ChunkCount: fv.ChunkCount, ChunkScheme: fv.ChunkScheme,
		CreatedBy: dst.CreatedBy, CreatedByName: dst.ModifiedByName, CreatedAt: dst.CreatedAt}
	if err := st.insertVersion(&nv, nil); err != nil {
		return err
	}
	return st.copyVersionChunks(fv.ID, nv.ID)
}

func distinctHashes(chunks []VersionChunk) []string {
	seen := make(map[string]bool, len(chunks))
	out := make([]string, 0, len(chunks))
	for _, c := range chunks {
		if !seen[c.Hash] {
			seen[c.Hash] = true
			out = append(out, c.Hash)
		}
	}
	return out
}

// fileBytes is what the files among entries take of a space's quota.
func fileBytes(entries map[string]*Entry) int64 {
	var n int64
	for _, e := range entries {
		if !e.IsDir() {
			n += e.Size
		}
	}
	return n
}
