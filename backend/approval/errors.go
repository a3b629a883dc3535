package approval

import (
	"errors"

	"tack/backend/apperr"
)

var (
	errNotFound           = apperr.NotFound("approval.not_found", "approval not found")
	errTemplateNotFound   = apperr.NotFound("approval.template_not_found", "approval template not found")
	errForbidden          = apperr.Forbidden("approval.forbidden", "you may not do this on this approval")
	errFinished           = apperr.Conflict("approval.finished", "this approval is finished and archived")
	errNoTask             = apperr.Conflict("approval.task_not_pending", "there is no pending task of yours on this approval")
	errStaleConflict      = apperr.Conflict("approval.stale", "someone else acted on this approval at the same time; reload")
	errRemindTooSoon      = apperr.RateLimited("approval.remind_too_soon", "a reminder was sent less than an hour ago")
	errCannotStart        = apperr.Forbidden("approval.cannot_start", "you may not start this template")
	errTemplateStale      = apperr.Conflict("approval.template_stale", "the template was changed by someone else; reload")
	errAttachmentNotFound = apperr.NotFound("approval.attachment_not_found", "no such attachment on this approval")

	// errStale is internal: a guarded UPDATE matched no row; the action is retried.
	errStale = errors.New("approval: stale version")
)

var errTooMany = apperr.Invalid("approval.too_many", "at most 100 at once").WithField("ids", "too_large")

func errKey(err error) string {
	if e, ok := apperr.As(err); ok {
		return e.Key
	}
	return "internal"
}

func isConflict(err error) bool { return apperr.IsKind(err, apperr.KindConflict) }
