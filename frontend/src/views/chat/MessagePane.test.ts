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
  afterEach(() => { vi.unstubAllGlobals(); document.body.innerHTML = ''; localStorage.clear() })

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

  it('queues what is written offline and sends it, in order and with the same keys, when the network is back', async () => {
    let online = false
    let seq = 1
    const calls = fetchRoutes({
      'GET /api/v1/chat/conversations/c1': [200, conv],
      'GET /api/v1/chat/conversations/c1/messages': [200, { items: [msg(1, 'k0', '早')], more: false }],
      'POST /api/v1/chat/conversations/c1/messages': () => {
        if (!online) throw new TypeError('Failed to fetch')
        seq++
        return [201, msg(seq, 'x' + seq, seq === 2 ? '电梯里没信号' : '到楼下了')]
      },
    })
    const Host = defineComponent({ render: () => h(MessagePane, { id: 'c1' }) })
    await mountView(Host)
    await flushPromises()
    const input = document.querySelector('textarea[data-test=chat-input]') as HTMLTextAreaElement
    for (const body of ['电梯里没信号', '到楼下了']) {
      input.value = body
      input.dispatchEvent(new Event('input'))
      await flushPromises()
      ;(document.querySelector('[data-test=chat-send]') as HTMLElement).click()
      await flushPromises()
    }
    expect(document.querySelectorAll('[data-test=msg-queued]')).toHaveLength(2)
    expect(document.querySelector('[data-test=msg-failed]')).toBeNull()
    online = true
    window.dispatchEvent(new Event('online'))
    await flushPromises()
    await flushPromises()
    const posts = calls.filter((c) => c.method === 'POST' && c.path.endsWith('/messages')).map((c) => c.body as { client_key: string; body: string })
    // Offline, each pass stops at the first message (nothing overtakes it);
    // back online both go, in order, each with the key it was written with.
    expect(posts.map((p) => p.body)).toEqual(['电梯里没信号', '电梯里没信号', '电梯里没信号', '到楼下了'])
    expect(new Set(posts.slice(0, 3).map((p) => p.client_key)).size).toBe(1)
    expect(posts[3].client_key).not.toBe(posts[0].client_key)
    expect(document.querySelectorAll('[data-test=msg-text]')).toHaveLength(3)
    expect(document.querySelector('[data-test=msg-pending]')).toBeNull()
  })

  it('shows an image thumbnail and a file card, and refuses an oversized file before sending', async () => {
    const img = { ...msg(1, 'k1', 'photo.png'), sender_id: 'u2', kind: 'image', file: { id: 'f1', name: 'photo.png', size: 2048, thumb_id: 't1', width: 800, height: 400 } }
    const doc = { ...msg(2, 'k2', '方案.pdf'), sender_id: 'u2', kind: 'file', file: { id: 'f2', name: '方案.pdf', size: 3 * 1024 * 1024 } }
    const calls = fetchRoutes({
      'GET /api/v1/chat/conversations/c1': [200, conv],
      'GET /api/v1/chat/conversations/c1/messages': [200, { items: [img, doc], more: false }],
    })
    const Host = defineComponent({ render: () => h(MessagePane, { id: 'c1' }) })
    await mountView(Host)
    await flushPromises()
    const thumb = document.querySelector('[data-test=msg-1] [data-test=msg-image] img') as HTMLImageElement
    expect(thumb.getAttribute('src')).toBe('/api/v1/chat/messages/m1/thumbnail')
    expect(thumb.style.width).toBe('200px') // 800×400 fits a 200 px box: 200×100
    expect(thumb.style.height).toBe('100px')
    const card = document.querySelector('[data-test=msg-2] [data-test=msg-file]')!
    expect(card.textContent).toContain('方案.pdf')
    expect(card.textContent).toContain('3.0 MB')
    expect(card.querySelector('[data-test=msg-file-download]')!.getAttribute('href')).toBe('/api/v1/chat/messages/m2/file')

    const big = new File(['x'], 'huge.zip')
    Object.defineProperty(big, 'size', { value: 101 * 1024 * 1024 })
    const input = document.querySelector('[data-test=chat-file-input]') as HTMLInputElement
    Object.defineProperty(input, 'files', { value: [big], configurable: true })
    input.dispatchEvent(new Event('change'))
    await flushPromises()
    expect(document.body.textContent).toContain('文件太大')
    expect(document.querySelector('[data-test=msg-pending]')).toBeNull()
    expect(calls.filter((c) => c.path.includes('/files'))).toHaveLength(0)
  })
})
