import { describe, expect, it } from 'vitest'
import { batchForm } from './drive'

describe('batchForm', () => {
  it('puts the manifest first, with each file target, size and SHA-256, then the files in order', async () => {
    const form = await batchForm([
      { file: new Blob(['abc']), target: { parentId: 'p1', name: 'a.txt' } },
      { file: new Blob(['']), target: { entryId: 'e1', baseVersion: 3 } },
    ])
    const parts = [...form.entries()]
    expect(parts.map(([k]) => k)).toEqual(['manifest', 'file', 'file'])
    expect(JSON.parse(parts[0][1] as string)).toEqual({ items: [
      { parent_id: 'p1', name: 'a.txt', size: 3, hash: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad' },
      { entry_id: 'e1', base_version: 3, size: 0, hash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' },
    ] })
    expect(await (parts[1][1] as Blob).text()).toBe('abc')
  })
})
