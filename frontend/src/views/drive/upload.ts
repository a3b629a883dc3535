// The browser upload queue: every dropped or chosen file becomes one item
// sent by the injected sender (queue.ts: one request for most files, the
// chunked protocol for large ones, which first reads the file to hash it:
// the 'checking' state). A
// file whose name is already taken in the folder by a file is uploaded as a
// new version of that file (entry_id + base_version); the server keeps the
// old content in the history. Pure logic: the sender is injected.
import { isApiError } from '@/api/client'
import { nameKey } from './format'

export type UploadStatus = 'queued' | 'checking' | 'uploading' | 'processing' | 'done' | 'error' | 'cancelled'

/** isLive: the item is still waiting or running (it can be cancelled). */
export const isLive = (s: UploadStatus) => s === 'queued' || s === 'checking' || s === 'uploading' || s === 'processing'

export interface UploadFile { name: string; size: number }

export interface Existing { id: string; kind: 'folder' | 'file'; name: string; version: number }

/** UploadTarget is where an item goes: a new file in a folder, or a new version of a file. */
export type UploadTarget = { parentId: string; name: string } | { entryId: string; baseVersion: number }

export interface UploadItem<F extends UploadFile = UploadFile, R = unknown> {
  id: number
  file: F
  name: string
  parentId: string
  /** new: a new file; version: a new version of entryId (same name in the folder). */
  mode: 'new' | 'version'
  entryId: string
  baseVersion: number
  status: UploadStatus
  sent: number
  total: number
  error: unknown
  result: R | null
  /** single: send this item on its own (a batch it was in was refused as a whole). */
  single?: boolean
}

/** targetOf is the API target of an item. */
export function targetOf(it: UploadItem<UploadFile, unknown>): UploadTarget {
  return it.mode === 'version' ? { entryId: it.entryId, baseVersion: it.baseVersion } : { parentId: it.parentId, name: it.name }
}

/** percentOf is an item's progress, 0–100 (100 only once the server has committed it). */
export function percentOf(it: { status: UploadStatus; sent: number; total: number }): number {
  if (it.status === 'done') return 100
  if (!it.total || it.status === 'checking') return 0 // while checking, sent counts bytes read, not sent
  // Bytes sent is not yet stored: hold at 99 until the server answers.
  return Math.min(99, Math.floor((it.sent / it.total) * 100))
}

/** onProgress: phase 'check' while the file is read to hash it (sent = bytes read), otherwise bytes sent. */
export type Sender<F extends UploadFile, R> = (it: UploadItem<F, R>, onProgress: (sent: number, total: number, phase?: 'check' | 'send') => void,
  signal: AbortSignal) => Promise<R>
/** BatchOutcome is one item's answer in a batch: its result, or its own error. */
export type BatchOutcome<R> = { ok: R } | { error: unknown }
/** BatchSender sends several small files in one request; it answers one outcome per item, in order, and throws when the batch as a whole failed. */
export type BatchSender<F extends UploadFile, R> = (items: UploadItem<F, R>[], onProgress: (sent: number, total: number) => void,
  signal: AbortSignal) => Promise<BatchOutcome<R>[]>

/** Resolver finds the live entry named name in a folder now (after a drive.name_taken answer). */
export type Resolver = (parentId: string, name: string) => Promise<Existing | null>

export interface QueueOptions<F extends UploadFile, R> {
  send: Sender<F, R>
  resolve?: Resolver
  concurrency?: number
  /** Called when an item finishes (done or error). */
  onSettled?: (it: UploadItem<F, R>) => void
  /** sendBatch, when set, sends queued items that batchable() accepts several at a time (up to batchFiles items, batchBytes bytes). */
  sendBatch?: BatchSender<F, R>
  batchable?: (it: UploadItem<F, R>) => boolean
  batchFiles?: number
  batchBytes?: number
}

let nextId = 1

