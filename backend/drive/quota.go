package drive

import (
	"context"
	"fmt"
	"time"

	"tack/backend/apperr"
	"tack/backend/identity"
)

// Pending uploads and quotas.
//
// A chunked upload writes its chunks to disk long before its commit adds
// the file to its space's usage, so a quota that counted committed files
// only would not bound the disk: 21 uploads of 1 MiB, each fitting alone,
// wrote 21 MiB into a 1 MiB space and were simply never committed. So an
// open upload reserves its announced size: starting one in a space with a
// quota needs used + the space's open uploads + the new file's growth to
// fit; each person has at most Config.MaxOpenUploads open uploads holding
// at most Config.MaxPendingSize; starting an upload again for the same
// target (a retry, a resumed sync) replaces the person's earlier one
// instead of adding to it; and the maintenance job drops uploads past
// their expiry (ExpireUploads), which gives their reservation back. The
// commit itself checks the quota as before, so a reservation never lets a
// space grow past its quota.

// Errors of the reservation.
var (
	ErrTooManyUploads = apperr.RateLimited("drive.too_many_uploads",
		"you have too many unfinished uploads; let them finish or wait until they expire").WithRetryAfter(time.Minute)
	ErrPendingTooLarge = apperr.TooLarge("drive.uploads_too_large",
		"your unfinished uploads are too large together; let them finish first")
)

// openUploads returns the user's uploads that have not expired.
func (st dbx) openUploads(userID string, now time.Time) ([]Upload, error) {
	var out []Upload
	if err := st.db.Where("user_id = ? AND expires_at > ?", userID, now).Find(&out).Error; err != nil {
		return nil, fmt.Errorf("drive: open uploads: %w", err)
	}
	return out, nil
}

// pendingBytes is the announced size of the space's open uploads, but
// those in except.
func (st dbx) pendingBytes(spaceID string, now time.Time, except []string) (int64, error) {
	q := st.db.Model(&Upload{}).Where("space_id = ? AND expires_at > ?", spaceID, now)
	if len(except) > 0 {
		q = q.Where("id NOT IN ?", except)
	}
	var n int64
	if err := q.Select("COALESCE(SUM(size), 0)").Scan(&n).Error; err != nil {
		return 0, fmt.Errorf("drive: pending bytes: %w", err)
	}
	return n, nil
}

// lockSpaceRow takes the space row's lock (PostgreSQL; SQLite's write lock
// already serialises writers) so that two uploads starting in one space at
// once cannot both take its last free bytes.
func (st dbx) lockSpaceRow(id string) error {
	if err := st.db.Exec("UPDATE drive_spaces SET used_bytes = used_bytes WHERE id = ?", id).Error; err != nil {
		return fmt.Errorf("drive: lock space: %w", err)
	}
	return nil
}

// receivedIn returns the chunks their owner sent in the given uploads.
func (st dbx) receivedIn(ids []string) (map[string]bool, error) {
	out := map[string]bool{}
	if len(ids) == 0 {
		return out, nil
	}
	var hs []string
	if err := st.db.Model(&UploadChunkRow{}).Where("upload_id IN ? AND received = ?", ids, true).Distinct().Pluck("hash", &hs).Error; err != nil {
		return nil, fmt.Errorf("drive: received chunks: %w", err)
	}
	for _, h := range hs {
		out[h] = true
	}
	return out, nil
}

// sameTarget: o was started for the file or the folder+name u is for.
func sameTarget(o, u *Upload) bool {
	if u.EntryID != "" {
		return o.EntryID == u.EntryID
	}
	return o.EntryID == "" && o.ParentID == u.ParentID && nameKey(o.Name) == nameKey(u.Name)
}

// reserveUpload checks and takes what the new upload u (to target t, chunk
// rows rows) reserves, inside StartUpload's transaction, after the chunk
// rows were touched (the lock order of every writer: chunk rows, then
// spaces). The user's earlier open uploads to the same target are replaced:
// deleted, the chunks they had received counted as received by u.
func (s *Service) reserveUpload(st dbx, t target, u *Upload, rows []UploadChunkRow) error {
	now := s.clock.Now()
	if err := st.lockSpaceRow(u.SpaceID); err != nil {
		return err
	}
	open, err := st.openUploads(u.UserID, now)
	if err != nil {
		return err
	}
	var replaced []string
	count, userBytes := 0, int64(0)
	for i := range open {
		if sameTarget(&open[i], u) {
			replaced = append(replaced, open[i].ID)
			continue
		}
		count++
		userBytes += open[i].Size
	}
	if count >= s.cfg.MaxOpenUploads {
		return ErrTooManyUploads.WithField("max_uploads", itoa(s.cfg.MaxOpenUploads))
	}
	if userBytes+u.Size > s.cfg.MaxPendingSize {
		return ErrPendingTooLarge.WithField("max_bytes", itoa64(s.cfg.MaxPendingSize))
	}
	sp, err := st.space(u.SpaceID)
	if err != nil {
		return err
	}
	pending, err := st.pendingBytes(u.SpaceID, now, replaced)
	if err != nil {
		return err
	}
	if delta := t.delta(u.Size); sp.QuotaBytes > 0 && (delta > 0 || pending > 0) && sp.UsedBytes+pending+delta > sp.QuotaBytes {
		return ErrQuota.WithField("quota_bytes", itoa64(sp.QuotaBytes)).WithField("pending_bytes", itoa64(pending))
	}
	if len(replaced) == 0 {
		return nil
	}
	got, err := st.receivedIn(replaced)
	if err != nil {
		return err
	}
	for i := range rows {
		rows[i].Received = got[rows[i].Hash]
	}
	return st.deleteUploads(replaced)
}

// AdminSpaces lists every space, personal ones included, for an
// administrator setting quotas; Role is the admin's own role ("" on the
// personal spaces of others: they set the quota, nothing more).
func (s *Service) AdminSpaces(ctx context.Context, a identity.Actor) ([]Space, error) {
	if !a.IsAdmin() {
		return nil, ErrForbidden
	}
	_, w, all, err := s.everySpace(ctx, a)
	if err != nil {
		return nil, err
	}
	for i := range all {
		all[i].Role = s.implicitRole(w, &all[i])
	}
	return all, nil
}

// setQuota sets a space's quota (administrators, any space: a personal one
// too, on which they have no other right).
func (s *Service) setQuota(ctx context.Context, a identity.Actor, id string, version int, quota int64) (Space, error) {
	if !a.IsAdmin() {
		return Space{}, ErrForbidden
	}
	if quota < 0 {
		return Space{}, apperr.Invalid("drive.invalid_space", "the space is not valid").WithField("quota_bytes", "invalid")
	}
	err := s.write(ctx, func(st dbx) error {
		if _, err := st.space(id); err != nil {
			return err
		}
		return st.updateSpace(id, version, map[string]any{"quota_bytes": quota, "updated_at": s.clock.Now()})
	})
	if err != nil {
		return Space{}, err
	}
	sp, err := s.read(ctx).space(id)
	if err != nil {
		return Space{}, err
	}
	w, err := s.who(ctx, a)
	if err != nil {
		return Space{}, err
	}
	sp.Role = s.implicitRole(w, sp)
	if root, err := s.read(ctx).entry(sp.RootID); err == nil {
		if r, err := s.roleOn(ctx, s.read(ctx), w, root); err == nil {
			sp.Role = r
		}
	}
	return *sp, nil
}
