package attendance

import "tack/backend/apperr"

// Sentinel errors; the key is the frontend i18n key under "errors.".
var (
	ErrNotFound      = apperr.NotFound("attendance.not_found", "not found")
	ErrForbidden     = apperr.Forbidden("attendance.forbidden", "you may not see or do this")
	ErrAdminOnly     = apperr.Forbidden("attendance.admin_only", "only administrators and attendance admins manage attendance settings")
	ErrStale         = apperr.Conflict("attendance.stale_version", "it was changed by someone else; reload and try again")
	ErrAccuracy      = apperr.Invalid("attendance.accuracy_too_poor", "the location fix is less precise than the office's radius; move to open sky or use the office network")
	ErrOutside       = apperr.Invalid("attendance.outside_fence", "you are outside every office; use a field punch with a photo and a note")
	ErrNoNetwork     = apperr.Invalid("attendance.no_office_network", "this device is not on an approved office network")
	ErrPhotoRequired = apperr.Invalid("attendance.photo_required", "a field punch needs a photo and a note")
	ErrPhotoInvalid  = apperr.Invalid("attendance.photo_invalid", "the photo must be a JPEG image of at most 5 MB")
	ErrMakeupCap     = apperr.Invalid("attendance.makeup_cap_reached", "you have used every makeup punch of this month")
	ErrMakeupNotNeed = apperr.Invalid("attendance.makeup_not_needed", "that day has no missing punch to make up")
	ErrChainBroken   = apperr.Conflict("attendance.chain_broken", "the punch record chain does not verify")
)
