package drive

import (
	"context"

	"tack/backend/identity"
)

// Versions lists a file's stored versions, newest first (viewers). Each
// item's version is the entry version it was committed at: the value to
// pass as ?version= to download it.
func (s *Service) Versions(ctx context.Context, a identity.Actor, id string) ([]FileVersion, error) {
	w, err := s.who(ctx, a)
	if err != nil {
		return nil, err
	}
	st := s.read(ctx)
	e, err := s.needLive(ctx, st, w, id, RoleViewer)
	if err != nil {
		return nil, err
	}
	if e.IsDir() {
		return nil, ErrNotFile
	}
	vs, err := st.versions(id)
	if err != nil {
		return nil, err
	}
	if len(vs) > 0 {
		vs[0].Current = true
	}
	return vs, nil
}

// RestoreVersion makes an old version the file's content again by writing
// it as a new version (history is kept). base is the entry's current
// version (stale → 409). Editors.
func (s *Service) RestoreVersion(ctx context.Context, a identity.Actor, id, versionID string, base int64) (Entry, error) {
	w, err := s.who(ctx, a)
	if err != nil {
		return Entry{}, err
	}
	var out *Entry
	err = s.write(ctx, func(st dbx) error {
		t, err := s.resolveTarget(ctx, st, w, id, base, "", "")
		if err != nil {
			return err
		}
		fv, err := st.version(versionID)
		if err != nil {
			return err
		}
		if fv.EntryID != id {
			return ErrVersionNotFound
		}
		chunks, err := st.versionChunks(fv.ID)
		if err != nil {
			return err
		}
		out, err = s.writeContent(st, a, t, chunks, fv.Size, fv.Hash, fv.ChunkScheme)
		return err
	})
	if err != nil {
		return Entry{}, err
	}
	s.feed.wake()
	out.Role = RoleEditor
	return *out, nil
}

// PruneOldVersions deletes non-current versions older than VersionMaxAge.
func (s *Service) PruneOldVersions(ctx context.Context) (int, error) {
	if s.cfg.VersionMaxAge < 0 {
		return 0, nil
	}
	cutoff := s.clock.Now().Add(-s.cfg.VersionMaxAge)
	n := 0
	for {
		ids, err := s.read(ctx).oldVersions(cutoff, 500)
		if err != nil || len(ids) == 0 {
			return n, wrap("old versions", err)
		}
		if err := s.write(ctx, func(st dbx) error { return st.deleteVersions(ids) }); err != nil {
			return n, err
		}
		n += len(ids)
	}
}
