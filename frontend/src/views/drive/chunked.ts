// The chunked browser upload for large files (the protocol of
// backend/drive/API.md, the one the sync agent uses): cut the file into
// content-defined chunks with the drive's own chunker (cdc.ts, the same cuts
// as the sync agent and the server, so the same file is stored once and an
// edited file sends only the chunks around the edit), announce the chunk list, send only the chunks the
// server is missing, then commit. A dropped connection costs one chunk:
// the upload asks the server what is still missing and goes on. Nothing is
// visible in the folder until the commit, which checks the whole-file hash.
import { isApiError } from '@/api/client'
import { CDC_SCHEME, Splitter } from './cdc'
import { Sha256, sha256Hex } from './sha256'
import type { UploadTarget } from './upload'

/** READ_SIZE is how much of the file is read at a time while chunking (chunks are up to 1 MiB, cdc.ts). */
export const READ_SIZE = 8 << 20
/** CHUNKED_ABOVE: larger files go chunked (resumable, deduplicated); smaller ones in one request. */
export const CHUNKED_ABOVE = 64 << 20

export interface UploadState { id: string; missing: string[] | null; size: number }

/** ChunkedApi is the server side of the protocol (driveApi in production). */
export interface ChunkedApi<E> {
  start(req: Record<string, unknown>, signal: AbortSignal): Promise<UploadState>
  status(id: string, signal: AbortSignal): Promise<UploadState>
  putChunk(id: string, hash: string, data: Blob, onProgress: (sent: number) => void, signal: AbortSignal): Promise<void>
  commit(id: string, signal: AbortSignal): Promise<E>
}

/** Progress: phase 'check' while hashing (done = bytes read), 'send' while sending (done = bytes the server has). */
export type ChunkProgress = (done: number, total: number, phase: 'check' | 'send') => void

interface Chunk { offset: number; size: number; hash: string }

const aborted = () => new DOMException('upload aborted', 'AbortError')

/** retryable: the network or the server failed, not the request. */
const retryable = (e: unknown) => isApiError(e) && (e.status === 0 || e.status >= 500)

export interface ChunkedOptions {
  /** How often a failing chunk is tried (each failure asks the server what is missing first). */
  attempts?: number
  /** Wait before try n (ms); tests make it 0. */
  backoff?: (n: number) => number
}

/** sendChunked uploads file to target through api; it resolves with the committed entry. */
export async function sendChunked<E>(file: Blob, target: UploadTarget, api: ChunkedApi<E>, progress: ChunkProgress, signal: AbortSignal,
  opts: ChunkedOptions = {}): Promise<E> {
  const attempts = opts.attempts ?? 6
  const backoff = opts.backoff ?? ((n: number) => Math.min(30_000, 1000 * 2 ** n))
  const { chunks, whole } = await hashChunks(file, progress, signal)
  // The bytes of the file each distinct chunk stands for (a repeated chunk counts each time).
  const bytesOf = new Map<string, number>()
  for (const c of chunks) bytesOf.set(c.hash, (bytesOf.get(c.hash) ?? 0) + c.size)
  const req = 'entryId' in target ? { entry_id: target.entryId, base_version: target.baseVersion } : { parent_id: target.parentId, name: target.name }
  // chunk_scheme: the server records it with the version, so a later edit (the sync agent's) is cut the same way.
  let state = await api.start({ ...req, size: file.size, hash: whole, chunk_scheme: CDC_SCHEME, chunks: chunks.map((c) => ({ hash: c.hash, size: c.size })) }, signal)

  for (let round = 0; ; round++) {
    const missing = new Set(state.missing ?? [])
    let have = file.size - [...missing].reduce((s, h) => s + (bytesOf.get(h) ?? 0), 0)
    progress(have, file.size, 'send')
    for (const c of chunks) {
      if (!missing.has(c.hash)) continue // on the server already, or sent for an earlier copy
      for (let n = 0; ; n++) {
        if (signal.aborted) throw aborted()
        try {
          await api.putChunk(state.id, c.hash, file.slice(c.offset, c.offset + c.size), (s) => progress(have + Math.min(s, c.size), file.size, 'send'), signal)
          break
        } catch (e) {
          if (!retryable(e) || n + 1 >= attempts) throw e
          await sleep(backoff(n), signal)
          // The chunk may have landed before the connection dropped.
          const now = await api.status(state.id, signal).catch(() => null)
          if (now && !(now.missing ?? []).includes(c.hash)) break
        }
      }
      missing.delete(c.hash)
      have += bytesOf.get(c.hash)!
      progress(have, file.size, 'send')
    }
    try {
      return await api.commit(state.id, signal)
    } catch (e) {
      // Chunks collected meanwhile (a long pause) or lost: send what is missing once more.
      if (round === 0 && isApiError(e) && e.key === 'drive.chunks_missing') {
        state = await api.status(state.id, signal)
        continue
      }
      throw e
    }
  }
}

/** hashChunks reads file once for each chunk's hash and the whole file's. */
async function hashChunks(file: Blob, progress: ChunkProgress, signal: AbortSignal): Promise<{ chunks: Chunk[]; whole: string }> {
  const whole = new Sha256()
  const out: Chunk[] = []
  const splitter = new Splitter()
  const take = async (cs: { offset: number; data: Uint8Array }[]) => {
    for (const c of cs) out.push({ offset: c.offset, size: c.data.length, hash: await hashBuffer(c.data) })
  }
  for (let offset = 0; offset < file.size; offset += READ_SIZE) {
    if (signal.aborted) throw aborted()
    const data = new Uint8Array(await file.slice(offset, offset + READ_SIZE).arrayBuffer())
    whole.update(data)
    await take(splitter.push(data))
    progress(offset + data.length, file.size, 'check')
    await new Promise((r) => setTimeout(r, 0)) // let the page paint the progress between blocks
  }
  await take(splitter.finish())
  return { chunks: out, whole: whole.hex() }
}

// Chunks are whole buffers, so WebCrypto can hash them where the page is a
// secure context (https, localhost): about ten times the speed of the
// TypeScript hash (bench/RESULTS.md). The whole-file hash must stream, so it
// always uses Sha256.
/** hashBuffer is the hex SHA-256 of a whole buffer (WebCrypto when the page may use it). */
export async function hashBuffer(data: Uint8Array): Promise<string> {
  const subtle: SubtleCrypto | undefined = globalThis.crypto?.subtle
  if (!subtle) return sha256Hex(data)
  const d = new Uint8Array(await subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>))
  let hex = ''
  for (const b of d) hex += b.toString(16).padStart(2, '0')
  return hex
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(aborted())
    const t = setTimeout(resolve, ms)
    signal.addEventListener('abort', () => { clearTimeout(t); reject(aborted()) }, { once: true })
  })
}

