import { describe, expect, it } from 'vitest'
import { i18n, setLocale } from '../../locales'
import { dingLink, dingText } from './text'

const t = i18n.global.t

describe('DING text and link', () => {
  it('shows the policy DINGs in the reader\'s language', () => {
    setLocale('zh-CN')
    expect(dingText(t, 'Unread: 年会通知')).toBe('你有未读的重要通知：年会通知')
    expect(dingText(t, 'Unread (3): 年会通知; 请假审批; 安全培训')).toBe('你有 3 条未读的重要通知：年会通知；请假审批；安全培训')
    expect(dingText(t, 'Please read: 年会通知')).toBe('请阅读公告：年会通知')
    expect(dingText(t, '下午三点开会')).toBe('下午三点开会')
    setLocale('en')
    expect(dingText(t, 'Unread (2): A; B')).toBe('You have 2 unread important notices: A; B')
    setLocale('zh-CN')
  })

  it('opens what the DING is about', () => {
    expect(dingLink({ auto: true, subject_type: 'approval', subject_id: 'a1' })).toBe('/approvals/a1')
    expect(dingLink({ auto: false, subject_type: 'meeting', subject_id: 'm1' })).toBe('/meetings/m1')
    expect(dingLink({ auto: true, subject_type: 'announcement', subject_id: 'n1' })).toBe('/announcements/n1')
    expect(dingLink({ auto: true, subject_type: '', subject_id: '' })).toBe('/notifications')
    expect(dingLink({ auto: false, subject_type: '', subject_id: '' })).toBe('')
  })
})
