package chat

import "tack/backend/apperr"

// Sentinel errors; the key is the frontend i18n key under "errors.".
var (
	ErrNotFound        = apperr.NotFound("chat.not_found", "conversation not found")
	ErrMessageNotFound = apperr.NotFound("chat.message_not_found", "message not found")
	ErrUserNotFound    = apperr.NotFound("chat.user_not_found", "no such active person")
	ErrForbidden       = apperr.Forbidden("chat.forbidden", "you may not do this in this conversation")
	ErrNotAdmin        = apperr.Forbidden("chat.not_admin", "only the group's owner and admins may do this")
	ErrNotOwner        = apperr.Forbidden("chat.not_owner", "only the group's owner may do this")
	ErrPostForbidden   = apperr.Forbidden("chat.post_forbidden", "only the group's admins may post here")
	ErrAddForbidden    = apperr.Forbidden("chat.add_forbidden", "only the group's admins may add members")
	ErrProjectRole     = apperr.Forbidden("chat.project_forbidden", "your role may not create project groups")
	ErrMentionAll      = apperr.Forbidden("chat.mention_all_forbidden", "only the group's owner and admins may @all")
	ErrArchived        = apperr.Conflict("chat.archived", "this conversation is archived and read-only")
	ErrOrgManaged      = apperr.Conflict("chat.org_managed", "the members of this group follow the organisation")
	ErrRecallExpired   = apperr.Conflict("chat.recall_expired", "messages can be recalled within 24 hours")
	ErrEditExpired     = apperr.Conflict("chat.edit_expired", "messages can be edited within 15 minutes")
	ErrRecalled        = apperr.Conflict("chat.recalled", "the message was recalled")
	ErrOwnerLeave      = apperr.Conflict("chat.owner_cannot_leave", "hand the group to someone else before leaving")
	ErrMentionAllLimit = apperr.RateLimited("chat.mention_all_limit", "a group may @all at most 3 times in 24 hours")
	ErrStale           = apperr.Conflict("chat.stale_version", "the group was changed by someone else; reload and try again")
)
