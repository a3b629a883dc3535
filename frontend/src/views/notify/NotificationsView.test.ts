import { afterEach, describe, expect, it, vi } from 'vitest'
import { fetchRoutes, mountView, settle } from '../../test/mount'
import { useSession } from '@/stores/session'
import { stopLive } from './live'
import NotificationsView from './NotificationsView.vue'

// The email settings link is for admins, known from the session store (no /me of the page's own).
describe('NotificationsView and the session store', { timeout: 30_000 }, () => {
  afterEach(() => { stopLive(); vi.unstubAllGlobals(); document.body.innerHTML = '' })

  async function openAs(roles: string[]) {
    const calls = fetchRoutes({
      'GET /api/v1/notifications': [200, { items: [], next_cursor: '' }],
      'GET /api/v1/notifications/unread-count': [200, { count: 0 }],
    })
    const { wrapper } = await mountView(NotificationsView, '/')
    useSession().setMe({ id: 'u1', name: '王芳', roles } as never)
    await settle()
    return { wrapper, calls }
  }

  it('shows an admin the email settings link, and asks no /me', async () => {
    const { wrapper, calls } = await openAs(['member', 'admin'])
    expect(wrapper.find('a[href="/settings/email"]').exists()).toBe(true)
    expect(calls.map((c) => c.path)).not.toContain('/api/v1/me')
  })

  it('shows a member no settings link', async () => {
    const { wrapper } = await openAs(['member'])
    expect(wrapper.find('a[href="/settings/email"]').exists()).toBe(false)
  })
})
