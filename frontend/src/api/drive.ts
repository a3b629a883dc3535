// Typed calls for the drive API (backend/api/drive_handlers.go over backend/drive).
import { ApiError, api, uploadWithProgress, type Page } from './client'
import { hashBuffer, type ChunkedApi, type UploadState } from '../views/drive/chunked'
import type { BatchOutcome, UploadTarget } from '../views/drive/upload'

export type SpaceKind = 'company' | 'department' | 'project' | 'personal' | 'archive'
export type Role = 'viewer' | 'editor' | 'manager'
export type PrincipalType = 'user' | 'department' | 'role' | 'everyone'

export interface Space {
  id: string; kind: SpaceKind; name: string; description: string; owner_id?: string; department_id?: string
  root_id: string; quota_bytes: number; used_bytes: number; version: number; created_by?: string
  created_at: string; updated_at: string; role: Role
}
/** Entry is a folder or a file; version is the optimistic-lock version (PATCH/DELETE/base_version). */
export interface Entry {
  id: string; space_id: string; parent_id: string; kind: 'folder' | 'file'; name: string; description: string
  size: number; hash: string; version: number; created_by: string; created_at: string; modified_by: string
  modified_by_name?: string; modified_at: string; deleted: boolean; trashed_at?: string; trashed_by?: string; role?: Role
}
/** FileVersion.version is the entry version it was committed at: the ?version= of its content. */
export interface FileVersion {
  id: string; entry_id: string; version: number; size: number; hash: string; chunk_count: number
  created_by: string; created_by_name: string; created_at: string; current: boolean
}
export interface Permission {
  id: string; entry_id: string; space_id: string; principal_type: PrincipalType; principal_id: string; role: Role
  created_by: string; created_at: string; principal_name?: string; inherited: boolean
}
export interface Grant { principal_type: PrincipalType; principal_id: string; role: Role }
export interface TrashPage extends Page<Entry> { retention_days: number }

const V = '/api/v1/drive'
const enc = encodeURIComponent

/** roleAtLeast reports whether role includes want (viewer < editor < manager). */
export function roleAtLeast(role: string | undefined, want: Role): boolean {
  const lv = (r?: string) => (r === 'manager' ? 3 : r === 'editor' ? 2 : r === 'viewer' ? 1 : 0)
  return lv(role) >= lv(want)
}

/** contentUrl is where a file (or one version of it) downloads; inline asks to show it in the browser. */
export function contentUrl(id: string, opts: { version?: number; inline?: boolean } = {}): string {
  const q = new URLSearchParams()
  if (opts.version) q.set('version', String(opts.version))
  if (opts.inline) q.set('inline', '1')
  const s = q.toString()
  return `${V}/files/${enc(id)}/content` + (s ? '?' + s : '')
}

/** smallUploadUrl is the single-request upload: a new file under parentId, or a new version of entryId on top of baseVersion. */
export function smallUploadUrl(t: { parentId: string; name: string } | { entryId: string; baseVersion: number }): string {
  if ('entryId' in t) return `${V}/files?entry_id=${enc(t.entryId)}&base_version=${t.baseVersion}`
  return `${V}/files?parent_id=${enc(t.parentId)}&name=${enc(t.name)}`
}

/** BatchAnswer is one file's answer in a batch upload (backend/drive/API.md). */
interface BatchAnswer {
  index: number; status: number; entry?: Entry; unchanged?: boolean
  error?: { code: string; key: string; message: string; fields?: Record<string, string> }
}

/** batchForm builds the body of POST drive/files/batch: the manifest (each file's target, size and SHA-256), then the files in order. */
export async function batchForm(files: { file: Blob; target: UploadTarget }[]): Promise<FormData> {
  const items = []
  for (const { file, target } of files) {
    const hash = await hashBuffer(new Uint8Array(await file.arrayBuffer()))
    const t = 'entryId' in target ? { entry_id: target.entryId, base_version: target.baseVersion } : { parent_id: target.parentId, name: target.name }
    items.push({ ...t, size: file.size, hash })
  }
  const form = new FormData()
  form.append('manifest', JSON.stringify({ items }))
  for (const { file } of files) form.append('file', file)
  return form
}

