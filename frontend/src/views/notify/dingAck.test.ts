import { describe, expect, it } from 'vitest'
import type { Ding, TackEvent } from '@/api/notify'
import { applyDingAck } from './dingAck'

const ding = (id: string): Ding => ({
  id, sender_id: 's', sender_name: 'S', message: 'm', subject_type: '', subject_id: '', auto: false,
  created_at: '2026-01-05T09:00:00Z', receiver: false,
  receipts: [{ user_id: 'b', name: 'B', acked_at: null }, { user_id: 'c', name: 'C', acked_at: null }],
})
const acked = (dingID: string, user: string): TackEvent => ({
  id: 9, type: 'ding.acked', subject_type: 'ding', subject_id: dingID, actor_id: user, created_at: '',
  data: { title: 'm', link: '', ding_id: dingID, user_id: user, user_name: 'B', acked_at: '2026-01-05T09:05:00Z', acked: 1, total: 2 },
})

describe('applyDingAck', () => {
  it('marks the confirming receipt of that DING only', () => {
    const ds = [ding('d1'), ding('d2')]
    expect(applyDingAck(ds, acked('d1', 'b'))).toBe(true)
    expect(ds[0].receipts.map((r) => r.acked_at)).toEqual(['2026-01-05T09:05:00Z', null])
    expect(ds[1].receipts.every((r) => r.acked_at === null)).toBe(true)
  })
  it('changes nothing for another type, another DING or a repeat', () => {
    const ds = [ding('d1')]
    expect(applyDingAck(ds, { ...acked('d1', 'b'), type: 'ding.received' })).toBe(false)
    expect(applyDingAck(ds, acked('d9', 'b'))).toBe(false)
    expect(applyDingAck(ds, acked('d1', 'b'))).toBe(true)
    expect(applyDingAck(ds, acked('d1', 'b'))).toBe(false)
  })
})
