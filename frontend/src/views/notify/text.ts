// Notification text in the user's language: notify.types.<type with _ for .> with the
// event data, falling back to the server's English body.
import type { Composer } from 'vue-i18n'
import type { Ding, Notification } from '@/api/notify'
import { currentLocale } from '../../locales'
import { browserTimeZone } from '../meetings/zone'
import { DingKind, EventType, type DingContent } from '@/api/events.gen'

export function notificationText(t: Composer['t'], te: Composer['te'], n: Notification): string {
  // vue-i18n reads dots as paths: approval.task_assigned → types.approval_task_assigned
  const key = 'notify.types.' + n.type.replace(/\./g, '_')
  if (!te(key)) return n.body || n.title
  const outcome = String(n.data?.outcome ?? '')
  // Approvals send their title in both languages.
  const en = currentLocale.value === 'en' && typeof n.data?.title_en === 'string' && n.data.title_en
  // A DING Tack wrote itself names its notices as fields: say it in the reader's language.
  const content = n.type === EventType.DingReceived ? (n.data?.content as DingContent | undefined) : undefined
  return t(key, {
    title: content ? dingText(t, { message: n.title, content }) : en || n.title,
    outcome: outcome && te('notify.outcome.' + outcome) ? t('notify.outcome.' + outcome) : outcome,
    sender: String(n.data?.sender_name ?? ''),
    count: Number(n.data?.count ?? 0),
  })
}

const str = (v: unknown) => (typeof v === 'string' ? v : '')

// When a meeting notice is about: the sitting it names (a moved or cancelled
// one, a reminder's) or the meeting's first, as weekday, date and hours in
// the reader's zone and language. A meeting booked in another zone (the
// Tokyo team's call) names the reader's zone, so the hours are not read as
// the meeting's own.
function meetingWhen(locale: string, n: Notification, readerZone: string): string {
  const start = str(n.data?.occurrence_start) || str(n.data?.start)
  if (!start) return ''
  const s = new Date(start)
  const end = str(n.data?.occurrence_end) || (str(n.data?.start) && str(n.data?.end)
    ? new Date(s.getTime() + new Date(str(n.data.end)).getTime() - new Date(str(n.data.start)).getTime()).toISOString() : '')
  const day = s.toLocaleDateString(locale, { month: 'numeric', day: 'numeric', weekday: 'short', timeZone: readerZone })
  const hm: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit', hour12: false, timeZone: readerZone }
  const from = s.toLocaleTimeString(locale, hm)
  const when = end ? `${day} ${from}–${new Date(end).toLocaleTimeString(locale, hm)}` : `${day} ${from}`
  const zone = str(n.data?.time_zone)
  return zone && zone !== readerZone ? `${when} (${readerZone})` : when
}

/**
 * notificationDetail is the second line of a notification: for a meeting,
 * what changed, when and where; for a task, its due date; '' when there is
 * nothing to add.
 */
export function notificationDetail(t: Composer['t'], te: Composer['te'], locale: string, n: Notification,
  readerZone: string = browserTimeZone()): string {
  if (n.type.startsWith('meeting.')) {
    const parts: string[] = []
    const changes = Array.isArray(n.data?.changes) ? (n.data.changes as string[]) : []
    if (n.type === EventType.MeetingChanged && changes.length) {
      parts.push(t('notify.detail.changed', { what: changes.map((c) => (te('notify.detail.change.' + c) ? t('notify.detail.change.' + c) : c)).join(t('notify.detail.sep')) }))
    }
    if (n.data?.occurrence_cancelled === true) parts.push(t('notify.detail.onlyThisOne'))
    const when = meetingWhen(locale, n, readerZone)
    if (when) parts.push(when)
    if (str(n.data?.where)) parts.push(str(n.data.where))
    else if (str(n.data?.online_url)) parts.push(t('notify.detail.online'))
    return parts.join(' · ')
  }
  if (n.type.startsWith('task.') && str(n.data?.due)) return t('notify.detail.due', { due: str(n.data.due) })
  if (n.type === EventType.DriveShared && str(n.data?.by)) return t('notify.detail.sharedBy', { name: str(n.data.by) })
  return ''
}

// DING text: a DING Tack wrote itself (an automatic DING, an announcement
// reminder) carries its content as fields (backend/event DingContent),
// said here in the reader's language; a person's DING has none and its
// message shows as typed, even one that looks like Tack's.
export function dingText(t: Composer['t'], d: Pick<Ding, 'message'> & { content?: DingContent | null }): string {
  const c = d.content
  if (!c || !c.items?.length) return d.message
  const en = currentLocale.value === 'en'
  const titles = c.items.map((it) => (en && it.title_en) || it.title)
  if (c.kind === DingKind.Unread && c.count > 1) {
    return t('notify.ding.autoUnreadMany', { n: c.count, titles: titles.join(t('notify.ding.listSep')) })
  }
  if (c.kind === DingKind.Unread) return t('notify.ding.autoUnread', { title: titles[0] })
  if (c.kind === DingKind.PleaseRead) return t('notify.ding.pleaseRead', { title: titles[0] })
  return d.message // a kind this UI does not know yet: the server's English
}

// The page a DING is about: its approval, meeting, announcement or conversation; an
// automatic DING about several unread notices opens the notification center.
export function dingLink(d: Pick<Ding, 'auto' | 'subject_type' | 'subject_id'>): string {
  if (d.subject_type === 'approval') return '/approvals/' + d.subject_id
  if (d.subject_type === 'meeting') return '/meetings/' + d.subject_id
  if (d.subject_type === 'announcement') return '/announcements/' + d.subject_id
  if (d.subject_type === 'chat') return '/chat/' + d.subject_id
  if (d.auto) return '/notifications'
  return ''
}
