import { describe, expect, it } from 'vitest'
import { actionsFor, bulkActions } from './actions'

describe('actionsFor', () => {
  it('gives viewers read-only actions', () => {
    expect(actionsFor({ kind: 'file', name: 'a.png', role: 'viewer' })).toEqual(['preview', 'download', 'versions', 'copy', 'permissions'])
    expect(actionsFor({ kind: 'folder', name: 'Docs', role: 'viewer' })).toEqual(['open', 'copy', 'permissions'])
  })
  it('gives editors and managers the changes too', () => {
    expect(actionsFor({ kind: 'file', name: 'a.bin', role: 'editor' })).toEqual(['download', 'versions', 'rename', 'move', 'copy', 'describe', 'permissions', 'trash'])
    expect(actionsFor({ kind: 'folder', name: 'D', role: 'manager' })).toContain('trash')
  })
  it('offers nothing that changes anything without a role', () => {
    expect(actionsFor({ kind: 'file', name: 'x.txt', role: undefined })).not.toContain('rename')
  })
})

describe('bulkActions', () => {
  it('offers what every selected entry allows', () => {
    expect(bulkActions([])).toEqual([])
    expect(bulkActions([{ kind: 'file', name: 'a', role: 'editor' }, { kind: 'folder', name: 'b', role: 'editor' }])).toEqual(['move', 'copy', 'trash'])
    expect(bulkActions([{ kind: 'file', name: 'a', role: 'editor' }, { kind: 'file', name: 'b', role: 'viewer' }])).toEqual(['copy'])
  })
})