/** UploadQueue runs uploads a few at a time. Wrap it in reactive() to render it. */
export class UploadQueue<F extends UploadFile = UploadFile, R extends { version?: number } = { version?: number }> {
  items: UploadItem<F, R>[] = []
  private readonly opts: QueueOptions<F, R>
  private readonly aborts = new Map<number, AbortController>()
  private running = 0
  private idle: (() => void)[] = []

  constructor(opts: QueueOptions<F, R>) {
    this.opts = opts
  }

  /** add queues files for folder parentId; existing are its current children (same-name files become new versions). */
  add(files: F[], parentId: string, existing: Existing[] = []): UploadItem<F, R>[] {
    const byKey = new Map(existing.map((e) => [nameKey(e.name), e]))
    const added: UploadItem<F, R>[] = []
    for (const f of files) {
      const ex = byKey.get(nameKey(f.name))
      const asVersion = ex?.kind === 'file'
      const it: UploadItem<F, R> = {
        id: nextId++, file: f, name: f.name, parentId, mode: asVersion ? 'version' : 'new', entryId: asVersion ? ex.id : '',
        baseVersion: asVersion ? ex.version : 0, status: 'queued', sent: 0, total: f.size, error: null, result: null,
      }
      this.items.push(it)
      added.push(this.items[this.items.length - 1])
    }
    this.pump()
    return added
  }

  /** cancel stops a queued or running upload (nothing is stored: the server commits only a whole file). */
  cancel(id: number) {
    const it = this.items.find((i) => i.id === id)
    if (!it || !isLive(it.status)) return
    it.status = 'cancelled'
    this.aborts.get(id)?.abort()
  }

  /** retry queues a failed or cancelled item again. */
  retry(id: number) {
    const it = this.items.find((i) => i.id === id)
    if (!it || (it.status !== 'error' && it.status !== 'cancelled')) return
    Object.assign(it, { status: 'queued', sent: 0, error: null })
    this.pump()
  }

  /** clearFinished drops done, failed and cancelled items from the list. */
  clearFinished() {
    this.items = this.items.filter((i) => isLive(i.status))
  }

  get active(): number {
    return this.items.filter((i) => isLive(i.status)).length
  }

  /** overall is the progress of the items still running plus the finished ones, 0–100. */
  get overall(): number {
    const live = this.items.filter((i) => i.status !== 'cancelled' && i.status !== 'error')
    const total = live.reduce((s, i) => s + i.total, 0)
    if (!live.length) return 0
    if (!total) return live.every((i) => i.status === 'done') ? 100 : 0
    const done = live.reduce((s, i) => s + (i.status === 'done' ? i.total : i.status === 'checking' ? 0 : Math.min(i.sent, i.total)), 0)
    return Math.min(live.every((i) => i.status === 'done') ? 100 : 99, Math.floor((done / total) * 100))
  }

  /** whenIdle resolves once nothing is queued or running. */
  whenIdle(): Promise<void> {
    if (this.active === 0) return Promise.resolve()
    return new Promise((r) => this.idle.push(r))
  }

  private pump() {
    const max = this.opts.concurrency ?? 2
    while (this.running < max) {
      const it = this.items.find((i) => i.status === 'queued')
      if (!it) break
      const group = this.batchOf(it)
      for (const g of group) g.status = 'uploading' // taken: the next round of the loop looks further
      this.running++
      void (group.length > 1 ? this.runBatch(group) : this.run(it)).finally(() => {
        this.running--
        this.pump()
        if (this.active === 0) this.idle.splice(0).forEach((r) => r())
      })
    }
  }

  private canBatch(it: UploadItem<F, R>): boolean {
    return !!this.opts.sendBatch && !it.single && (this.opts.batchable?.(it) ?? true)
  }

  /** batchOf is it and the queued items that go with it in one batch (just it when it goes alone). */
  private batchOf(it: UploadItem<F, R>): UploadItem<F, R>[] {
    if (!this.canBatch(it)) return [it]
    const maxFiles = this.opts.batchFiles ?? 100
    const maxBytes = this.opts.batchBytes ?? 4 << 20
    const out = [it]
    let bytes = it.total
    for (const o of this.items) {
      if (out.length >= maxFiles) break
      if (o === it || o.status !== 'queued' || !this.canBatch(o) || bytes + o.total > maxBytes) continue
      out.push(o)
      bytes += o.total
    }
    return out
  }

