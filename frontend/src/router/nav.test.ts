import { afterEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import type { RouteRecordRaw } from 'vue-router'
import { allowed, buildNav, collectRoutes } from './nav'
import { routes } from './index'
import { decide, safeNext } from './guard'
import { fetchReplies } from '../test/mount'

const fake: RouteRecordRaw[] = [
  { path: '/b', name: 'b', component: {}, meta: { nav: { label: 'b', icon: 'Bell', order: 20 } } },
  { path: '/a', name: 'a', component: {}, meta: { nav: { label: 'a', icon: 'Bell', order: 10 } } },
  { path: '/hidden', component: {} },
  { path: '/admin', component: {}, meta: { admin: true, nav: { label: 'admin', icon: 'Setting', order: 90 } } },
  { path: '/people', component: {}, meta: { roles: ['hr'], nav: { label: 'people', icon: 'User', order: 80 } } },
]

describe('navigation from route meta', () => {
  it('lists nav routes by order and hides admin routes from others', () => {
    expect(buildNav(fake, ['member']).map((n) => n.path)).toEqual(['/a', '/b'])
    expect(buildNav(fake, ['member', 'hr']).map((n) => n.path)).toEqual(['/a', '/b', '/people'])
    expect(buildNav(fake, ['admin']).map((n) => n.path)).toEqual(['/a', '/b', '/people', '/admin'])
  })

  it('collects every routes/*.ts module in file order', () => {
    const r = collectRoutes({ './routes/b.ts': { default: [fake[0]] }, './routes/a.ts': { default: [fake[1]] }, './routes/c.ts': {} })
    expect(r.map((x) => x.path)).toEqual(['/a', '/b'])
  })

  it('builds the real navigation: domains, contacts, admin only for admins and HR', () => {
    const member = buildNav(routes, ['member']).map((n) => n.label)
    expect(member).toEqual(expect.arrayContaining(['common.home.nav', 'approvals.nav', 'meetings.nav', 'org.contacts.nav']))
    expect(member).not.toContain('org.admin.nav')
    expect(buildNav(routes, ['member', 'hr']).map((n) => n.label)).toContain('org.admin.nav')
    expect(buildNav(routes, ['admin']).map((n) => n.label)).toContain('org.admin.nav')
    // Drive registers itself when src/router/routes/drive.ts exists; nothing here names it.
    const orders = buildNav(routes, ['admin']).map((n) => n.order)
    expect(orders).toEqual([...orders].sort((a, b) => a - b))
  })

  it('checks admin and roles meta', () => {
    expect(allowed({ admin: true }, ['hr'])).toBe(false)
    expect(allowed({ roles: ['hr'] }, ['hr'])).toBe(true)
    expect(allowed({ roles: ['hr'] }, ['admin'])).toBe(true)
    expect(allowed(undefined, [])).toBe(true)
  })
})

describe('route guard', () => {
  afterEach(() => vi.unstubAllGlobals())
  const to = (path: string, meta: Record<string, unknown> = {}, name?: string) =>
    ({ path, fullPath: path, name, meta, query: {}, params: {}, hash: '', matched: [], redirectedFrom: undefined }) as never
  const me = { id: 'u1', name: 'x', roles: ['member'] }

  it('sends everything to setup on a fresh workspace', async () => {
    setActivePinia(createPinia())
    fetchReplies([200, { needed: true }])
    expect(await decide(to('/contacts'))).toBe('/setup')
  })

  it('sends a signed-out visitor to login with next', async () => {
    setActivePinia(createPinia())
    fetchReplies([200, { needed: false }], [401, { error: { code: 'unauthenticated', key: 'auth.required', message: '' } }], [401, {}])
    expect(await decide(to('/approvals/1'))).toEqual({ path: '/login', query: { next: '/approvals/1' } })
  })

  it('keeps members out of admin pages, and the desktop window without a server on the connect screen', async () => {
    setActivePinia(createPinia())
    fetchReplies([200, { needed: false }], [200, me], [200, { id: 'company', name: 'C' }])
    expect(await decide(to('/admin/roles', { admin: true }))).toBe('/')
    expect(await decide(to('/contacts'))).toBe(true)
    setActivePinia(createPinia())
    fetchReplies([503, { error: { code: 'unavailable', key: 'desktop.not_connected', message: '' } }])
    expect(await decide(to('/login', { public: true }, 'login'))).toBe('/desktop/connect')
  })

  it('only follows next inside the app', () => {
    expect(safeNext('/contacts')).toBe('/contacts')
    expect(safeNext('//evil.example')).toBe('/')
    expect(safeNext('https://evil.example')).toBe('/')
  })
})
