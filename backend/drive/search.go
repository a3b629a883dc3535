package drive

import (
	"context"
	"strings"

	"tack/backend/apperr"
	"tack/backend/identity"
)

// Search finds live files and folders whose name contains the query
// (case-insensitive), among what the actor can read, most recently changed
// first.
func (s *Service) Search(ctx context.Context, a identity.Actor, f SearchFilter) ([]Entry, error) {
	q := strings.TrimSpace(f.Query)
	if q == "" {
		return nil, apperr.Invalid("drive.query_required", "type something to search for").WithField("q", "required")
	}
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	w, err := s.who(ctx, a)
	if err != nil {
		return nil, err
	}
	st := s.read(ctx)
	var spaceIDs []string
	if f.SpaceID != "" {
		if _, err := s.spaceFor(ctx, st, w, f.SpaceID, RoleViewer); err != nil {
			return nil, err
		}
		spaceIDs = []string{f.SpaceID}
	}
	// Candidates are filtered by permission here; read a few times the
	// limit so that hidden hits do not starve the page.
	cands, err := st.searchNames(q, spaceIDs, f.Limit*10)
	if err != nil {
		return nil, err
	}
	out := []Entry{}
	for i := range cands {
		r, err := s.roleOn(ctx, st, w, &cands[i])
		if err != nil {
			return nil, err
		}
		if r == "" {
			continue
		}
		cands[i].Role = r
		out = append(out, cands[i])
		if len(out) == f.Limit {
			break
		}
	}
	return out, nil
}
