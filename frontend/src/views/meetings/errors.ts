// Meeting errors for display: the one errorText (composables/apiErrors.ts),
// except that a room conflict says when the room is taken, formatted in the
// reader's locale, and names the meeting in the way when the server does (it
// names it only to those who may see it; the times and title come as fields).
import { errorText } from '@/composables/apiErrors'
import { isApiError } from '@/api/client'
import { fmtRange } from './format'

type T = (key: string, named?: Record<string, unknown>) => string
type TE = (key: string) => boolean

export function meetingErrorText(t: T, te: TE, e: unknown): string {
  if (isApiError(e) && e.key === 'meeting.room_conflict' && e.fields.conflict_start !== undefined) {
    const time = fmtRange(e.fields.conflict_start, e.fields.conflict_end ?? '')
    if (e.fields.conflict_title === undefined) return t('meetings.roomBooked', { time })
    return t('meetings.roomConflict', { title: e.fields.conflict_title, time })
  }
  return errorText(t, te, e)
}
