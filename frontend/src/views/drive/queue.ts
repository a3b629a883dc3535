// The one upload queue of the page: uploads keep going while the user
// browses other folders; views subscribe to hear when a file landed.
import { reactive } from 'vue'
import { driveApi, smallUploadUrl, type Entry } from '@/api/drive'
import { CHUNKED_ABOVE, sendChunked } from './chunked'
import { nameKey } from './format'
import { UploadQueue, targetOf, type UploadItem } from './upload'

/** BATCH_UP_TO: files up to this size go several in one request (drive/files/batch) when many are queued. */
export const BATCH_UP_TO = 1 << 20

type Listener = (it: UploadItem<File, Entry>) => void
const listeners = new Set<Listener>()

export const uploads = reactive(new UploadQueue<File, Entry>({
  concurrency: 2,
  send: (it, progress, signal) => it.file.size > CHUNKED_ABOVE
    ? sendChunked(it.file, targetOf(it), driveApi.chunked, progress, signal)
    : driveApi.upload(smallUploadUrl(targetOf(it)), it.file, progress, signal),
  // Many small files (a folder of documents dropped at once): one request
  // for up to 100 of them instead of one each.
  sendBatch: (items, progress, signal) => driveApi.uploadBatch(items.map((it) => ({ file: it.file, target: targetOf(it) })), progress, signal),
  batchable: (it) => it.file.size <= BATCH_UP_TO,
  resolve: async (parentId, name) => {
    const kids = await driveApi.children(parentId)
    return kids.find((k) => nameKey(k.name) === nameKey(name)) ?? null
  },
  onSettled: (it) => listeners.forEach((l) => l(it)),
})) as UploadQueue<File, Entry>

/** onUploadSettled calls fn whenever an upload finishes or fails; returns the unsubscribe function. */
export function onUploadSettled(fn: Listener): () => void {
  listeners.add(fn)
  return () => listeners.delete(fn)
}

// Leaving the page would drop running uploads (nothing half-written is kept, but the work is lost): ask first.
if (typeof window !== 'undefined') {
  window.addEventListener('beforeunload', (e) => {
    if (uploads.active > 0) e.preventDefault()
  })
}
