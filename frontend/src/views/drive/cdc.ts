// The drive's content-defined chunker, chunking schemes 2 and 3 (current):
// a line-for-line copy of backend/drive/chunker (cutPoint32), so a file uploaded from the
// browser is cut into the same chunks as by the sync agent and the server,
// and stored once. cdc.test.ts checks the cuts against cdc.fixture.json,
// which a Go test writes from the Go chunker (and fails on when stale).
//
// The gear fingerprint is 32 bits, so plain `>>> 0` integer arithmetic is
// exact here; the gear table is the top half of the Go splitmix64 table,
// computed once with BigInt.

/** A chunking scheme's bounds and cut masks (backend/drive/chunker gearParams). */
export interface CdcScheme {
  scheme: number
  min: number
  avg: number
  max: number
  maskS: number // top bits that must be zero before the average size
  maskL: number // and after it
}

const topBits = (n: number) => (((1 << n) - 1) << (32 - n)) >>> 0

/** Scheme 2 (until December 2026): 64 KiB / 256 KiB / 1 MiB. */
export const SCHEME2: CdcScheme = { scheme: 2, min: 64 << 10, avg: 256 << 10, max: 1 << 20, maskS: topBits(20), maskL: topBits(16) }
/** Scheme 3 (current): 16 KiB / 64 KiB / 256 KiB. */
export const SCHEME3: CdcScheme = { scheme: 3, min: 16 << 10, avg: 64 << 10, max: 256 << 10, maskS: topBits(18), maskL: topBits(14) }

/** The scheme new uploads use (the Go chunker's Current); the upload start names it. */
export const CURRENT: CdcScheme = SCHEME3
export const CDC_SCHEME = CURRENT.scheme
export const CDC_MIN = CURRENT.min
export const CDC_AVG = CURRENT.avg
export const CDC_MAX = CURRENT.max

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

/** cutPoint is the length of the next chunk of data (data holds p.max bytes unless the input ends sooner). */
export function cutPoint(data: Uint8Array, p: CdcScheme = CURRENT): number {
  const n = data.length
  if (n <= p.min) return n
  const end = Math.min(n, p.max)
  const normal = Math.min(end, p.avg)
  let fp = 0
  let i = p.min
  for (; i < normal; i++) {
    fp = ((fp << 1) + GEAR[data[i]!]!) >>> 0
    if ((fp & p.maskS) === 0) return i + 1
  }
  for (; i < end; i++) {
    fp = ((fp << 1) + GEAR[data[i]!]!) >>> 0
    if ((fp & p.maskL) === 0) return i + 1
  }
  return end
}

/**
 * Splitter cuts a stream fed in blocks of any size: push() returns the
 * chunks that are certain (the scheme's maximum chunk of look-ahead), finish() the rest.
 * Each chunk's bytes are a view valid until the next push().
 */
export class Splitter {
  private buf = new Uint8Array(0)
  private offset = 0

  constructor(private readonly p: CdcScheme = CURRENT) {}

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
    const max = this.p.max
    while (pos < data.length && (eof || data.length - pos >= max)) {
      const c = cutPoint(data.subarray(pos, Math.min(data.length, pos + max)), this.p)
      out.push({ offset: this.offset, data: data.subarray(pos, pos + c) })
      this.offset += c
      pos += c
    }
    this.buf = data.slice(pos)
    return out
  }
}
