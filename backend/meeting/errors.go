package meeting

import "tack/backend/apperr"

// Sentinel errors; the key is the frontend i18n key under "errors.".
var (
	ErrMeetingNotFound = apperr.NotFound("meeting.not_found", "meeting not found")
	ErrRoomNotFound    = apperr.NotFound("meeting.room_not_found", "room not found")
	ErrTaskNotFound    = apperr.NotFound("meeting.task_not_found", "task not found")
	ErrNotOrganizer    = apperr.Forbidden("meeting.not_organizer", "only the organizer or an administrator may change this meeting")
	ErrAdminOnly       = apperr.Forbidden("meeting.admin_only", "only administrators manage rooms")
	ErrStale           = apperr.Conflict("meeting.stale_version", "the meeting was changed by someone else; reload and try again")
	ErrRoomStale       = apperr.Conflict("meeting.room_stale_version", "the room was changed by someone else; reload and try again")
	ErrMinutesStale    = apperr.Conflict("meeting.minutes_stale_version", "the minutes were changed by someone else; reload and try again")
	ErrTaskStale       = apperr.Conflict("meeting.task_stale_version", "the task was changed by someone else; reload and try again")
	ErrCancelled       = apperr.Conflict("meeting.cancelled", "the meeting has been cancelled")
	ErrNotAttendee     = apperr.Forbidden("meeting.not_attendee", "only invited attendees may answer")
	ErrNotMinuteTaker  = apperr.Forbidden("meeting.not_minute_taker", "only the minute-taker or the organizer may write the minutes")
	ErrNoPublisher     = apperr.Conflict("meeting.drive_unavailable", "the drive is not available to publish minutes")
	ErrBadToken        = apperr.NotFound("meeting.calendar_not_found", "no calendar for this link")
)
