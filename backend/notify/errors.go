package notify

import "tack/backend/apperr"

var (
	errDingNotFound         = apperr.NotFound("ding.not_found", "DING not found")
	errAnnouncementNotFound = apperr.NotFound("announcement.not_found", "announcement not found")
	errCannotPublish        = apperr.Forbidden("announcement.forbidden", "you may not publish announcements")
	errDingRateLimited      = apperr.RateLimited("ding.rate_limited", "too many DINGs today")
)