  /**
   * runBatch sends items in one request. Each item settles with its own
   * answer (a name_taken one is turned into a new version, as in run). When
   * the batch is cancelled (one of its items was) the others are queued
   * again; when the batch as a whole fails they are queued to go one by one.
   */
  private async runBatch(group: UploadItem<F, R>[]) {
    const items = group.map((g) => this.items.find((i) => i.id === g.id) ?? g)
    const ctl = new AbortController()
    for (const it of items) {
      this.aborts.set(it.id, ctl)
      Object.assign(it, { status: 'uploading', sent: 0, error: null })
    }
    const live = () => items.filter((i) => i.status !== 'cancelled')
    let out: BatchOutcome<R>[]
    try {
      out = await this.opts.sendBatch!(items, (sent, of) => {
        // The share of the whole request sent, for each of its files.
        const frac = of ? Math.min(1, sent / of) : 0
        for (const it of live()) {
          it.sent = Math.floor(it.total * frac)
          if (frac >= 1) it.status = 'processing'
        }
      }, ctl.signal)
    } catch (e) {
      const cancelled = items.some((i) => i.status === 'cancelled')
      for (const it of live()) Object.assign(it, { status: 'queued', sent: 0, single: it.single || !cancelled })
      return
    } finally {
      for (const it of items) this.aborts.delete(it.id)
    }
    for (let i = 0; i < items.length; i++) {
      const it = items[i]
      const o = out[i]
      if (it.status === 'cancelled' || !o) continue
      if ('ok' in o) {
        Object.assign(it, { status: 'done', sent: it.total, result: o.ok })
        this.opts.onSettled?.(it)
        continue
      }
      const e = o.error
      if (it.mode === 'new' && this.opts.resolve && isApiError(e) && e.key === 'drive.name_taken') {
        const ex = await this.opts.resolve(it.parentId, it.name).catch(() => null)
        if (ex?.kind === 'file') {
          // A file with other content took the name: a new version of it, once, on its own.
          Object.assign(it, { mode: 'version', entryId: ex.id, baseVersion: ex.version, status: 'queued', sent: 0, single: true })
          continue
        }
      }
      Object.assign(it, { status: 'error', error: e })
      this.opts.onSettled?.(it)
    }
  }

  private async run(it: UploadItem<F, R>) {
    // Re-read through the array: a reactive() wrapper hands out proxies, and
    // changes must go through them to render.
    const item = this.items.find((i) => i.id === it.id) ?? it
    for (let attempt = 0; ; attempt++) {
      const ctl = new AbortController()
      this.aborts.set(item.id, ctl)
      item.status = 'uploading'
      item.sent = 0
      try {
        const r = await this.opts.send(item, (sent, total, phase) => {
          if (item.status === 'cancelled') return
          item.status = phase === 'check' ? 'checking' : 'uploading'
          item.sent = sent
          if (total) item.total = total
          if (phase !== 'check' && total && sent >= total) item.status = 'processing'
        }, ctl.signal)
        if ((item.status as UploadStatus) === 'cancelled') return
        item.status = 'done'
        item.sent = item.total
        item.result = r
        this.opts.onSettled?.(item)
        return
      } catch (e) {
        if ((item.status as UploadStatus) === 'cancelled') return
        // Someone made the name meanwhile (or the listing was old): upload as a new version of that file, once.
        if (attempt === 0 && item.mode === 'new' && this.opts.resolve && isApiError(e) && e.key === 'drive.name_taken') {
          const ex = await this.opts.resolve(item.parentId, item.name).catch(() => null)
          if (ex?.kind === 'file') {
            Object.assign(item, { mode: 'version', entryId: ex.id, baseVersion: ex.version })
            continue
          }
        }
        item.status = 'error'
        item.error = e
        this.opts.onSettled?.(item)
        return
      } finally {
        this.aborts.delete(item.id)
      }
    }
  }
}
