package report

import "tack/backend/apperr"

// The errors users see; keys are translated as errors.report.* in the UI.
var (
	ErrNotFound         = apperr.NotFound("report.not_found", "report not found")
	ErrTemplateNotFound = apperr.NotFound("report.template_not_found", "report template not found")
	ErrNotAllowed       = apperr.Forbidden("report.not_allowed", "you may not do this with this report")
	ErrNotReader        = apperr.Forbidden("report.not_reader", "you may not read this report")
	ErrStale            = apperr.Conflict("report.stale_version", "the report changed meanwhile; reload it")
	ErrNotDraft         = apperr.Conflict("report.already_submitted", "the report was already submitted")
	ErrEditClosed       = apperr.Conflict("report.edit_closed", "the time to change a submitted report is over")
	ErrAlreadyWritten   = apperr.Conflict("report.already_written", "you already submitted this report for the period")
	ErrNotLeader        = apperr.Forbidden("report.not_leader", "only the leader of these people may see who has not written")
	ErrCommentNotFound  = apperr.NotFound("report.comment_not_found", "comment not found")
	ErrBadPeriod        = apperr.Invalid("report.bad_period", "the period does not fit the template's cycle").WithField("period", "invalid")
)
