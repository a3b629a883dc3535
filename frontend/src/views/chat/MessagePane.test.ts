// The sending side: a message shows as pending, then failed when the server
// does not take it; retry re-sends it with the same idempotency key.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { defineComponent, h } from 'vue'
import MessagePane from './MessagePane.vue'
import { fetchRoutes, mountView } from '@/test/mount'

const conv = {
  id: 'c1', kind: 'temporary', name: '评审', title: '评审', owner_id: 'u1', department_id: '', include_sub: false,
  post_policy: 'all', add_policy: 'all', last_seq: 1, last_message_at: null, archived_at: null, version: 1, created_at: '2026-01-05T01:00:00Z',
  my_role: 'owner', muted: false, pinned: false, read_seq: 1, unread: 0, member_count: 2,
  members: [{ conversation_id: 'c1', user_id: 'u2', name: '李娜', role: 'member', read_seq: 0, joined_seq: 0, muted: false, pinned: false, joined_at: '' }],
}
const msg = (seq: number, key: string, body: string) => ({
  id: 'm' + seq, conversation_id: 'c1', seq, sender_id: '', sender_name: '我', client_key: key, kind: 'text', body, mentions: [], mention_all: false,
  reply_to_id: '', forwarded_from_id: '', edited_at: null, recalled_at: null, recalled_by: '', created_at: '2026-01-05T01:00:00Z', unread: 1,
})

describe('MessagePane', () => {
  afterEach(() => { vi.unstubAllGlobals(); document.body.innerHTML = '' })

  it('retries a failed send with the same client key', async () => {
    let sends = 0
    const calls = fetchRoutes({
      'GET /api/v1/chat/conversations/c1': [200, conv],
      'GET /api/v1/chat/conversations/c1/messages': [200, { items: [msg(1, 'k0', '早')], more: false }],
      'POST /api/v1/chat/conversations/c1/messages': () => (++sends === 1
        ? [503, { error: { code: 'internal', key: 'internal', message: 'down' } }]
        : [201, msg(2, 'x', '下午评审')]),
    })
    const Host = defineComponent({ render: () => h(MessagePane, { id: 'c1' }) })
    await mountView(Host)
    await flushPromises()
    const input = document.querySelector('textarea[data-test=chat-input]') as HTMLTextAreaElement
    input.value = '下午评审'
    input.dispatchEvent(new Event('input'))
    await flushPromises()
    ;(document.querySelector('[data-test=chat-send]') as HTMLElement).click()
    await flushPromises()
    expect(document.querySelector("[data-test=msg-failed]")).not.toBeNull()
    ;(document.querySelector('[data-test=msg-retry]') as HTMLElement).click()
    await flushPromises()
    const posts = calls.filter((c) => c.method === 'POST' && c.path.endsWith('/messages')).map((c) => c.body as { client_key: string; body: string })
    expect(posts).toHaveLength(2)
    expect(posts[1].client_key).toBe(posts[0].client_key)
    expect(posts[1].body).toBe('下午评审')
    expect(document.querySelector('[data-test=msg-pending]')).toBeNull()
    expect(document.querySelector('[data-test=msg-2]')?.textContent).toContain('下午评审')
  })
})
