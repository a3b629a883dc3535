// Meeting attachments: drive files (the app route /drive/entries/<id>) or web
// addresses. A file uploaded from the booking dialog goes into the
// organizer's personal drive space, folder 会议附件 / "Meeting attachments";
// saving the meeting shares it read-only with the attendees (server side).
import { reactive } from 'vue'
import { isApiError } from '@/api/client'
import { driveApi, smallUploadUrl, type Entry } from '@/api/drive'

export const DRIVE_ENTRY = '/drive/entries/'

/** MAX_ATTACHMENT is the largest file the dialog uploads in one request; larger ones go through the drive. */
export const MAX_ATTACHMENT = 64 << 20

/** driveEntryId is the drive entry an attachment names, or ''. */
export function driveEntryId(a: string): string {
  if (!a.startsWith(DRIVE_ENTRY)) return ''
  const id = a.slice(DRIVE_ENTRY.length)
  return id && !id.includes('/') ? id : ''
}

/** withSuffix names the n-th copy: "方案.pdf" → "方案 (2).pdf". */
export function withSuffix(name: string, n: number): string {
  const dot = name.lastIndexOf('.')
  return dot > 0 ? `${name.slice(0, dot)} (${n})${name.slice(dot)}` : `${name} (${n})`
}

/** uploadAttachment stores file in the folder (made when missing) of the user's personal space; a taken name gets a suffix. */
export async function uploadAttachment(file: File, folderName: string, onProgress?: (sent: number, total: number) => void): Promise<Entry> {
  const personal = (await driveApi.spaces()).find((s) => s.kind === 'personal')
  if (!personal) throw new Error('no personal drive space')
  let folder = (await driveApi.children(personal.root_id)).find((e) => e.kind === 'folder' && e.name === folderName)
  if (!folder) {
    try { folder = await driveApi.createFolder(personal.root_id, folderName) } catch (e) {
      // Made meanwhile (another tab): use it.
      if (!isApiError(e) || e.key !== 'drive.name_taken') throw e
      folder = (await driveApi.children(personal.root_id)).find((x) => x.kind === 'folder' && x.name === folderName)
      if (!folder) throw e
    }
  }
  for (let n = 1; ; n++) {
    const name = n === 1 ? file.name : withSuffix(file.name, n)
    try {
      return await driveApi.upload(smallUploadUrl({ parentId: folder.id, name }), file, onProgress)
    } catch (e) {
      if (!isApiError(e) || e.key !== 'drive.name_taken' || n >= 50) throw e
    }
  }
}

// Names of drive attachments, looked up once per page: null while unknown,
// '' when the reader may not see the file.
const names = reactive<Record<string, string | null>>({})

/** useAttachmentNames resolves drive attachments to file names for display. */
export function useAttachmentNames() {
  const resolve = (atts: string[]) => Promise.all(atts.map(async (a) => {
    const id = driveEntryId(a)
    if (!id || id in names) return
    names[id] = null
    try { names[id] = (await driveApi.entry(id)).name } catch { names[id] = '' }
  }))
  const remember = (e: Entry) => { names[e.id] = e.name }
  /** nameOf is the file's name, '' when it cannot be read, null while loading; undefined for a web address. */
  const nameOf = (a: string): string | null | undefined => {
    const id = driveEntryId(a)
    return id ? (names[id] ?? null) : undefined
  }
  return { resolve, remember, nameOf }
}
