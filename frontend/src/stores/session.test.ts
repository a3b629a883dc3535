import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { fetchReplies } from '../test/mount'
import { useSession } from './session'

const user = { id: 'u1', name: '王芳', email: 'wf@x.test', roles: ['member'] }
const company = { id: 'company', name: '示例科技', created_at: '' }
const failure = (status: number, key: string) => [status, { error: { code: 'x', key, message: 'english' } }] as [number, unknown]

describe('session store', () => {
  beforeEach(() => setActivePinia(createPinia()))
  afterEach(() => vi.unstubAllGlobals())

  it('a server hiccup on /me is asked again, not taken for being signed out', async () => {
    const calls = fetchReplies([200, { needed: false }], failure(500, 'internal'), [200, company], [200, user])
    const s = useSession()
    await s.load()
    expect(calls.map((c) => c.path)).toEqual(['/api/v1/setup', '/api/v1/me', '/api/v1/company', '/api/v1/me'])
    expect(s.signedIn).toBe(true)
    expect(s.me?.name).toBe('王芳')
  })

  it('in the desktop window a server its proxy cannot reach is offline, not signed out', async () => {
    const calls = fetchReplies(failure(502, 'desktop.server_unreachable'))
    const s = useSession()
    await s.load()
    expect(calls.map((c) => c.path)).toEqual(['/api/v1/setup'])
    expect(s.unreachable).toBe(true)
    expect(s.signedIn).toBe(false)
  })

  it('a 401 on /me means signed out at once', async () => {
    const calls = fetchReplies([200, { needed: false }], failure(401, 'auth.session_expired'), failure(401, 'auth.session_expired'))
    const s = useSession()
    await s.load()
    expect(calls.map((c) => c.path)).toEqual(['/api/v1/setup', '/api/v1/me', '/api/v1/company'])
    expect(s.signedIn).toBe(false)
  })

  it('a sign-in while an older load is still asking is not undone by its 401', async () => {
    // setup (load), company (sign-in); were the stale load to go on, its /me would answer 401.
    const calls = fetchReplies([200, { needed: false }], [200, company], failure(401, 'auth.session_expired'), failure(401, 'auth.session_expired'))
    const s = useSession()
    const stale = s.load()
    await s.signedInAs(user as never)
    await stale
    expect(calls.map((c) => c.path)).toEqual(['/api/v1/setup', '/api/v1/company']) // the stale load stopped
    expect(s.signedIn).toBe(true)
    expect(s.me?.name).toBe('王芳')
    expect(s.company?.name).toBe('示例科技')
  })

  it('a sign-out while a load is asking stays signed out', async () => {
    fetchReplies([200, { needed: false }], [204, null], [200, user], [200, company])
    const s = useSession()
    const stale = s.load()
    await s.logout()
    await stale
    expect(s.signedIn).toBe(false)
  })

  it('signing out leaves no unsent chat text in this browser for the next person', async () => {
    localStorage.setItem('tack.chat.outbox.u1', JSON.stringify([{ key: 'k1', conversation_id: 'c1', body: '工资条有误', mentions: [], mention_all: false, reply_to_id: '', state: 'queued' }]))
    localStorage.setItem('tack.chat.outbox.u2', '[]')
    fetchReplies([200, company], [204, null])
    const s = useSession()
    await s.signedInAs(user as never)
    await s.logout()
    expect(localStorage.getItem('tack.chat.outbox.u1')).toBeNull()
    expect(localStorage.getItem('tack.chat.outbox.u2')).toBe('[]') // another user's is theirs to keep
  })
})
