import { afterEach, describe, expect, it, vi } from 'vitest'
import { ApiError, api, setUnauthorizedHandler, toApiError } from './client'

function reply(status: number, body?: unknown, contentType = 'application/json') {
  const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body)
  return vi.fn(async () => new Response(status === 204 ? null : text, { status, headers: { 'Content-Type': contentType } }))
}

describe('api client', () => {
  afterEach(() => { vi.unstubAllGlobals(); setUnauthorizedHandler(() => undefined) })

  it('sends JSON with the CSRF header and the same-origin cookie', async () => {
    const f = reply(201, { id: 'd1' })
    vi.stubGlobal('fetch', f)
    const out = await api.post<{ id: string }>('/api/v1/departments', { name: '销售部' })
    expect(out).toEqual({ id: 'd1' })
    const [path, init] = f.mock.calls[0] as unknown as [string, RequestInit]
    expect(path).toBe('/api/v1/departments')
    expect(init.method).toBe('POST')
    expect(init.credentials).toBe('same-origin')
    const h = init.headers as Record<string, string>
    expect(h['X-Tack-Request']).toBe('1')
    expect(h['Content-Type']).toBe('application/json')
    expect(init.body).toBe('{"name":"销售部"}')
  })

  it('puts the CSRF header on GET too, and returns undefined for 204', async () => {
    const f = reply(204)
    vi.stubGlobal('fetch', f)
    await expect(api.del('/api/v1/roles/x')).resolves.toBeUndefined()
    await api.get('/api/v1/me')
    const h = (f.mock.calls[1] as unknown as [string, RequestInit])[1].headers as Record<string, string>
    expect(h['X-Tack-Request']).toBe('1')
  })

  it('repeats a write the server refused as busy, after Retry-After, and gives up after a few', async () => {
    vi.useFakeTimers()
    try {
      const busy = () => new Response(JSON.stringify({ error: { code: 'unavailable', key: 'busy', message: 'busy' } }),
        { status: 503, headers: { 'Content-Type': 'application/json', 'Retry-After': '1' } })
      const f = vi.fn(async () => busy())
      f.mockImplementationOnce(async () => busy())
      f.mockImplementationOnce(async () => new Response('{"id":"a1"}', { status: 201, headers: { 'Content-Type': 'application/json' } }))
      vi.stubGlobal('fetch', f)
      const ok = api.post<{ id: string }>('/api/v1/approvals', { x: 1 })
      await vi.runAllTimersAsync()
      await expect(ok).resolves.toEqual({ id: 'a1' })
      expect(f).toHaveBeenCalledTimes(2)
      expect((f.mock.calls[1] as unknown as [string, RequestInit])[1].body).toBe('{"x":1}')

      f.mockClear()
      const refused = api.post('/api/v1/approvals', { x: 1 })
      const seen = refused.catch((e: unknown) => e)
      await vi.runAllTimersAsync()
      const e = await seen
      expect(e).toBeInstanceOf(ApiError)
      expect((e as ApiError).key).toBe('busy')
      expect(f).toHaveBeenCalledTimes(1 + 3)
    } finally {
      vi.useRealTimers()
    }
  })

  it('does not repeat other 503s', async () => {
    const f = reply(503, 'Service Unavailable', 'text/plain')
    vi.stubGlobal('fetch', f)
    await expect(api.post('/api/v1/x', {})).rejects.toMatchObject({ status: 503 })
    expect(f).toHaveBeenCalledTimes(1)
  })

  it('sends FormData as it is (the browser sets the multipart boundary)', async () => {
    const f = reply(200, {})
    vi.stubGlobal('fetch', f)
    const fd = new FormData()
    fd.append('file', new Blob(['x']), 'a.txt')
    await api.post('/api/v1/upload', fd)
    const init = (f.mock.calls[0] as unknown as [string, RequestInit])[1]
    expect(init.body).toBe(fd)
    expect((init.headers as Record<string, string>)['Content-Type']).toBeUndefined()
  })

  it('maps the error body to ApiError with status, code, key, message and fields', async () => {
    vi.stubGlobal('fetch', reply(400, { error: { code: 'invalid', key: 'org.invalid_user', message: 'the user is not valid', fields: { email: 'duplicate', phone: 'required' } } }))
    const err = await api.post('/api/v1/users', {}).catch((e) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect(err).toMatchObject({ status: 400, code: 'invalid', key: 'org.invalid_user', message: 'the user is not valid', fields: { email: 'duplicate', phone: 'required' } })
  })

  it('turns a foreign error page into a coded error without inventing a key', () => {
    const e = toApiError(502, '<html>Bad gateway</html>')
    expect(e).toMatchObject({ status: 502, code: 'internal', key: 'internal' })
    expect(toApiError(409, '')).toMatchObject({ code: 'conflict', key: '', fields: {} })
    expect(toApiError(400, { error: { code: 'invalid', message: 'm' } }).fields).toEqual({})
  })

  it('a network failure is ApiError{status 0, key network}', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => { throw new TypeError('Failed to fetch') }))
    await expect(api.get('/api/v1/me')).rejects.toMatchObject({ status: 0, code: 'network', key: 'network' })
  })

  it('runs the 401 handler for a lapsed session, but not for sign-in answers or quiet calls', async () => {
    const seen: string[] = []
    setUnauthorizedHandler((e) => seen.push(e.key))
    vi.stubGlobal('fetch', reply(401, { error: { code: 'unauthenticated', key: 'auth.session_expired', message: 'please sign in again' } }))
    await expect(api.get('/api/v1/approvals')).rejects.toMatchObject({ status: 401 })
    expect(seen).toEqual(['auth.session_expired'])
    vi.stubGlobal('fetch', reply(401, { error: { code: 'unauthenticated', key: 'auth.bad_credentials', message: 'wrong' } }))
    await expect(api.post('/api/v1/auth/login', {})).rejects.toMatchObject({ key: 'auth.bad_credentials' })
    await expect(api.get('/api/v1/me', { quiet401: true })).rejects.toMatchObject({ status: 401 })
    expect(seen).toEqual(['auth.session_expired'])
  })
})
