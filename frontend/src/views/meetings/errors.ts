// Meeting errors for display: the one errorText (composables/apiErrors.ts),
// except that a room conflict names the meeting in the way and its time,
// formatted in the reader's locale (the server sends them as fields).
import { errorText } from '@/composables/apiErrors'
import { isApiError } from '@/api/client'
import { fmtRange } from './format'

type T = (key: string, named?: Record<string, unknown>) => string
type TE = (key: string) => boolean

export function meetingErrorText(t: T, te: TE, e: unknown): string {
  if (isApiError(e) && e.key === 'meeting.room_conflict' && e.fields.conflict_title !== undefined) {
    return t('meetings.roomConflict', {
      title: e.fields.conflict_title,
      time: fmtRange(e.fields.conflict_start ?? '', e.fields.conflict_end ?? ''),
    })
  }
  return errorText(t, te, e)
}
