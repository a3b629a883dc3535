import { afterEach, describe, expect, it } from 'vitest'
import { i18n, setLocale } from '../../locales'
import { notificationText } from './text'
import type { Notification } from './api'

const n = (data: Record<string, unknown>): Notification => ({
  id: '1', user_id: 'u', event_id: 1, type: 'approval.task_assigned', subject_type: 'approval', subject_id: 'a', actor_id: 'x',
  title: '李娜的请假 · 年假 · 5天', body: 'An approval is waiting for you: 李娜的请假 · 年假 · 5天', link: '/approvals/a', data, created_at: '', read_at: null,
} as unknown as Notification)

describe('approval notification text', () => {
  afterEach(() => setLocale('zh-CN'))
  it('uses the English title in English and the Chinese one in Chinese', () => {
    const note = n({ title: '李娜的请假 · 年假 · 5天', title_en: "李娜's Leave · Annual leave · 5 days" })
    const { t, te } = i18n.global
    setLocale('zh-CN')
    expect(notificationText(t, te, note)).toBe('有一条审批待你处理：李娜的请假 · 年假 · 5天')
    setLocale('en')
    expect(notificationText(t, te, note)).toBe("An approval is waiting for you: 李娜's Leave · Annual leave · 5 days")
  })
  it('falls back to the title when an event has no English one', () => {
    setLocale('en')
    const { t, te } = i18n.global
    expect(notificationText(t, te, n({}))).toBe('An approval is waiting for you: 李娜的请假 · 年假 · 5天')
  })
})
