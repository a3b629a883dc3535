import { describe, expect, it } from 'vitest'
import * as Icons from './icons'
import { routes } from './router'
import { typeIcon, type FileType } from './views/drive/format'

// A name missing here would silently show the fallback icon in the menu.
describe('icon registry', () => {
  it('has every icon named by a route', () => {
    const names = routes.map((r) => r.meta?.nav?.icon).filter((n): n is string => !!n)
    expect(names.length).toBeGreaterThan(5)
    for (const n of names) expect(Icons, n).toHaveProperty(n)
  })
  it('has every drive file-type icon', () => {
    const types: FileType[] = ['folder', 'image', 'pdf', 'text', 'code', 'word', 'excel', 'ppt', 'archive', 'video', 'audio', 'other']
    for (const t of types) expect(Icons, t).toHaveProperty(typeIcon(t).icon)
  })
})
