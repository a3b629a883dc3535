// The full offline page in the desktop window offers chat search when the
// desktop has this server's chats indexed (HasChatIndex), and the dialog it
// opens finds them there; without an index, or as the strip above a page,
// it does not offer it.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { h } from 'vue'
import OfflineState from './OfflineState.vue'
import { fetchRoutes, mountView, settle, typeInto } from '@/test/mount'

const hit = { id: 'm7', conversation_id: 'c1', seq: 7, sender_id: 'u2', sender_name: '李娜', body: '预算已经批了',
  created_at: '2026-01-05T01:00:00Z', conversation_title: '预算小组' }

function desktopWith(has: boolean) {
  const search = vi.fn(async () => [hit])
  ;(window as { go?: unknown }).go = { app: { App: { HasChatIndex: async () => has, SearchChatOffline: search } } }
  return search
}

describe('OfflineState', () => {
  afterEach(() => { vi.unstubAllGlobals(); document.body.innerHTML = ''; delete (window as { go?: unknown }).go })

  it('offers the chats saved on this computer and searches them', async () => {
    const search = desktopWith(true)
    fetchRoutes({ 'GET /api/v1/chat/search': () => { throw new TypeError('Failed to fetch') } })
    await mountView({ render: () => h(OfflineState, { full: true }) })
    await settle()
    const btn = document.querySelector('[data-test=offline-chat-search]') as HTMLElement
    expect(btn.textContent).toContain('搜索本机保存的聊天记录')
    btn.click()
    await vi.waitFor(() => expect(document.querySelector('[data-test=chat-search-input]')).not.toBeNull())
    typeInto('[data-test=chat-search-input]', '预算')
    await settle()
    ;(document.querySelector('[data-test=chat-search-go]') as HTMLElement).click()
    await vi.waitFor(() => expect(document.querySelector('[data-test=chat-hit-m7]')?.textContent).toContain('预算已经批了'))
    expect(search).toHaveBeenCalledWith(expect.objectContaining({ q: '预算' }))
    expect(document.querySelector('[data-test=chat-search-offline]')).not.toBeNull()
  })

  it('does not offer it without an index or as the strip above a page', async () => {
    desktopWith(false)
    await mountView({ render: () => h(OfflineState, { full: true }) })
    await settle()
    expect(document.querySelector('[data-test=offline-retry]')).not.toBeNull()
    expect(document.querySelector('[data-test=offline-chat-search]')).toBeNull()
    document.body.innerHTML = ''
    desktopWith(true)
    await mountView({ render: () => h(OfflineState, { full: false }) })
    await settle()
    expect(document.querySelector('[data-test=offline-chat-search]')).toBeNull()
  })
})
