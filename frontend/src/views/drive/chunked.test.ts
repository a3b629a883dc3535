import { createHash } from 'node:crypto'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { ApiError } from '@/api/client'
import { Splitter } from './cdc'
import fixtures from './cdc.fixture.json'

const fixture = fixtures[0]! // the current scheme's
import { READ_SIZE, sendChunked, type ChunkedApi, type UploadState } from './chunked'

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex')

// An in-memory server that checks what a real one checks (every chunk hashes
// to its name, the chunks add up to the announced file) and can drop a
// connection once, after the chunk has landed or before.
function server(opts: { have?: Map<string, Uint8Array>; dropOnce?: 'before' | 'after' } = {}) {
  const store = new Map<string, Uint8Array>()
  for (const [h, b] of opts.have ?? []) store.set(h, b)
  let upload: { req: any; chunks: { hash: string; size: number }[] } | null = null
  let dropped = false
  const puts: string[] = []
  const missing = () => [...new Set(upload!.chunks.map((c) => c.hash))].filter((h) => !store.has(h))
  const state = (): UploadState => ({ id: 'u1', missing: missing(), size: upload!.req.size })
  const api: ChunkedApi<{ hash: string; size: number; target: unknown }> = {
    start: async (req) => { upload = { req, chunks: req.chunks as any }; return state() },
    status: async () => state(),
    putChunk: async (_id, hash, data, onProgress) => {
      const bytes = new Uint8Array(await data.arrayBuffer())
      if (sha(bytes) !== hash) throw new ApiError(400, { code: 'invalid', key: 'drive.bad_chunk', message: '' })
      if (opts.dropOnce && !dropped) {
        dropped = true
        if (opts.dropOnce === 'after') store.set(hash, bytes)
        throw new ApiError(0, { code: 'network', key: 'network', message: 'connection reset' })
      }
      puts.push(hash)
      onProgress(bytes.length)
      store.set(hash, bytes)
    },
    commit: async () => {
      if (missing().length) throw new ApiError(409, { code: 'conflict', key: 'drive.chunks_missing', message: '' })
      const whole = new Uint8Array(upload!.req.size)
      let o = 0
      for (const c of upload!.chunks) { whole.set(store.get(c.hash)!, o); o += c.size }
      if (sha(whole) !== upload!.req.hash) throw new ApiError(400, { code: 'invalid', key: 'drive.hash_mismatch', message: '' })
      return { hash: upload!.req.hash, size: upload!.req.size, target: upload!.req.parent_id ?? upload!.req.entry_id }
    },
  }
  return { api, puts, store }
}

function file(size: number, seed = 1): Blob {
  const b = new Uint8Array(size)
  let x = seed
  for (let i = 0; i < size; i++) { x = (x * 1103515245 + 12345) >>> 0; b[i] = x >>> 24 }
  return new Blob([b])
}

// The content-defined chunks of b (hash and size), as the Go chunker cuts them.
function cdc(b: Uint8Array): { hash: string; size: number }[] {
  const s = new Splitter()
  return [...s.push(b), ...s.finish()].map((c) => ({ hash: sha(c.data), size: c.data.length }))
}
const distinct = (b: Uint8Array) => new Set(cdc(b).map((c) => c.hash)).size
const bytesOf = async (f: Blob) => new Uint8Array(await f.arrayBuffer())
const MiB = 1 << 20

const never = new AbortController().signal
const quick = { backoff: () => 0 }

// Each test hashes megabytes in pure JS (the chunker, the SHA-256 of every
// chunk and of the whole file, and the fake server hashing them again): well
// under a second on an idle machine, but far over Vitest's 5 s default on a
// loaded one (issue 13). A timeout here would say nothing about the code.
const HASHING = 120_000

