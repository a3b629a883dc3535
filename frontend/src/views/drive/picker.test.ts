import { describe, expect, it } from 'vitest'
import type { Role, Space, SpaceKind } from '@/api/drive'
import { canLeaveSpace, pickerSpaces } from './picker'

const sp = (id: string, kind: SpaceKind, role: Role): Space => ({ id, kind, role, name: id, description: '', root_id: 'r-' + id,
  quota_bytes: 0, used_bytes: 0, version: 1, created_at: '', updated_at: '' })
const spaces = [sp('co', 'company', 'viewer'), sp('sales', 'department', 'editor'), sp('mine', 'personal', 'manager'), sp('proj', 'project', 'manager')]
const ids = (s: Space[]) => s.map((x) => x.id)

describe('pickerSpaces', () => {
  it('keeps a move in its space when the user does not manage the items', () => {
    expect(ids(pickerSpaces(spaces, 'move', 'sales', false))).toEqual(['sales'])
  })
  it('offers every space the user edits for a move of items they manage, their own space first', () => {
    expect(ids(pickerSpaces(spaces, 'move', 'proj', true))).toEqual(['proj', 'mine', 'sales'])
    expect(ids(pickerSpaces(spaces, 'move', 'mine', true))).toEqual(['mine', 'sales', 'proj'])
  })
  it('offers every space the user edits for a copy, never one they only read', () => {
    expect(ids(pickerSpaces(spaces, 'copy', 'co', false))).toEqual(['mine', 'sales', 'proj'])
    expect(ids(pickerSpaces(spaces, 'copy', 'sales', false))).toEqual(['sales', 'mine', 'proj'])
  })
  it('offers a folder sync pair every space the user edits, or for a download-only mirror every space they read', () => {
    expect(ids(pickerSpaces(spaces, 'sync', '', false))).toEqual(['mine', 'sales', 'proj'])
    expect(ids(pickerSpaces(spaces, 'sync', '', true))).toEqual(['mine', 'co', 'sales', 'proj'])
  })
})

describe('canLeaveSpace', () => {
  it('needs manage rights on every item', () => {
    expect(canLeaveSpace([{ role: 'manager' }, { role: 'manager' }])).toBe(true)
    expect(canLeaveSpace([{ role: 'manager' }, { role: 'editor' }])).toBe(false)
    expect(canLeaveSpace([{ role: undefined }])).toBe(false)
    expect(canLeaveSpace([])).toBe(false)
  })
})
