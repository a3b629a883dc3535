// Package meeting is the meetings domain (会议): rooms, meetings with
// RFC 5545 recurrence, attendee RSVPs, room-conflict checks, free/busy and
// "find a time", reminders, minutes published to the drive, action items as
// tasks, and iCalendar output. It knows nothing of HTTP.
package meeting
