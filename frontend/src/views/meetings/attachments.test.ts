import { describe, expect, it } from 'vitest'
import { driveEntryId, withSuffix } from './attachments'

describe('meeting attachments', () => {
  it('knows a drive file from a web address', () => {
    expect(driveEntryId('/drive/entries/01abc')).toBe('01abc')
    expect(driveEntryId('/drive/f/01abc')).toBe('')
    expect(driveEntryId('/drive/entries/01abc/x')).toBe('')
    expect(driveEntryId('https://example.com/a.pdf')).toBe('')
  })
  it('names a second upload of the same file apart', () => {
    expect(withSuffix('方案.pdf', 2)).toBe('方案 (2).pdf')
    expect(withSuffix('README', 3)).toBe('README (3)')
    expect(withSuffix('.env', 2)).toBe('.env (2)')
  })
})
