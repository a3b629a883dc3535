// A DING's sender follows its confirmations live: ding.acked names the
// receiver who confirmed, and the open list or detail page marks that
// receipt without asking the server again.
import type { Ding, TackEvent } from '@/api/notify'
import { EventType } from '@/api/events.gen'
import type { DingAck } from '@/api/events.gen'

/** applyDingAck marks the receipt that ev confirms in ds (those with its
 * DING ID) and says whether anything changed. */
export function applyDingAck(ds: Ding[], ev: TackEvent): boolean {
  if (ev.type !== EventType.DingAcked) return false
  const a = ev.data as unknown as DingAck
  let changed = false
  for (const d of ds) {
    if (d.id !== a.ding_id) continue
    const r = d.receipts.find((x) => x.user_id === a.user_id)
    if (r && !r.acked_at) { r.acked_at = a.acked_at; changed = true }
  }
  return changed
}