describe('chunked upload', { timeout: HASHING }, () => {
  afterEach(() => vi.unstubAllGlobals())

  it('works on a plain-http page too, where WebCrypto is missing', async () => {
    vi.stubGlobal('crypto', undefined)
    expect(globalThis.crypto).toBeUndefined()
    const f = file(3 * MiB + 77, 3)
    const s = server()
    const e = await sendChunked(f, { parentId: 'p', name: 'x' }, s.api, () => {}, never, quick)
    expect(e.hash).toBe(sha(await bytesOf(f)))
    expect(s.puts).toHaveLength(distinct(await bytesOf(f)))
    expect(s.puts.length).toBeGreaterThan(3)
  })

  it('hashes the file in chunks, sends each chunk once and commits the whole', async () => {
    const f = file(2 * READ_SIZE + 12345)
    const s = server()
    const seen: [number, string][] = []
    const e = await sendChunked(f, { parentId: 'folder1', name: 'big.bin' }, s.api, (done, _t, phase) => seen.push([done, phase]), never, quick)
    expect(e.hash).toBe(sha(new Uint8Array(await f.arrayBuffer())))
    expect(e.target).toBe('folder1')
    expect(s.puts).toHaveLength(distinct(await bytesOf(f)))
    // Progress: reading first, then sending, ending at the whole size; never backwards within a phase.
    const check = seen.filter(([, p]) => p === 'check').map(([d]) => d)
    const send = seen.filter(([, p]) => p === 'send').map(([d]) => d)
    expect(check[check.length - 1]).toBe(f.size)
    expect(send[send.length - 1]).toBe(f.size)
    expect([...send].sort((a, b) => a - b)).toEqual(send)
    expect(seen.findIndex(([, p]) => p === 'send')).toBeGreaterThan(seen.findLastIndex(([, p]) => p === 'check'))
  })

  it('sends only the chunks the server does not have (a new version of a big file)', async () => {
    const f = file(8 * MiB)
    const bytes = await bytesOf(f)
    const first = cdc(bytes)[0]!
    const s = server({ have: new Map([[first.hash, bytes.slice(0, first.size)]]) })
    await sendChunked(f, { entryId: 'e1', baseVersion: 4 }, s.api, () => {}, never, quick)
    expect(s.puts).toHaveLength(distinct(bytes) - 1)
    expect(s.puts).not.toContain(first.hash)
  })

  it('sends a chunk that repeats in the file once, and counts it for every copy', async () => {
    const part = await bytesOf(file(2 * MiB, 5))
    const f = new Blob([part, part, part, new Uint8Array([1, 2, 3])])
    const s = server()
    const sent: number[] = []
    const e = await sendChunked(f, { parentId: 'p', name: 'twice.bin' }, s.api, (d, _t, p) => { if (p === 'send') sent.push(d) }, never, quick)
    expect(e.size).toBe(f.size)
    const all = cdc(await bytesOf(f))
    expect(s.puts).toHaveLength(distinct(await bytesOf(f)))
    expect(s.puts.length).toBeLessThan(all.length)
    expect(sent[sent.length - 1]).toBe(f.size)
  })

  it('goes on after a dropped connection, whether or not the chunk had landed', async () => {
    for (const when of ['before', 'after'] as const) {
      const f = file(2 * MiB + 1, 7)
      const n = distinct(await bytesOf(f))
      const s = server({ dropOnce: when })
      const e = await sendChunked(f, { parentId: 'p', name: 'x' }, s.api, () => {}, never, quick)
      expect(e.size, when).toBe(f.size)
      expect(s.puts.length, when).toBe(when === 'before' ? n : n - 1)
    }
  })

  it('gives up on a refused chunk at once, and on a cancel', async () => {
    const s = server()
    const bad = { ...s.api, putChunk: async () => { throw new ApiError(413, { code: 'too_large', key: 'drive.quota_exceeded', message: '' }) } }
    await expect(sendChunked(file(MiB + 1), { parentId: 'p', name: 'x' }, bad, () => {}, never, quick)).rejects.toMatchObject({ key: 'drive.quota_exceeded' })
    const ctl = new AbortController()
    ctl.abort()
    await expect(sendChunked(file(10), { parentId: 'p', name: 'x' }, s.api, () => {}, ctl.signal, quick)).rejects.toMatchObject({ name: 'AbortError' })
  })

  it('announces the chunks the Go chunker makes, so browser and sync agent uploads deduplicate', async () => {
    let x = fixture.seed >>> 0
    const b = new Uint8Array(fixture.size)
    for (let i = 0; i < b.length; i += 4) {
      x = (x ^ (x << 13)) >>> 0; x = (x ^ (x >>> 17)) >>> 0; x = (x ^ (x << 5)) >>> 0
      for (let j = 0; j < 4 && i + j < b.length; j++) b[i + j] = (x >>> (8 * j)) & 0xff
    }
    const s = server()
    let announced: unknown = null
    let scheme: unknown = null
    const api = { ...s.api, start: (req: Record<string, unknown>, sig: AbortSignal) => { announced = req.chunks; scheme = req.chunk_scheme; return s.api.start(req, sig) } }
    await sendChunked(new Blob([b]), { parentId: 'p', name: 'x' }, api, () => {}, never, quick)
    expect(announced).toEqual(fixture.chunks.map((c) => ({ hash: c.hash, size: c.size })))
    expect(scheme).toBe(fixture.scheme)
  })

  it('an edited big file sends only the chunks around the edit', async () => {
    const orig = await bytesOf(file(16 * MiB, 9))
    const s = server()
    await sendChunked(new Blob([orig]), { parentId: 'p', name: 'big' }, s.api, () => {}, never, quick)
    const edited = orig.slice()
    edited.set(await bytesOf(file(MiB, 10)), 8 * MiB)
    const before = s.puts.length
    await sendChunked(new Blob([edited]), { entryId: 'e1', baseVersion: 1 }, s.api, () => {}, never, quick)
    const sent = s.puts.slice(before).reduce((n, h) => n + s.store.get(h)!.length, 0)
    expect(sent).toBeGreaterThanOrEqual(MiB)
    expect(sent).toBeLessThan(2_000_000)
  })
})
