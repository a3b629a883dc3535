import { describe, expect, it } from 'vitest'
import * as Icons from '@element-plus/icons-vue'
import { buildCrumbs, extOf, fileType, formatSize, nameKey, previewKind, sortEntries, typeIcon, type FileType } from './format'

describe('formatSize', () => {
  it.each([
    [0, '0 B'], [1, '1 B'], [1023, '1023 B'], [1024, '1 KB'], [1536, '1.5 KB'], [10 * 1024 - 1, '10 KB'],
    [150 * 1024, '150 KB'], [1024 * 1024 - 1, '1 MB'], [5.25 * 1024 * 1024, '5.3 MB'], [3 * 1024 ** 3, '3 GB'], [2 * 1024 ** 4, '2 TB'],
  ])('%d bytes → %s', (n, want) => expect(formatSize(n)).toBe(want))
  it('refuses nonsense', () => {
    expect(formatSize(-1)).toBe('—')
    expect(formatSize(Number.NaN)).toBe('—')
  })
})

describe('names and types', () => {
  it('keys names like the server (NFC, case-insensitive)', () => {
    expect(nameKey('Report.PDF')).toBe(nameKey('report.pdf'))
    expect(nameKey('Cafe\u0301.txt')).toBe(nameKey('Café.txt')) // decomposed é = composed é
    expect(nameKey('a.txt')).not.toBe(nameKey('b.txt'))
  })
  it('reads extensions', () => {
    expect(extOf('a.tar.GZ')).toBe('gz')
    expect(extOf('.bashrc')).toBe('')
    expect(extOf('README')).toBe('')
  })
  it('classifies files', () => {
    expect(fileType('x.png', 'folder')).toBe('folder')
    expect(fileType('季度报告.docx', 'file')).toBe('word')
    expect(fileType('预算.XLSX', 'file')).toBe('excel')
    expect(fileType('photo.JPG', 'file')).toBe('image')
    expect(fileType('data.bin', 'file')).toBe('other')
  })
  it('has a real Element Plus icon for every type', () => {
    const types: FileType[] = ['folder', 'image', 'pdf', 'text', 'code', 'word', 'excel', 'ppt', 'archive', 'video', 'audio', 'other']
    for (const t of types) expect(Icons, t).toHaveProperty(typeIcon(t).icon)
  })
  it('detects what can be previewed', () => {
    expect(previewKind('a.png')).toBe('image')
    expect(previewKind('logo.svg')).toBe('image')
    expect(previewKind('合同.PDF')).toBe('pdf')
    expect(previewKind('notes.md')).toBe('text')
    expect(previewKind('config.json')).toBe('text')
    expect(previewKind('clip.mp4')).toBe('video')
    expect(previewKind('song.mp3')).toBe('audio')
    expect(previewKind('movie.avi')).toBeNull() // browsers do not play it
    expect(previewKind('方案.docx')).toBeNull()
    expect(previewKind('archive.zip')).toBeNull()
  })
})

describe('buildCrumbs', () => {
  const path = (n: number) => Array.from({ length: n }, (_, i) => ({ id: 'e' + i, name: 'f' + i }))
  it('is empty without a path', () => expect(buildCrumbs([], 'x')).toEqual([]))
  it('names the root after the space', () => {
    expect(buildCrumbs(path(3), '销售部')).toEqual([{ id: 'e0', name: '销售部' }, { id: 'e1', name: 'f1' }, { id: 'e2', name: 'f2' }])
  })
  it('keeps short paths whole', () => expect(buildCrumbs(path(5), 'r', 3)).toHaveLength(5))
  it('folds the middle of long paths', () => {
    const c = buildCrumbs(path(8), 'r', 3)
    expect(c.map((x) => x.name)).toEqual(['r', '…', 'f5', 'f6', 'f7'])
    expect(c[1]).toEqual({ id: 'e4', name: '…', ellipsis: true })
  })
})

describe('sortEntries', () => {
  const e = (kind: string, name: string, size: number, t: string) => ({ kind, name, size, modified_at: t })
  const items = [
    e('file', 'b.txt', 10, '2026-01-02T00:00:00Z'), e('folder', 'Z', 0, '2026-01-01T00:00:00Z'),
    e('file', 'a10.txt', 5, '2026-01-03T00:00:00Z'), e('file', 'a9.txt', 50, '2026-01-01T00:00:00Z'), e('folder', 'A', 0, '2026-01-05T00:00:00Z'),
  ]
  it('puts folders first, names in natural order', () => {
    expect(sortEntries(items, 'name', 'ascending').map((x) => x.name)).toEqual(['A', 'Z', 'a9.txt', 'a10.txt', 'b.txt'])
    expect(sortEntries(items, 'name', 'descending').map((x) => x.name)).toEqual(['Z', 'A', 'b.txt', 'a10.txt', 'a9.txt'])
  })
  it('sorts by size and by time', () => {
    expect(sortEntries(items, 'size', 'descending').map((x) => x.name)).toEqual(['Z', 'A', 'a9.txt', 'b.txt', 'a10.txt'])
    expect(sortEntries(items, 'modified_at', 'ascending').map((x) => x.name)).toEqual(['Z', 'A', 'a9.txt', 'b.txt', 'a10.txt'])
  })
  it('does not change its input', () => {
    const before = items.map((x) => x.name)
    sortEntries(items, 'size', 'ascending')
    expect(items.map((x) => x.name)).toEqual(before)
  })
})
