// Which actions an entry offers, from its kind and the caller's role (the
// server checks again; the UI only hides what would be refused).
import { roleAtLeast, type Entry } from '@/api/drive'
import { previewKind } from './format'

export type Action = 'open' | 'preview' | 'download' | 'rename' | 'move' | 'copy' | 'describe' | 'versions' | 'permissions' | 'trash'

/** actionsFor lists the menu of one entry, in menu order. */
export function actionsFor(e: Pick<Entry, 'kind' | 'name' | 'role'>): Action[] {
  const edit = roleAtLeast(e.role, 'editor')
  const out: Action[] = []
  if (e.kind === 'folder') out.push('open')
  else {
    if (previewKind(e.name)) out.push('preview')
    out.push('download', 'versions')
  }
  if (edit) out.push('rename', 'move')
  out.push('copy')
  if (edit) out.push('describe')
  out.push('permissions')
  if (edit) out.push('trash')
  return out
}

/** bulkActions are the actions offered for a multi-selection: those every selected entry allows. */
export function bulkActions(sel: Pick<Entry, 'kind' | 'name' | 'role'>[]): Action[] {
  if (!sel.length) return []
  const ok = (a: Action) => sel.every((e) => actionsFor(e).includes(a))
  return (['move', 'copy', 'trash'] as Action[]).filter(ok)
}
