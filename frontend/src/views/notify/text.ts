// Notification text in the user's language: notify.types.<type with _ for .> with the
// event data, falling back to the server's English body.
import type { Composer } from 'vue-i18n'
import type { Ding, Notification } from './api'

export function notificationText(t: Composer['t'], te: Composer['te'], n: Notification): string {
  // vue-i18n reads dots as paths: approval.task_assigned → types.approval_task_assigned
  const key = 'notify.types.' + n.type.replace(/\./g, '_')
  if (!te(key)) return n.body || n.title
  const outcome = String(n.data?.outcome ?? '')
  return t(key, {
    title: n.title,
    outcome: outcome && te('notify.outcome.' + outcome) ? t('notify.outcome.' + outcome) : outcome,
    sender: String(n.data?.sender_name ?? ''),
  })
}

// DING text: the server writes automatic and reminder DINGs in English with a
// fixed prefix; show them in the user's language.
export function dingText(t: Composer['t'], message: string): string {
  if (message.startsWith('Unread: ')) return t('notify.ding.autoUnread', { title: message.slice(8) })
  const many = /^Unread \((\d+)\): ([\s\S]*)$/.exec(message)
  if (many) return t('notify.ding.autoUnreadMany', { n: Number(many[1]), titles: many[2].split('; ').join(t('notify.ding.listSep')) })
  if (message.startsWith('Please read: ')) return t('notify.ding.pleaseRead', { title: message.slice(13) })
  return message
}

// The page a DING is about: its approval, meeting or announcement; an
// automatic DING about several unread notices opens the notification center.
export function dingLink(d: Pick<Ding, 'auto' | 'subject_type' | 'subject_id'>): string {
  if (d.subject_type === 'approval') return '/approvals/' + d.subject_id
  if (d.subject_type === 'meeting') return '/meetings/' + d.subject_id
  if (d.subject_type === 'announcement') return '/announcements/' + d.subject_id
  if (d.auto) return '/notifications'
  return ''
}
