package notifyorg

import (
	"context"

	"tack/backend/apperr"
	"tack/backend/identity"
	"tack/backend/meeting"
	"tack/backend/notify"
	"tack/backend/org"
)

// ApprovalVisibility is the approval service's visibility check.
type ApprovalVisibility interface {
	Visible(ctx context.Context, actor identity.Actor, id string) error
}

// MeetingReader is the meeting service's read, which applies its
// visibility rules (organizer, attendees, minute-taker, admins).
type MeetingReader interface {
	Get(ctx context.Context, actor identity.Actor, id string) (meeting.Meeting, error)
}

// Approvals answers notify.SubjectAccess for approvals by the approval
// service's own rules.
type Approvals struct {
	Org      *org.Service
	Approval ApprovalVisibility
}

// CanSee implements notify.SubjectAccess.
func (s Approvals) CanSee(ctx context.Context, userID, id string) (bool, error) {
	return canSee(ctx, s.Org, userID, func(a identity.Actor) error { return s.Approval.Visible(ctx, a, id) })
}

// Meetings answers notify.SubjectAccess for meetings by the meeting
// service's own rules.
type Meetings struct {
	Org     *org.Service
	Meeting MeetingReader
}

// CanSee implements notify.SubjectAccess.
func (s Meetings) CanSee(ctx context.Context, userID, id string) (bool, error) {
	return canSee(ctx, s.Org, userID, func(a identity.Actor) error {
		_, err := s.Meeting.Get(ctx, a, id)
		return err
	})
}

var (
	_ notify.SubjectAccess = Approvals{}
	_ notify.SubjectAccess = Meetings{}
)

// canSee asks check as userID's current actor (roles and department as they
// are now, not as a session remembers them): a refusal (not found,
// forbidden) or a user who has left is false; anything else is an error.
func canSee(ctx context.Context, o *org.Service, userID string, check func(identity.Actor) error) (bool, error) {
	a, err := o.ActorFor(ctx, userID)
	if err != nil {
		if refused(err) {
			return false, nil
		}
		return false, err
	}
	if err := check(a); err != nil {
		if refused(err) {
			return false, nil
		}
		return false, err
	}
	return true, nil
}

func refused(err error) bool {
	return apperr.IsKind(err, apperr.KindNotFound) || apperr.IsKind(err, apperr.KindForbidden) ||
		apperr.IsKind(err, apperr.KindUnauthenticated)
}
