// Notification text in the user's language: notify.types.<type with _ for .> with the
// event data, falling back to the server's English body.
import type { Composer } from 'vue-i18n'
import type { Notification } from './api'
import { currentLocale } from '../../locales'

export function notificationText(t: Composer['t'], te: Composer['te'], n: Notification): string {
  // vue-i18n reads dots as paths: approval.task_assigned → types.approval_task_assigned
  const key = 'notify.types.' + n.type.replace(/\./g, '_')
  if (!te(key)) return n.body || n.title
  const outcome = String(n.data?.outcome ?? '')
  // Approvals send their title in both languages.
  const en = currentLocale.value === 'en' && typeof n.data?.title_en === 'string' && n.data.title_en
  return t(key, {
    title: en || n.title,
    outcome: outcome && te('notify.outcome.' + outcome) ? t('notify.outcome.' + outcome) : outcome,
    sender: String(n.data?.sender_name ?? ''),
  })
}

// DING text: the server writes automatic and reminder DINGs in English with a
// fixed prefix; show them in the user's language.
export function dingText(t: Composer['t'], message: string): string {
  if (message.startsWith('Unread: ')) return t('notify.ding.autoUnread', { title: message.slice(8) })
  if (message.startsWith('Please read: ')) return t('notify.ding.pleaseRead', { title: message.slice(13) })
  return message
}
