import { describe, expect, it } from 'vitest'
import { reactive } from 'vue'
import { ApiError } from '../../api/client'
import { UploadQueue, percentOf, targetOf, type Sender, type UploadFile, type UploadItem } from './upload'

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
})
