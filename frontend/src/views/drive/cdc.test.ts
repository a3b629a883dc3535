import { describe, expect, it } from 'vitest'
import { createHash } from 'node:crypto'
import fixtures from './cdc.fixture.json'
import { CDC_SCHEME, SCHEME2, SCHEME3, Splitter, type CdcScheme } from './cdc'

// The same bytes as xorshiftBytes in backend/drive/chunker/chunker_test.go.
function xorshiftBytes(seed: number, n: number): Uint8Array {
  const b = new Uint8Array(n)
  let x = seed >>> 0
  for (let i = 0; i < n; i += 4) {
    x = (x ^ (x << 13)) >>> 0
    x = (x ^ (x >>> 17)) >>> 0
    x = (x ^ (x << 5)) >>> 0
    for (let j = 0; j < 4 && i + j < n; j++) b[i + j] = (x >>> (8 * j)) & 0xff
  }
  return b
}

const sha = (d: Uint8Array) => createHash('sha256').update(d).digest('hex')

function chunks(data: Uint8Array, block: number, p: CdcScheme) {
  const s = new Splitter(p)
  const out: { offset: number; size: number; hash: string }[] = []
  const take = (cs: { offset: number; data: Uint8Array }[]) => { for (const c of cs) out.push({ offset: c.offset, size: c.data.length, hash: sha(c.data) }) }
  for (let o = 0; o < data.length; o += block) take(s.push(data.subarray(o, o + block)))
  take(s.finish())
  return out
}

const schemes: Record<number, CdcScheme> = { 2: SCHEME2, 3: SCHEME3 }

it('the fixture starts with the current scheme', () => {
  expect(fixtures[0]!.scheme).toBe(CDC_SCHEME)
  expect(fixtures.map((f) => f.scheme).sort()).toEqual([2, 3])
})

describe.each(fixtures)('content-defined chunker, scheme $scheme', (fixture) => {
  const p = schemes[fixture.scheme]!
  const data = xorshiftBytes(fixture.seed, fixture.size)

  it('cuts where the Go chunker does (cdc.fixture.json)', () => {
    expect(chunks(data, 8 << 20, p)).toEqual(fixture.chunks)
  })

  it('does not depend on how the file is read', () => {
    expect(chunks(data, 100_003, p)).toEqual(fixture.chunks)
    expect(chunks(data, p.max + 1, p)).toEqual(fixture.chunks)
  })

  it('keeps chunks within bounds and the empty file has none', () => {
    const cs = fixture.chunks
    cs.forEach((c, i) => {
      expect(c.size).toBeLessThanOrEqual(p.max)
      if (i < cs.length - 1) expect(c.size).toBeGreaterThanOrEqual(p.min)
    })
    expect(chunks(new Uint8Array(0), 1024, p)).toEqual([])
  })

  it('an edit in the middle changes only the chunks around it', () => {
    const before = new Set(fixture.chunks.map((c) => c.hash))
    const edited = data.slice()
    edited.set(xorshiftBytes(7, 256 << 10), 3 << 20)
    const sent = chunks(edited, 8 << 20, p).filter((c) => !before.has(c.hash)).reduce((s, c) => s + c.size, 0)
    expect(sent).toBeGreaterThanOrEqual(256 << 10)
    expect(sent).toBeLessThan((256 << 10) + 4 * p.avg)
  })
})
