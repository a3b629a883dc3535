import { afterEach, describe, expect, it } from 'vitest'
import { i18n, setLocale } from '../../locales'
import { dingLink, dingText, notificationDetail, notificationText } from './text'
import type { Notification } from '@/api/notify'
import { DingKind } from '@/api/events.gen'

const t = i18n.global.t
const te = i18n.global.te
const note = (type: string, data: Record<string, unknown>) => ({ type, data, title: 'x' }) as unknown as Notification

describe('DING text and link', () => {
  it('shows the DINGs Tack writes in the reader\'s language, from their fields', () => {
    const auto = (count: number, ...titles: string[]) =>
      ({ message: 'ignored', content: { kind: DingKind.Unread, count, items: titles.map((title) => ({ title })) } })
    const pleaseRead = { message: 'Please read: 年会通知', content: { kind: DingKind.PleaseRead, count: 1, items: [{ title: '年会通知' }] } }
    setLocale('zh-CN')
    expect(dingText(t, auto(1, '年会通知'))).toBe('你有未读的重要通知：年会通知')
    expect(dingText(t, auto(3, '年会通知', '请假审批', '安全培训'))).toBe('你有 3 条未读的重要通知：年会通知；请假审批；安全培训')
    expect(dingText(t, pleaseRead)).toBe('请阅读公告：年会通知')
    expect(dingText(t, { message: '下午三点开会' })).toBe('下午三点开会')
    setLocale('en')
    expect(dingText(t, auto(2, 'A', 'B'))).toBe('You have 2 unread important notices: A; B')
    expect(dingText(t, auto(12, 'A', 'B'))).toBe('You have 12 unread important notices: A; B')
    expect(dingText(t, pleaseRead)).toBe('Please read: 年会通知')
    // An approval's English title, for the English reader.
    expect(dingText(t, { message: 'x', content: { kind: DingKind.Unread, count: 1, items: [{ title: '请假', title_en: 'Leave' }] } }))
      .toBe('You have not read: Leave')
    setLocale('zh-CN')
    // A kind this UI does not know: the server's English text.
    expect(dingText(t, { message: 'Late: X', content: { kind: 'late' as DingKind, count: 1, items: [{ title: 'X' }] } })).toBe('Late: X')
  })

  it('has a text for every kind of DING Tack writes, in both languages', () => {
    for (const locale of ['zh-CN', 'en'] as const) {
      setLocale(locale)
      for (const kind of Object.values(DingKind)) {
        const text = dingText(t, { message: 'server English', content: { kind, count: 1, items: [{ title: 'T' }] } })
        expect(text, `${locale} ${kind}`).not.toBe('server English')
        expect(text).toContain('T')
      }
    }
    setLocale('zh-CN')
  })

  it('shows a person\'s words as typed, even when they look like Tack\'s', () => {
    setLocale('zh-CN')
    for (const message of ['Unread: 工资调整通知', 'Unread (2): 工资; 奖金', 'Please read: 新的报销规定']) {
      expect(dingText(t, { message })).toBe(message)
      expect(dingText(t, { message, content: null })).toBe(message)
    }
  })

  it('says an automatic DING in the notification list in the reader\'s language', () => {
    const n = { ...note('ding.received', { sender_name: 'Tack', auto: true,
      content: { kind: DingKind.Unread, count: 2, items: [{ title: 'A' }, { title: 'B' }] } }), title: 'Unread (2): A; B' } as Notification
    setLocale('zh-CN')
    expect(notificationText(t, te, n)).toBe('Tack 的 DING：你有 2 条未读的重要通知：A；B')
    setLocale('en')
    expect(notificationText(t, te, n)).toBe('DING from Tack: You have 2 unread important notices: A; B')
    setLocale('zh-CN')
  })

  it('names who sent a DING in the notification list', () => {
    setLocale('zh-CN')
    const n = { ...note('ding.received', { sender_name: '张伟' }), title: '请重新登录' } as Notification
    expect(notificationText(t, te, n)).toBe('张伟 的 DING：请重新登录')
    setLocale('en')
    expect(notificationText(t, te, n)).toBe('DING from 张伟: 请重新登录')
    setLocale('zh-CN')
  })

  it('counts a group\'s messages during the reader\'s meeting', () => {
    setLocale('zh-CN')
    const n = { ...note('chat.busy_summary', { count: 4 }), title: '项目群' } as Notification
    expect(notificationText(t, te, n)).toBe('会议期间「项目群」有 4 条新消息')
    setLocale('en')
    expect(notificationText(t, te, n)).toBe('While you were in a meeting, 项目群 got 4 new messages')
    setLocale('zh-CN')
  })

  it('opens what the DING is about', () => {
    expect(dingLink({ auto: true, subject_type: 'approval', subject_id: 'a1' })).toBe('/approvals/a1')
    expect(dingLink({ auto: false, subject_type: 'meeting', subject_id: 'm1' })).toBe('/meetings/m1')
    expect(dingLink({ auto: true, subject_type: 'announcement', subject_id: 'n1' })).toBe('/announcements/n1')
    expect(dingLink({ auto: false, subject_type: 'chat', subject_id: 'c1' })).toBe('/chat/c1')
    expect(dingLink({ auto: true, subject_type: '', subject_id: '' })).toBe('/notifications')
    expect(dingLink({ auto: false, subject_type: '', subject_id: '' })).toBe('')
  })
})

