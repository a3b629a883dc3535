package drive

import (
	"fmt"
	"time"
)

// --- moves between spaces ---

// relocate gives entries to another space at its change sequence number
// (their versions grow, as with every change).
func (st dbx) relocate(ids []string, spaceID string, seq int64) error {
	return st.updateEntries(ids, map[string]any{"space_id": spaceID, "seq": seq})
}

// movePermissions keeps the grants on moved entries, now in spaceID.
func (st dbx) movePermissions(ids []string, spaceID string) error {
	for i := 0; i < len(ids); i += 500 {
		err := st.db.Model(&Permission{}).Where("entry_id IN ?", ids[i:min(i+500, len(ids))]).Update("space_id", spaceID).Error
		if err != nil {
			return fmt.Errorf("drive: move permissions: %w", err)
		}
	}
	return nil
}

func (st dbx) insertDepartures(ds []Departure) error {
	if len(ds) == 0 {
		return nil
	}
	if err := st.db.CreateInBatches(ds, 500).Error; err != nil {
		return fmt.Errorf("drive: record departures: %w", err)
	}
	return nil
}

// departuresSince returns what left a space after seq, in seq order: limit
// rows, then the rest of the last seq (as changedSince).
func (st dbx) departuresSince(spaceID string, seq int64, limit int) ([]Departure, error) {
	var out []Departure
	if err := st.db.Where("space_id = ? AND seq > ?", spaceID, seq).Order("seq, entry_id").Limit(limit).Find(&out).Error; err != nil {
		return nil, fmt.Errorf("drive: departures: %w", err)
	}
	if len(out) == limit {
		last := out[len(out)-1]
		var rest []Departure
		if err := st.db.Where("space_id = ? AND seq = ? AND entry_id > ?", spaceID, last.Seq, last.EntryID).Order("entry_id").Find(&rest).Error; err != nil {
			return nil, fmt.Errorf("drive: departures: %w", err)
		}
		out = append(out, rest...)
	}
	return out, nil
}

// oldDepartures returns, per space, the newest seq of departures recorded
// before cutoff.
func (st dbx) oldDepartures(cutoff time.Time) (map[string]int64, error) {
	var rows []struct {
		SpaceID string
		Seq     int64
	}
	err := st.db.Model(&Departure{}).Select("space_id, MAX(seq) AS seq").Where("created_at < ?", cutoff).Group("space_id").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("drive: old departures: %w", err)
	}
	out := make(map[string]int64, len(rows))
	for _, r := range rows {
		out[r.SpaceID] = r.Seq
	}
	return out, nil
}

func (st dbx) deleteDepartures(spaceID string, upTo int64) error {
	return wrap("delete departures", st.db.Where("space_id = ? AND seq <= ?", spaceID, upTo).Delete(&Departure{}).Error)
}

// inSpace checks, under the space's lock (after bump), that entries read
// before it are still in the space (and live, with live): a move to another
// space locks both spaces, so one that committed in between shows here.
// Otherwise drive.stale_version: the caller's view is out of date.
func (st dbx) inSpace(spaceID string, live bool, ids ...string) error {
	seen := map[string]bool{}
	for _, id := range ids {
		seen[id] = true
	}
	q := st.db.Model(&Entry{}).Where("id IN ? AND space_id = ?", ids, spaceID)
	if live {
		q = q.Where("deleted = ?", false)
	}
	var n int64
	if err := q.Count(&n).Error; err != nil {
		return fmt.Errorf("drive: recheck entries: %w", err)
	}
	if n != int64(len(seen)) {
		return ErrStale
	}
	return nil
}
