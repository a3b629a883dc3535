import { describe, expect, it } from 'vitest'
import { reactive } from 'vue'
import { ApiError } from '@/api/client'
import { UploadQueue, percentOf, targetOf, type BatchOutcome, type BatchSender, type Sender, type UploadFile, type UploadItem } from './upload'

type R = { id: string; version: number }

// A controllable sender: each call waits until the test settles it.
function harness() {
  const calls: { it: UploadItem<UploadFile, R>; progress: (s: number, t: number, phase?: 'check' | 'send') => void; signal: AbortSignal; resolve: (r: R) => void; reject: (e: unknown) => void; target: unknown }[] = []
  const send: Sender<UploadFile, R> = (it, progress, signal) => new Promise<R>((resolve, reject) => {
    calls.push({ it, progress, signal, resolve, reject, target: targetOf(it) })
    signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')))
  })
  return { calls, send }
}
const tick = () => new Promise((r) => setTimeout(r, 0))
const f = (name: string, size = 100): UploadFile => ({ name, size })

describe('UploadQueue', () => {
  it('uploads new names as new files and taken names as new versions', async () => {
    const h = harness()
    const q = new UploadQueue<UploadFile, R>({ send: h.send, concurrency: 5 })
    q.add([f('a.txt'), f('REPORT.pdf'), f('Docs')], 'p1', [
      { id: 'e1', kind: 'file', name: 'report.pdf', version: 7 }, { id: 'd1', kind: 'folder', name: 'docs', version: 1 },
    ])
    await tick()
    expect(h.calls.map((c) => c.target)).toEqual([
      { parentId: 'p1', name: 'a.txt' },
      { entryId: 'e1', baseVersion: 7 },
      { parentId: 'p1', name: 'Docs' }, // a folder of that name: the server says name_taken
    ])
  })

  it('a large file is first checked (read to hash), which counts as no bytes sent yet', async () => {
    const h = harness()
    const q = reactive(new UploadQueue<UploadFile, R>({ send: h.send })) as UploadQueue<UploadFile, R>
    q.add([f('big.bin', 1000)], 'p')
    await tick()
    h.calls[0].progress(400, 1000, 'check')
    expect(q.items[0].status).toBe('checking')
    expect(q.items[0].sent).toBe(400)
    expect(percentOf(q.items[0])).toBe(0)
    expect(q.overall).toBe(0)
    expect(q.active).toBe(1)
    h.calls[0].progress(1000, 1000, 'check') // read to the end: still checking, not saving
    expect(q.items[0].status).toBe('checking')
    h.calls[0].progress(300, 1000, 'send') // 300 bytes the server already had
    expect(q.items[0].status).toBe('uploading')
    expect(percentOf(q.items[0])).toBe(30)
    q.cancel(q.items[0].id)
    expect(q.items[0].status).toBe('cancelled')
    expect(h.calls[0].signal.aborted).toBe(true)
  })

  it('runs at most `concurrency` at once and reports progress', async () => {
    const h = harness()
    const q = reactive(new UploadQueue<UploadFile, R>({ send: h.send, concurrency: 2 })) as UploadQueue<UploadFile, R>
    q.add([f('1', 1000), f('2', 1000), f('3', 1000)], 'p')
    await tick()
    expect(h.calls).toHaveLength(2)
    expect(q.items.map((i) => i.status)).toEqual(['uploading', 'uploading', 'queued'])
    h.calls[0].progress(500, 1000)
    expect(percentOf(q.items[0])).toBe(50)
    expect(q.overall).toBe(16) // 500 of 3000
    h.calls[0].progress(1000, 1000)
    expect(q.items[0].status).toBe('processing')
    expect(percentOf(q.items[0])).toBe(99) // sent, not yet stored
    h.calls[0].resolve({ id: 'n1', version: 1 })
    await tick()
    expect(q.items[0].status).toBe('done')
    expect(percentOf(q.items[0])).toBe(100)
    expect(q.items[0].result).toEqual({ id: 'n1', version: 1 })
    expect(h.calls).toHaveLength(3) // the third started
    h.calls[1].resolve({ id: 'n2', version: 1 })
    h.calls[2].resolve({ id: 'n3', version: 1 })
    await q.whenIdle()
    expect(q.overall).toBe(100)
    expect(q.active).toBe(0)
  })

  it('turns a name_taken answer into a new version of the file that took the name, once', async () => {
    const h = harness()
    const asked: string[] = []
    const q = new UploadQueue<UploadFile, R>({
      send: h.send,
      resolve: async (parent, name) => { asked.push(parent + '/' + name); return { id: 'e9', kind: 'file', name, version: 3 } },
    })
    q.add([f('plan.txt')], 'p')
    await tick()
    h.calls[0].reject(new ApiError(409, { code: 'conflict', key: 'drive.name_taken', message: 'taken' }))
    await tick(); await tick()
    expect(asked).toEqual(['p/plan.txt'])
    expect(h.calls[1].target).toEqual({ entryId: 'e9', baseVersion: 3 })
    // A second conflict is not retried again.
    h.calls[1].reject(new ApiError(409, { code: 'conflict', key: 'drive.stale_version', message: 'stale' }))
    await q.whenIdle()
    expect(q.items[0].status).toBe('error')
    expect((q.items[0].error as ApiError).key).toBe('drive.stale_version')
    expect(h.calls).toHaveLength(2)
  })

  it('reports other errors without retrying, and a folder holding the name stays an error', async () => {
    const h = harness()
    const q = new UploadQueue<UploadFile, R>({ send: h.send, resolve: async (_p, name) => ({ id: 'd', kind: 'folder', name, version: 1 }) })
    const settled: string[] = []
    const q2 = new UploadQueue<UploadFile, R>({ send: h.send, onSettled: (it) => settled.push(it.status) })
    q.add([f('x')], 'p')
    q2.add([f('y')], 'p')
    await tick()
    h.calls[0].reject(new ApiError(409, { code: 'conflict', key: 'drive.name_taken', message: '' }))
    h.calls[1].reject(new ApiError(413, { code: 'too_large', key: 'drive.quota_exceeded', message: '' }))
    await q.whenIdle(); await q2.whenIdle()
    expect(q.items[0].status).toBe('error')
    expect(q2.items[0].status).toBe('error')
    expect(settled).toEqual(['error'])
    expect(h.calls).toHaveLength(2)
  })

  it('cancels, retries and clears', async () => {
    const h = harness()
    const q = new UploadQueue<UploadFile, R>({ send: h.send, concurrency: 1 })
    const [a, b] = q.add([f('a'), f('b')], 'p')
    await tick()
    q.cancel(b.id) // still queued: never sent
    q.cancel(a.id) // running: aborted
    expect(h.calls[0].signal.aborted).toBe(true)
    await q.whenIdle()
    expect(q.items.map((i) => i.status)).toEqual(['cancelled', 'cancelled'])
    expect(h.calls).toHaveLength(1)
    q.retry(a.id)
    await tick()
    expect(h.calls).toHaveLength(2)
    h.calls[1].resolve({ id: 'n', version: 1 })
    await q.whenIdle()
    q.clearFinished()
    expect(q.items).toEqual([])
  })

  describe('batches of small files', () => {
    // A controllable batch sender, like harness().
    function batchHarness() {
      const calls: { items: UploadItem<UploadFile, R>[]; targets: unknown[]; progress: (s: number, t: number) => void; signal: AbortSignal
        resolve: (r: BatchOutcome<R>[]) => void; reject: (e: unknown) => void }[] = []
      const sendBatch: BatchSender<UploadFile, R> = (items, progress, signal) => new Promise((resolve, reject) => {
        calls.push({ items, targets: items.map(targetOf), progress, signal, resolve, reject })
        signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')))
      })
      return { calls, sendBatch }
    }
    const opts = (h: ReturnType<typeof harness>, b: ReturnType<typeof batchHarness>) => ({
      send: h.send, sendBatch: b.sendBatch, batchable: (it: UploadItem<UploadFile, R>) => it.total <= 1000, batchFiles: 3, concurrency: 2,
    })

    it('sends small files several per request and settles each with its own answer', async () => {
      const h = harness(), b = batchHarness()
      const q = reactive(new UploadQueue<UploadFile, R>({ ...opts(h, b),
        resolve: async (_p, name) => ({ id: 'e-' + name, kind: 'file', name, version: 4 }) })) as UploadQueue<UploadFile, R>
      q.add([f('a'), f('b'), f('big', 5000), f('c'), f('d'), f('e')], 'p')
      await tick()
      // Two at once: a batch of the first three small files and the big one alone.
      expect(b.calls.map((c) => c.items.map((i) => i.name))).toEqual([['a', 'b', 'c']])
      expect(h.calls.map((c) => c.it.name)).toEqual(['big'])
      b.calls[0].progress(50, 200) // a quarter of the request
      expect(q.items.filter((i) => i.name !== 'big').map((i) => i.sent)).toEqual([25, 25, 25, 0, 0])
      b.calls[0].resolve([{ ok: { id: 'n-a', version: 1 } }, { error: new ApiError(413, { code: 'too_large', key: 'drive.quota_exceeded', message: '' }) },
        { error: new ApiError(409, { code: 'conflict', key: 'drive.name_taken', message: '' }) }])
      await tick(); await tick()
      const st = (n: string) => q.items.find((i) => i.name === n)!
      expect(st('a').status).toBe('done')
      expect(st('a').result).toEqual({ id: 'n-a', version: 1 })
      expect(st('b').status).toBe('error')
      expect((st('b').error as ApiError).key).toBe('drive.quota_exceeded')
      // c: the name was taken by other content; it goes again, alone, as a new version of that file.
      expect(st('c').mode).toBe('version')
      expect(h.calls.map((c) => c.target)).toEqual([{ parentId: 'p', name: 'big' }, { entryId: 'e-c', baseVersion: 4 }])
      h.calls[0].resolve({ id: 'n-big', version: 1 })
      await tick(); await tick()
      expect(b.calls[1].items.map((i) => i.name)).toEqual(['d', 'e'])
      b.calls[1].resolve([{ ok: { id: 'n-d', version: 1 } }, { ok: { id: 'n-e', version: 1 } }])
      h.calls[1].resolve({ id: 'e-c', version: 5 })
      await q.whenIdle()
      expect(q.items.map((i) => i.status)).toEqual(['done', 'error', 'done', 'done', 'done', 'done'])
    })

    it('cancelling a file of a running batch stops that request and queues the others again', async () => {
      const h = harness(), b = batchHarness()
      const q = new UploadQueue<UploadFile, R>({ ...opts(h, b), concurrency: 1 })
      const [a] = q.add([f('a'), f('b'), f('c')], 'p')
      await tick()
      q.cancel(a.id)
      expect(b.calls[0].signal.aborted).toBe(true)
      await tick(); await tick()
      expect(b.calls[1].items.map((i) => i.name)).toEqual(['b', 'c'])
      b.calls[1].resolve([{ ok: { id: 'n-b', version: 1 } }, { ok: { id: 'n-c', version: 1 } }])
      await q.whenIdle()
      expect(q.items.map((i) => i.status)).toEqual(['cancelled', 'done', 'done'])
    })

    it('a batch refused as a whole sends its files one by one', async () => {
      const h = harness(), b = batchHarness()
      const q = new UploadQueue<UploadFile, R>({ ...opts(h, b), concurrency: 1 })
      q.add([f('a'), f('b')], 'p')
      await tick()
      b.calls[0].reject(new ApiError(404, { code: 'not_found', key: 'route_not_found', message: '' }))
      await tick(); await tick()
      expect(h.calls.map((c) => c.it.name)).toEqual(['a'])
      h.calls[0].resolve({ id: 'n-a', version: 1 })
      await tick(); await tick()
      h.calls[1].resolve({ id: 'n-b', version: 1 })
      await q.whenIdle()
      expect(q.items.map((i) => i.status)).toEqual(['done', 'done'])
      expect(b.calls).toHaveLength(1)
    })
  })
})