export const driveApi = {
  spaces: () => api.get<Page<Space>>(`${V}/spaces`).then((p) => p.items),
  space: (id: string) => api.get<Space>(`${V}/spaces/${enc(id)}`),
  /** allSpaces lists every space, personal ones included (admins, to set quotas). */
  allSpaces: () => api.get<Page<Space>>(`${V}/spaces?all=1`).then((p) => p.items),
  /** setQuota sets a space's quota in bytes, 0 = no limit (admins; any space). */
  setQuota: (id: string, version: number, quota_bytes: number) => api.patch<Space>(`${V}/spaces/${enc(id)}`, { version, quota_bytes }),
  createSpace: (body: { name: string; description: string; members: Grant[] }) => api.post<Space>(`${V}/spaces`, body),
  entry: (id: string) => api.get<Entry>(`${V}/entries/${enc(id)}`),
  path: (id: string) => api.get<Page<Entry>>(`${V}/entries/${enc(id)}/path`).then((p) => p.items),
  /** children reads every page of a folder's live children (folders first, then by name). */
  children: async (id: string): Promise<Entry[]> => {
    const out: Entry[] = []
    let cursor = ''
    for (let i = 0; i < 100; i++) {
      const p = await api.get<Page<Entry>>(`${V}/entries/${enc(id)}/children?limit=200` + (cursor ? '&cursor=' + enc(cursor) : ''))
      out.push(...p.items)
      if (!p.next_cursor) break
      cursor = p.next_cursor
    }
    return out
  },
  createFolder: (parent_id: string, name: string, description = '') => api.post<Entry>(`${V}/folders`, { parent_id, name, description }),
  update: (id: string, body: { version: number; name?: string; parent_id?: string; description?: string }) =>
    api.patch<Entry>(`${V}/entries/${enc(id)}`, body),
  trash: (id: string, version: number) => api.del<void>(`${V}/entries/${enc(id)}?version=${version}`),
  copy: (id: string, parent_id: string, name = '') => api.post<Entry>(`${V}/entries/${enc(id)}/copy`, { parent_id, name }),
  restore: (id: string, name = '') => api.post<Entry>(`${V}/entries/${enc(id)}/restore`, name ? { name } : {}),
  permissions: (id: string) => api.get<Page<Permission>>(`${V}/entries/${enc(id)}/permissions`).then((p) => p.items),
  grant: (id: string, g: Grant) => api.post<Permission>(`${V}/entries/${enc(id)}/permissions`, g),
  revoke: (id: string, pid: string) => api.del<void>(`${V}/entries/${enc(id)}/permissions/${enc(pid)}`),
  versions: (id: string) => api.get<Page<FileVersion>>(`${V}/files/${enc(id)}/versions`).then((p) => p.items),
  restoreVersion: (id: string, vid: string, version: number) =>
    api.post<Entry>(`${V}/files/${enc(id)}/versions/${enc(vid)}/restore`, { version }),
  trashList: (spaceId: string, cursor = '') =>
    api.get<TrashPage>(`${V}/trash?space_id=${enc(spaceId)}&limit=200` + (cursor ? '&cursor=' + enc(cursor) : '')),
  purge: (id: string) => api.del<void>(`${V}/trash/${enc(id)}`),
  search: (q: string, spaceId = '') =>
    api.get<Page<Entry>>(`${V}/search?q=${enc(q)}&limit=200` + (spaceId ? '&space_id=' + enc(spaceId) : '')).then((p) => p.items),
  shared: () => api.get<Page<Entry>>(`${V}/shared?limit=200`).then((p) => p.items),
  /** upload sends one file in one request with upload progress (see smallUploadUrl). */
  upload: (url: string, file: Blob, onProgress?: (sent: number, total: number) => void, signal?: AbortSignal) =>
    uploadWithProgress<Entry>(url, file, onProgress, { signal, headers: { 'Content-Type': 'application/octet-stream' } }),
  /** uploadBatch sends several small files in one request with upload progress; each file gets its own outcome. */
  uploadBatch: async (files: { file: Blob; target: UploadTarget }[], onProgress: (sent: number, total: number) => void,
    signal: AbortSignal): Promise<BatchOutcome<Entry>[]> => {
    const form = await batchForm(files)
    if (signal.aborted) throw new DOMException('upload aborted', 'AbortError')
    const ans = await uploadWithProgress<{ items: BatchAnswer[] }>(`${V}/files/batch`, form, onProgress, { signal })
    return ans.items.map((a) => (a.error ? { error: new ApiError(a.status, a.error) } : { ok: a.entry as Entry }))
  },
  /** chunked is the resumable chunked upload (POST uploads → PUT missing chunks → commit), used for large files. */
  chunked: {
    start: (req, signal) => api.post<UploadState>(`${V}/uploads`, req, { signal }),
    status: (id, signal) => api.get<UploadState>(`${V}/uploads/${enc(id)}`, { signal }),
    putChunk: (id, hash, data, onProgress, signal) => uploadWithProgress<void>(`${V}/uploads/${enc(id)}/chunks/${enc(hash)}`, data,
      (sent) => onProgress(sent), { method: 'PUT', signal, headers: { 'Content-Type': 'application/octet-stream' } }),
    commit: (id, signal) => api.post<Entry>(`${V}/uploads/${enc(id)}/commit`, {}, { signal }),
  } satisfies ChunkedApi<Entry>,
  /** text reads the start of a file as text (preview); max bytes via Range. */
  text: async (id: string, max: number): Promise<string> => {
    const res = await api.raw('GET', contentUrl(id), { headers: { Range: `bytes=0-${max - 1}` } })
    return res.text()
  },
  blob: async (id: string, version?: number): Promise<Blob> => (await api.raw('GET', contentUrl(id, { version }))).blob(),
}
