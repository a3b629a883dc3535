import { describe, expect, it } from 'vitest'
import type { Conversation, Member, Message } from '@/api/chat'
import { canEdit, canRecall, keepReadMarks, mergeBySeq, newKey, unreadOf } from './state'

const msg = (seq: number, over: Partial<Message> = {}): Message => ({
  id: 'm' + seq, conversation_id: 'c', seq, sender_id: 'me', sender_name: '我', client_key: 'k' + seq, kind: 'text', body: String(seq),
  mentions: [], mention_all: false, reply_to_id: '', forwarded_from_id: '', edited_at: null, recalled_at: null, recalled_by: '',
  created_at: new Date(0).toISOString(), unread: 0, ...over,
})
const member = (id: string, read: number, joined = 0): Member => ({
  conversation_id: 'c', user_id: id, name: id, role: 'member', read_seq: read, joined_seq: joined, muted: false, pinned: false, joined_at: '',
})
const conv = (over: Partial<Conversation> = {}) => ({ kind: 'temporary', my_role: 'member', archived_at: null, ...over }) as Conversation

describe('chat state', () => {
  it('merges pages and live messages by sequence, never twice', () => {
    const out = mergeBySeq([msg(1), msg(2), msg(3)], [msg(3, { body: 'edited' }), msg(5), msg(4)])
    expect(out.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5])
    expect(out[2].body).toBe('edited')
  })

  it('counts unread from watermarks, leaving out the sender and later joiners', () => {
    const ms = [member('me', 9), member('a', 2), member('b', 5), member('late', 9, 7)]
    expect(unreadOf(msg(3), ms)).toBe(1) // a
    expect(unreadOf(msg(6), ms)).toBe(2) // a, b
    expect(unreadOf(msg(8), ms)).toBe(2) // late joined at 7 and read it
  })

  it('keeps read marks a reload would take back (a live read that came while it loaded)', () => {
    const held = [member('me', 2), member('a', 2), member('b', 0)]
    const fresh = [member('me', 2), member('a', 1), member('b', 1), member('new', 0)]
    expect(keepReadMarks(fresh, held).map((m) => [m.user_id, m.read_seq])).toEqual([['me', 2], ['a', 2], ['b', 1], ['new', 0]])
    expect(unreadOf(msg(2, { sender_id: 'me' }), keepReadMarks(fresh, held))).toBe(2) // b and new, not a
  })

  it('allows recall within 24 h, edit within 15 min, and moderators any recall', () => {
    const t0 = Date.parse('2026-01-05T09:00:00Z')
    const m = msg(1, { created_at: new Date(t0).toISOString() })
    expect(canEdit(m, 'me', conv(), t0 + 14 * 60_000)).toBe(true)
    expect(canEdit(m, 'me', conv(), t0 + 16 * 60_000)).toBe(false)
    expect(canRecall(m, 'me', conv(), t0 + 23 * 3600_000)).toBe(true)
    expect(canRecall(m, 'me', conv(), t0 + 25 * 3600_000)).toBe(false)
    expect(canRecall(m, 'other', conv(), t0)).toBe(false)
    expect(canRecall(m, 'other', conv({ my_role: 'admin' }), t0 + 48 * 3600_000)).toBe(true)
    expect(canRecall(m, 'me', conv({ archived_at: '2026-01-06T00:00:00Z' }), t0)).toBe(false)
  })

  it('makes a fresh idempotency key for each send', () => {
    expect(newKey()).not.toBe(newKey())
  })
})
