package approval

import (
	"context"

	"tack/backend/identity"
)

// Visible returns nil when the actor may see the request (the rules of Get:
// applicant, approvers, those copied, heads of its department, HR and
// admins) and approval.not_found otherwise, without loading its details.
// Other domains ask it before pointing someone at a request (a DING).
func (s *Service) Visible(ctx context.Context, actor identity.Actor, id string) error {
	_, err := s.viewable(ctx, actor, id)
	return err
}
