// Chat search in the desktop window: with the server unreachable it asks the
// desktop's own index (the SearchChatOffline binding) and says so; with the
// server answering it never does.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h, ref } from 'vue'
import SearchDialog from './SearchDialog.vue'
import { fetchRoutes, mountView, settle, typeInto } from '@/test/mount'

const localHit = { id: 'm7', conversation_id: 'c1', seq: 7, sender_id: 'u2', sender_name: '李娜', body: '预算已经批了',
  created_at: '2026-01-05T01:00:00Z', conversation_title: '预算小组' }

async function searchFor(q: string) {
  const Host = defineComponent({ setup: () => { const open = ref(true); return () => h(SearchDialog, { modelValue: open.value, convs: [] }) } })
  await mountView(Host)
  await settle()
  typeInto('[data-test=chat-search-input]', q)
  await settle()
  ;(document.querySelector('[data-test=chat-search-go]') as HTMLElement).click()
  await settle()
}

describe('SearchDialog', () => {
  afterEach(() => { vi.unstubAllGlobals(); document.body.innerHTML = ''; delete (window as { go?: unknown }).go })

  it('searches the desktop index when the server cannot be reached', async () => {
    const offline = vi.fn(async () => [localHit])
    ;(window as { go?: unknown }).go = { app: { App: { SearchChatOffline: offline } } }
    fetchRoutes({ 'GET /api/v1/chat/search': () => { throw new TypeError('Failed to fetch') } })
    await searchFor('预算')
    expect(offline).toHaveBeenCalledWith(expect.objectContaining({ q: '预算' }))
    expect(document.querySelector('[data-test=chat-search-offline]')?.textContent).toContain('无法连接服务器')
    const hit = document.querySelector('[data-test=chat-hit-m7]')!
    expect(hit.textContent).toContain('预算小组')
    expect(hit.textContent).toContain('预算已经批了')
  })

  it('uses the server while it answers', async () => {
    const offline = vi.fn(async () => [localHit])
    ;(window as { go?: unknown }).go = { app: { App: { SearchChatOffline: offline } } }
    fetchRoutes({ 'GET /api/v1/chat/search': [200, { items: [{ ...localHit, id: 'm8', body: '服务器的结果' }] }] })
    await searchFor('预算')
    expect(offline).not.toHaveBeenCalled()
    expect(document.querySelector('[data-test=chat-search-offline]')).toBeNull()
    expect(document.querySelector('[data-test=chat-hit-m8]')?.textContent).toContain('服务器的结果')
  })

  it('in a browser (no desktop) an unreachable server is an error, not an empty result', async () => {
    fetchRoutes({ 'GET /api/v1/chat/search': () => { throw new TypeError('Failed to fetch') } })
    await searchFor('预算')
    expect(document.querySelector('[data-test=chat-search-offline]')).toBeNull()
    expect(document.querySelector('[data-test=chat-search-none]')).toBeNull()
  })
})
