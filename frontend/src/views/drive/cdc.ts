// The drive's content-defined chunker, chunking scheme 2: a line-for-line
// copy of backend/drive/chunker (cutPoint2), so a file uploaded from the
// browser is cut into the same chunks as by the sync agent and the server,
// and stored once. cdc.test.ts checks the cuts against cdc.fixture.json,
// which a Go test writes from the Go chunker (and fails on when stale).
//
// The gear fingerprint is 32 bits, so plain `>>> 0` integer arithmetic is
// exact here; the gear table is the top half of the Go splitmix64 table,
// computed once with BigInt.

/** The scheme this chunker implements (the Go chunker's Current). */
export const CDC_SCHEME = 2
export const CDC_MIN = 64 << 10
export const CDC_AVG = 256 << 10
export const CDC_MAX = 1 << 20

const MASK_S = ((1 << 20) - 1) << 12 >>> 0 // top 20 bits before the average size
const MASK_L = ((1 << 16) - 1) << 16 >>> 0 // top 16 bits after it

const GEAR: Uint32Array = (() => {
  const g = new Uint32Array(256)
  const m = (1n << 64n) - 1n
  let x = 0x9E3779B97F4A7C15n
  for (let i = 0; i < 256; i++) {
    x = (x + 0x9E3779B97F4A7C15n) & m
    let z = x
    z = ((z ^ (z >> 30n)) * 0xBF58476D1CE4E5B9n) & m
    z = ((z ^ (z >> 27n)) * 0x94D049BB133111EBn) & m
    g[i] = Number((z ^ (z >> 31n)) >> 32n)
  }
  return g
})()

/** cutPoint is the length of the next chunk of data (data holds CDC_MAX bytes unless the input ends sooner). */
export function cutPoint(data: Uint8Array): number {
  const n = data.length
  if (n <= CDC_MIN) return n
  const end = Math.min(n, CDC_MAX)
  const normal = Math.min(end, CDC_AVG)
  let fp = 0
  let i = CDC_MIN
  for (; i < normal; i++) {
    fp = ((fp << 1) + GEAR[data[i]!]!) >>> 0
    if ((fp & MASK_S) === 0) return i + 1
  }
  for (; i < end; i++) {
    fp = ((fp << 1) + GEAR[data[i]!]!) >>> 0
    if ((fp & MASK_L) === 0) return i + 1
  }
  return end
}

/**
 * Splitter cuts a stream fed in blocks of any size: push() returns the
 * chunks that are certain (CDC_MAX bytes of look-ahead), finish() the rest.
 * Each chunk's bytes are a view valid until the next push().
 */
export class Splitter {
  private buf = new Uint8Array(0)
  private offset = 0

  push(block: Uint8Array): { offset: number; data: Uint8Array }[] {
    const joined = new Uint8Array(this.buf.length + block.length)
    joined.set(this.buf)
    joined.set(block, this.buf.length)
    return this.cut(joined, false)
  }

  finish(): { offset: number; data: Uint8Array }[] {
    return this.cut(this.buf, true)
  }

  private cut(data: Uint8Array, eof: boolean): { offset: number; data: Uint8Array }[] {
    const out: { offset: number; data: Uint8Array }[] = []
    let pos = 0
    while (pos < data.length && (eof || data.length - pos >= CDC_MAX)) {
      const c = cutPoint(data.subarray(pos, Math.min(data.length, pos + CDC_MAX)))
      out.push({ offset: this.offset, data: data.subarray(pos, pos + c) })
      this.offset += c
      pos += c
    }
    this.buf = data.slice(pos)
    return out
  }
}
