import { describe, expect, it } from 'vitest'
import { ApiError } from '../api/client'
import { i18n, setLocale } from '../locales'
import { errorText, fieldText } from './apiErrors'
import { meetingErrorText } from '../views/meetings/errors'
import { driveErrorText } from '../views/drive/errors'

// The one errorText every view uses (the approvals, meetings and notify copies
// are gone), and the two domain wrappers that add detail on top of it.
const { t, te } = i18n.global as unknown as { t: (k: string, n?: Record<string, unknown>) => string; te: (k: string) => boolean }
const apiErr = (status: number, key: string, message = 'english', fields?: Record<string, string>) =>
  new ApiError(status, { code: 'x', key, message, fields })

describe('errorText', () => {
  setLocale('zh-CN')

  it('translates errors.<key> of any domain', () => {
    expect(errorText(t, te, apiErr(409, 'org.stale_version'))).toBe('该记录已被他人修改，请刷新后重试')
    expect(errorText(t, te, apiErr(400, 'meeting.room_conflict'))).toBe('会议室在该时段已被占用')
    expect(errorText(t, te, apiErr(429, 'ding.rate_limited'))).toBe('今天发送的 DING 已达上限')
    expect(errorText(t, te, apiErr(404, 'approval.not_found'))).toBe(t('errors.approval.not_found'))
    expect(t('errors.approval.not_found')).not.toBe('errors.approval.not_found')
  })

  it('fills the message\'s placeholders from the error\'s fields', () => {
    const msg = t('errors.drive.batch_too_many', { max_items: '100' })
    expect(msg).toContain('100') // the key exists and takes {max_items}
    expect(errorText(t, te, apiErr(400, 'drive.batch_too_many', 'x', { max_items: '100' }))).toBe(msg)
  })

  it('says "server error" for an untranslated 5xx, and the server\'s words for an untranslated 4xx', () => {
    expect(errorText(t, te, apiErr(502, '', 'Bad Gateway'))).toBe('服务器出错了，请稍后再试')
    expect(errorText(t, te, apiErr(400, 'somewhere.unknown_key', 'the server said no'))).toBe('the server said no')
  })

  it('shows any other thrown value as it is', () => {
    expect(errorText(t, te, new Error('boom'))).toBe('boom')
    expect(errorText(t, te, 'plain string')).toBe('plain string')
    expect(errorText(t, te, null)).toBe('null')
  })

  it('looks up a field problem from the most specific text to the common one', () => {
    expect(fieldText(t, te, 'org', 'email', 'duplicate')).toBe('该邮箱已被使用')
    expect(fieldText(t, te, 'org', 'admin.email', 'duplicate')).toBe('该邮箱已被使用') // nested: the last segment
    expect(fieldText(t, te, 'org', 'phone', 'duplicate')).toBe('已存在') // org.field.duplicate
    expect(fieldText(t, te, 'org', 'x', 'no_such_problem')).toBe('no_such_problem')
  })
})

describe('the domain wrappers', () => {
  setLocale('zh-CN')

  it('a room conflict names the meeting in the way and its time; other meeting errors are the one errorText', () => {
    const e = apiErr(409, 'meeting.room_conflict', 'x', { conflict_title: '周会', conflict_start: '2026-01-06T02:00:00Z', conflict_end: '2026-01-06T03:00:00Z' })
    const text = meetingErrorText(t, te, e)
    expect(text).toMatch(/^会议室已被「周会」占用（.+）$/)
    const hidden = apiErr(409, 'meeting.room_conflict', 'x', { conflict_start: '2026-01-06T02:00:00Z', conflict_end: '2026-01-06T03:00:00Z' })
    expect(meetingErrorText(t, te, hidden)).toMatch(/^会议室在该时段已被预订（.+）$/) // a meeting the reader may not see: no title
    expect(meetingErrorText(t, te, apiErr(409, 'meeting.room_conflict'))).toBe('会议室在该时段已被占用') // no fields: the plain text
    expect(meetingErrorText(t, te, apiErr(409, 'org.stale_version'))).toBe(errorText(t, te, apiErr(409, 'org.stale_version')))
  })

  it('a bad drive name says what is wrong with it', () => {
    expect(driveErrorText(t, te, apiErr(400, 'drive.name_invalid', 'x', { name: 'windows_reserved' })))
      .toBe(t('errors.drive.name_invalid') + '：' + t('drive.nameProblem.windows_reserved'))
  })
})
