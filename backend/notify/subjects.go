package notify

import (
	"context"
	"fmt"

	"tack/backend/apperr"
	"tack/backend/identity"
	"tack/backend/store"
)

// SubjectAccess answers, for one kind of DING subject that another domain
// owns (an approval, a meeting), whether a person may see it. The owning
// service decides by its own visibility rules; notify only asks, so the
// rules are never copied here. notifyorg implements it over the services.
type SubjectAccess interface {
	// CanSee reports whether userID may see the subject id. A subject that
	// does not exist is false too: to the sender the two must look alike.
	CanSee(ctx context.Context, userID, id string) (bool, error)
}

// SetSubjectAccess registers who decides about subjects of subjectType
// ("approval", "meeting"). A DING about a subject type nobody registered is
// refused: without its owner's answer notify cannot tell who may see it.
func (s *Service) SetSubjectAccess(subjectType string, acc SubjectAccess) {
	if s.subjects == nil {
		s.subjects = map[string]SubjectAccess{}
	}
	s.subjects[subjectType] = acc
}

var (
	errDingSubjectNotFound = apperr.NotFound("ding.subject_not_found", "what this DING is about was not found")
	errDingSubjectManage   = apperr.Forbidden("ding.subject_forbidden", "only the publisher or an administrator may DING about an announcement")
)

// checkDingSubject refuses a DING about something the sender may not see
// (404, as if it did not exist) or, for an announcement, may see but not
// manage (403: reminding its audience is the publisher's); then every
// recipient must be able to open it too, else the DING points them at a
// page they cannot read (400 field recipients: not_involved).
func (s *Service) checkDingSubject(ctx context.Context, a identity.Actor, typ, id string, rec []string) error {
	if typ == "" {
		return nil
	}
	var canSee func(userID string) (bool, error)
	if typ == "announcement" {
		var an Announcement
		if err := s.db.WithContext(ctx).Where("id = ?", id).Take(&an).Error; err != nil {
			if store.IsNotFound(err) {
				return errDingSubjectNotFound
			}
			return fmt.Errorf("notify: ding subject: %w", err)
		}
		ok, err := s.seesAnnouncement(ctx, a, an)
		if err != nil {
			return err
		}
		if !ok {
			return errDingSubjectNotFound
		}
		if !s.canManage(a, an) {
			return errDingSubjectManage
		}
		// The audience was fixed at publishing: those are the people to
		// remind (read in one query: a reminder may go to thousands).
		var audience []string
		if err := s.db.WithContext(ctx).Model(&AnnouncementReceipt{}).Where("announcement_id = ?", an.ID).
			Pluck("user_id", &audience).Error; err != nil {
			return fmt.Errorf("notify: ding subject: %w", err)
		}
		in := make(map[string]bool, len(audience))
		for _, id := range audience {
			in[id] = true
		}
		canSee = func(userID string) (bool, error) { return in[userID], nil }
	} else {
		acc := s.subjects[typ]
		if acc == nil {
			return apperr.Invalid("ding.invalid", "invalid DING").WithField("subject_type", "invalid")
		}
		ok, err := acc.CanSee(ctx, a.UserID, id)
		if err != nil {
			return fmt.Errorf("notify: ding subject: %w", err)
		}
		if !ok {
			return errDingSubjectNotFound
		}
		canSee = func(userID string) (bool, error) { return acc.CanSee(ctx, userID, id) }
	}
	for _, uid := range rec {
		ok, err := canSee(uid)
		if err != nil {
			return fmt.Errorf("notify: ding subject: %w", err)
		}
		if !ok {
			return apperr.Invalid("ding.invalid", "invalid DING").WithField("recipients", "not_involved")
		}
	}
	return nil
}

// hasReceipt reports whether userID is in the announcement's audience.
func (s *Service) hasReceipt(ctx context.Context, announcementID, userID string) (bool, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&AnnouncementReceipt{}).
		Where("announcement_id = ? AND user_id = ?", announcementID, userID).Count(&n).Error
	if err != nil {
		return false, fmt.Errorf("notify: receipt: %w", err)
	}
	return n > 0, nil
}
