import { createHash, randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { Sha256, sha256Hex } from './sha256'

const enc = (s: string) => new TextEncoder().encode(s)

describe('sha256', () => {
  it('matches the FIPS 180-4 test vectors', () => {
    expect(sha256Hex(enc(''))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
    expect(sha256Hex(enc('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
    expect(sha256Hex(enc('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')))
      .toBe('248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1')
    const h = new Sha256()
    const a = new Uint8Array(1000).fill(0x61)
    for (let i = 0; i < 1000; i++) h.update(a)
    expect(h.hex()).toBe('cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0')
  })

  it('gives the same hash however the input is split, at every padding edge', () => {
    for (const n of [55, 56, 63, 64, 65, 119, 120, 128, 1000, 70_001]) {
      const data = new Uint8Array(randomBytes(n))
      const want = createHash('sha256').update(data).digest('hex')
      expect(sha256Hex(data), `length ${n}`).toBe(want)
      const h = new Sha256()
      for (let o = 0, step = 1; o < n; o += step, step = (step * 7 + 3) % 97 + 1) h.update(data.subarray(o, Math.min(n, o + step)))
      expect(h.hex(), `length ${n} in pieces`).toBe(want)
    }
  })
})
