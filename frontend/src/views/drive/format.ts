// Pure helpers of the drive views: sizes, file types and their icons, what
// can be previewed, the name key the server compares names by, breadcrumbs.

/** formatSize prints bytes as B, KB, MB, GB, TB (1024 steps; one decimal below 100). */
export function formatSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—'
  if (bytes < 1024) return `${bytes} B`
  const units = ['KB', 'MB', 'GB', 'TB', 'PB']
  let v = bytes / 1024
  let i = 0
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++ }
  const s = v < 100 ? (Math.round(v * 10) / 10).toFixed(1).replace(/\.0$/, '') : String(Math.round(v))
  // 1023.95 KB rounds to "1024 KB": say 1 MB instead.
  if (s === '1024' && i < units.length - 1) return `1 ${units[i + 1]}`
  return `${s} ${units[i]}`
}

/** nameKey is the server's case-insensitive name key (NFC, case-folded): two live siblings never share one. */
export function nameKey(name: string): string {
  return name.normalize('NFC').toUpperCase().toLowerCase()
}

/** extOf is the lower-case extension without the dot ('' when none; dot files have none). */
export function extOf(name: string): string {
  const i = name.lastIndexOf('.')
  return i > 0 ? name.slice(i + 1).toLowerCase() : ''
}

export type FileType = 'folder' | 'image' | 'pdf' | 'text' | 'code' | 'word' | 'excel' | 'ppt' | 'archive' | 'video' | 'audio' | 'other'

const byExt: Record<string, FileType> = {}
const add = (t: FileType, exts: string) => exts.split(' ').forEach((e) => (byExt[e] = t))
add('image', 'png jpg jpeg gif webp bmp svg ico avif')
add('pdf', 'pdf')
add('text', 'txt md markdown csv tsv log ini cfg conf')
add('code', 'json xml yaml yml toml go ts js mjs vue py java c h cpp hpp cs rs rb php sh bat ps1 sql css scss html htm')
add('word', 'doc docx odt rtf wps')
add('excel', 'xls xlsx ods et')
add('ppt', 'ppt pptx odp dps key')
add('archive', 'zip rar 7z tar gz tgz bz2 xz')
add('video', 'mp4 webm mov m4v ogv avi mkv')
add('audio', 'mp3 wav ogg oga m4a flac aac')

/** fileType classifies an entry by kind and extension. */
export function fileType(name: string, kind: 'folder' | 'file'): FileType {
  if (kind === 'folder') return 'folder'
  return byExt[extOf(name)] ?? 'other'
}

/** typeIcon is the Element Plus icon name and colour shown for a file type. */
export function typeIcon(t: FileType): { icon: string; color: string } {
  switch (t) {
    case 'folder': return { icon: 'FolderOpened', color: '#f5a623' }
    case 'image': return { icon: 'Picture', color: '#13a8a8' }
    case 'pdf': return { icon: 'Reading', color: '#e5484d' }
    case 'text': return { icon: 'Document', color: '#6b7785' }
    case 'code': return { icon: 'Tickets', color: '#6b7785' }
    case 'word': return { icon: 'Document', color: '#2b6de5' }
    case 'excel': return { icon: 'Grid', color: '#1f9d55' }
    case 'ppt': return { icon: 'DataBoard', color: '#e5772e' }
    case 'archive': return { icon: 'Box', color: '#8e6bd8' }
    case 'video': return { icon: 'VideoPlay', color: '#c2417f' }
    case 'audio': return { icon: 'Headset', color: '#c2417f' }
    default: return { icon: 'Document', color: '#909399' }
  }
}

export type PreviewKind = 'image' | 'pdf' | 'text' | 'video' | 'audio'

/** Text previews read at most this much of a file. */
export const TEXT_PREVIEW_BYTES = 1 << 20

/**
 * previewKind says how the browser can show a file, or null. Images other
 * than SVG load from the inline URL; SVG and PDF are read as a blob (the
 * server never serves them inline); text is read and shown as plain text.
 */
export function previewKind(name: string): PreviewKind | null {
  const t = fileType(name, 'file')
  if (t === 'image' && ['png', 'jpg', 'jpeg', 'gif', 'webp', 'bmp', 'svg', 'ico', 'avif'].includes(extOf(name))) return 'image'
  if (t === 'pdf') return 'pdf'
  if (t === 'text' || t === 'code') return 'text'
  if (t === 'video' && ['mp4', 'webm', 'ogv', 'm4v', 'mov'].includes(extOf(name))) return 'video'
  if (t === 'audio' && ['mp3', 'wav', 'ogg', 'oga', 'm4a', 'flac', 'aac'].includes(extOf(name))) return 'audio'
  return null
}

export interface Crumb { id: string; name: string; ellipsis?: boolean }

/**
 * buildCrumbs turns drive/entries/{id}/path (root first) into breadcrumbs.
 * The root is shown as rootLabel (the space's name); a long path keeps the
 * root and the last `keep` folders with an ellipsis crumb (pointing at the
 * folder just above the kept ones) in between.
 */
export function buildCrumbs(path: { id: string; name: string }[], rootLabel: string, keep = 3): Crumb[] {
  if (path.length === 0) return []
  const all: Crumb[] = path.map((e, i) => ({ id: e.id, name: i === 0 ? rootLabel || e.name : e.name }))
  if (all.length <= keep + 2) return all
  const tail = all.slice(all.length - keep)
  const hidden = all[all.length - keep - 1]
  return [all[0], { id: hidden.id, name: '…', ellipsis: true }, ...tail]
}

export type SortKey = 'name' | 'size' | 'modified_at'

/** sortEntries orders folders before files, then by key (names in the UI language's collation). */
export function sortEntries<T extends { kind: string; name: string; size: number; modified_at: string }>(
  items: T[], key: SortKey, order: 'ascending' | 'descending', locale = 'zh-CN'): T[] {
  const coll = new Intl.Collator(locale, { numeric: true, sensitivity: 'base' })
  const dir = order === 'descending' ? -1 : 1
  return [...items].sort((a, b) => {
    if (a.kind !== b.kind) return a.kind === 'folder' ? -1 : 1
    let c = 0
    if (key === 'size') c = a.size - b.size
    else if (key === 'modified_at') c = Date.parse(a.modified_at) - Date.parse(b.modified_at)
    if (c === 0) c = coll.compare(a.name, b.name)
    return c * dir
  })
}

const pad = (n: number) => String(n).padStart(2, '0')

/** formatTime prints an RFC 3339 time in local time as YYYY-MM-DD HH:mm ('—' when missing or bad). */
export function formatTime(iso: string | undefined | null): string {
  if (!iso) return '—'
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return '—'
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`
}

/** daysLeft is how many whole days (rounded up) remain before a trashed item is purged, never below 0. */
export function daysLeft(trashedAt: string | undefined, retentionDays: number, now = Date.now()): number {
  if (!trashedAt) return retentionDays
  const end = Date.parse(trashedAt) + retentionDays * 86400_000
  return Math.max(0, Math.ceil((end - now) / 86400_000))
}
