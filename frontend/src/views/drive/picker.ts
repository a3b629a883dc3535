// Which spaces the folder picker offers. A copy may go to any space the
// user can edit. A move stays in its space unless the user manages every
// moved item (the server's rule for moving to another space: taking an
// item out of a space is a manager's decision); then any space they can
// edit, the item's own space first.
import { roleAtLeast, type Entry, type Space } from '@/api/drive'
import { KIND_ORDER } from './spaces'

export type PickerMode = 'move' | 'copy' | 'sync'

/** canLeaveSpace reports whether entries may be moved to another space by the signed-in user. */
export function canLeaveSpace(entries: Pick<Entry, 'role'>[]): boolean {
  return entries.length > 0 && entries.every((e) => roleAtLeast(e.role, 'manager'))
}

/**
 * pickerSpaces lists the spaces to offer, in order: for a move, the items' own space first.
 * For a folder sync pair ('sync'), every space the user can edit; with canLeave (a
 * download-only mirror, which writes nothing to the drive) every space they can read.
 */
export function pickerSpaces(spaces: Space[], mode: PickerMode, spaceId: string, canLeave: boolean): Space[] {
  if (mode === 'sync') {
    return spaces.filter((s) => canLeave || roleAtLeast(s.role, 'editor'))
      .sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind))
  }
  const own = spaces.find((s) => s.id === spaceId)
  const others = spaces
    .filter((s) => s.id !== spaceId && roleAtLeast(s.role, 'editor') && (mode === 'copy' || canLeave))
    .sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind))
  if (mode === 'copy') return (own && roleAtLeast(own.role, 'editor') ? [own] : []).concat(others)
  return (own ? [own] : []).concat(others)
}
