// @vitest-environment node
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { splitIcons } from './iconsPerModule'

describe('iconsPerModule', () => {
  it('cuts the icon package into one self-contained source per icon', () => {
    const file = createRequire(import.meta.url).resolve('@element-plus/icons-vue').replace(/index\.cjs$/, 'index.js')
    const icons = splitIcons(readFileSync(file, 'utf8'))
    expect(icons.size).toBeGreaterThan(250)
    const lock = icons.get('Lock')!
    expect(lock.code).toContain('name: "Lock"')
    expect(lock.code).toContain('from "vue"')
    expect(lock.code).not.toContain('name: "Key"')
    expect(lock.code).not.toContain('export {')
    expect(icons.get('ZoomOut')!.code).not.toContain('export {')
  })
})