describe('notification detail', () => {
  // The test runs in TZ=UTC unless set; the times below are read back in the same zone.
  const hm = (iso: string) => new Date(iso).toLocaleTimeString('zh-CN', { hour: '2-digit', minute: '2-digit', hour12: false })

  it('says what changed, when and where', () => {
    setLocale('zh-CN')
    const d = notificationDetail(t, te, 'zh-CN', note('meeting.changed', {
      start: '2026-12-08T07:00:00Z', end: '2026-12-08T08:00:00Z', where: '松 · 大会议室 3F 东', changes: ['time', 'place'] }))
    expect(d.startsWith('时间、地点有变 · ')).toBe(true)
    expect(d).toContain(`${hm('2026-12-08T07:00:00Z')}–${hm('2026-12-08T08:00:00Z')}`)
    expect(d.endsWith(' · 松 · 大会议室 3F 东')).toBe(true)
  })

  it('names the sitting of a series, and an online meeting as such', () => {
    const d = notificationDetail(t, te, 'zh-CN', note('meeting.reminder', {
      start: '2026-12-07T02:00:00Z', end: '2026-12-07T03:00:00Z', occurrence_start: '2026-12-14T02:30:00Z',
      occurrence_end: '2026-12-14T03:30:00Z', where: '', online_url: 'https://meet.example.com/x' }))
    expect(d).toContain(`${hm('2026-12-14T02:30:00Z')}–${hm('2026-12-14T03:30:00Z')}`)
    expect(d.endsWith(' · 线上会议')).toBe(true)
    const cancelled = notificationDetail(t, te, 'zh-CN', note('meeting.cancelled', {
      start: '2026-12-07T02:00:00Z', end: '2026-12-07T03:00:00Z', occurrence_start: '2026-12-14T02:00:00Z', occurrence_cancelled: true, where: '竹' }))
    expect(cancelled.startsWith('仅这一次 · ')).toBe(true)
  })

  it('names the reader\'s zone when the meeting was booked in another', () => {
    setLocale('zh-CN')
    const data = { start: '2026-12-08T02:00:00Z', end: '2026-12-08T03:00:00Z', time_zone: 'Asia/Tokyo', where: '' }
    const other = notificationDetail(t, te, 'zh-CN', note('meeting.invited', data), 'Asia/Shanghai')
    expect(other).toContain('10:00–11:00 (Asia/Shanghai)')
    const same = notificationDetail(t, te, 'zh-CN', note('meeting.invited', data), 'Asia/Tokyo')
    expect(same).not.toContain('(')
    expect(same).toContain('11:00–12:00')
  })

  it('gives a task its due date and a shared file its sharer, in English too', () => {
    expect(notificationDetail(t, te, 'zh-CN', note('task.assigned', { due: '2026-12-10' }))).toBe('截止 2026-12-10')
    expect(notificationDetail(t, te, 'zh-CN', note('approval.task_assigned', {}))).toBe('')
    setLocale('en')
    expect(notificationDetail(t, te, 'en', note('drive.shared', { by: '王芳' }))).toBe('shared by 王芳')
    expect(notificationDetail(t, te, 'en', note('meeting.changed', { start: '2026-12-08T07:00:00Z', changes: ['details'] })).startsWith('New details · ')).toBe(true)
    setLocale('zh-CN')
  })
})

const approvalNote = (data: Record<string, unknown>): Notification => ({
  id: '1', user_id: 'u', event_id: 1, type: 'approval.task_assigned', subject_type: 'approval', subject_id: 'a', actor_id: 'x',
  title: '李娜的请假 · 年假 · 5天', body: 'An approval is waiting for you: 李娜的请假 · 年假 · 5天', link: '/approvals/a', data, created_at: '', read_at: null,
} as unknown as Notification)

describe('approval notification text', () => {
  afterEach(() => setLocale('zh-CN'))
  it('uses the English title in English and the Chinese one in Chinese', () => {
    const note = approvalNote({ title: '李娜的请假 · 年假 · 5天', title_en: "李娜's Leave · Annual leave · 5 days" })
    const { t, te } = i18n.global
    setLocale('zh-CN')
    expect(notificationText(t, te, note)).toBe('有一条审批待你处理：李娜的请假 · 年假 · 5天')
    setLocale('en')
    expect(notificationText(t, te, note)).toBe("An approval is waiting for you: 李娜's Leave · Annual leave · 5 days")
  })
  it('falls back to the title when an event has no English one', () => {
    setLocale('en')
    const { t, te } = i18n.global
    expect(notificationText(t, te, approvalNote({}))).toBe('An approval is waiting for you: 李娜的请假 · 年假 · 5天')
  })
})
