// Translate an API error for display: errors.<key>, falling back to the English message.
import type { Composer } from 'vue-i18n'
import { fmtRange } from './format'

export function errorText(t: Composer['t'], te: Composer['te'], e: unknown): string {
  const err = e as { key?: string; message?: string; fields?: Record<string, string> }
  if (err?.key === 'meeting.room_conflict' && err.fields?.conflict_start !== undefined) {
    const time = fmtRange(err.fields.conflict_start, err.fields.conflict_end ?? '')
    // The server names the meeting in the way only to those who may see it.
    if (err.fields.conflict_title === undefined) return t('meetings.roomBooked', { time })
    return t('meetings.roomConflict', { title: err.fields.conflict_title, time })
  }
  if (err?.key && te('errors.' + err.key)) return t('errors.' + err.key)
  return err?.message ?? String(e)
}
