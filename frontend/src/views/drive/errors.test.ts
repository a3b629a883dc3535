import { describe, expect, it } from 'vitest'
import { i18n } from '../../locales'
import { ApiError } from '@/api/client'
import { driveErrorText } from './errors'

const { t, te } = i18n.global
const text = (e: unknown) => driveErrorText(t as never, te as never, e)

describe('driveErrorText', () => {
  it('translates drive error keys into zh-CN', () => {
    expect(text(new ApiError(403, { code: 'forbidden', key: 'drive.forbidden', message: 'no' }))).toBe('你没有权限执行此操作')
  })
  it('says what is wrong with a refused name', () => {
    const e = new ApiError(400, { code: 'invalid', key: 'drive.name_invalid', message: 'bad', fields: { name: 'slash' } })
    expect(text(e)).toBe('这个名称不能用作文件或文件夹名：名称不能包含 / 或 \\')
  })
  it('fills the limits a batch upload ran into', () => {
    const e = new ApiError(413, { code: 'too_large', key: 'drive.batch_too_many', message: 'too many', fields: { max_items: '1000' } })
    expect(text(e)).toBe('一次批量上传最多 1000 个文件，请分批上传')
  })
  it('falls back to the server message for unknown keys, and to the generic text for 5xx', () => {
    expect(text(new ApiError(409, { code: 'conflict', key: 'drive.something_new', message: 'Something new' }))).toBe('Something new')
    expect(text(new ApiError(500, { code: 'internal', key: '', message: 'boom' }))).toBe(t('errors.internal'))
  })
})
