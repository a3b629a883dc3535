// The web UI names event types by the generated contract (events.gen.ts,
// from backend/event), never as bare strings, so a renamed or removed type
// fails the typecheck instead of silently matching nothing.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { EventType } from './events.gen'

const src = path.resolve(__dirname, '..')

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f)
    if (statSync(p).isDirectory()) return sources(p)
    return /\.(ts|vue)$/.test(f) && !f.endsWith('.test.ts') && !f.endsWith('.gen.ts') ? [p] : []
  })
}

describe('event contract', () => {
  it('is used by name, not by bare type strings', () => {
    const types = Object.values(EventType) as string[]
    const bare: string[] = []
    for (const file of sources(src)) {
      const text = readFileSync(file, 'utf8')
      for (const typ of types) {
        if (text.includes(`'${typ}'`) || text.includes(`"${typ}"`)) bare.push(`${path.relative(src, file)}: ${typ}`)
      }
    }
    expect(bare).toEqual([])
  })
})
