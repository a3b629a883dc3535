import { afterEach, describe, expect, it } from 'vitest'
import { asBindingError, available, desktop } from './bridge'

describe('desktop bridge', () => {
  afterEach(() => { delete (window as any).go })

  it('is unavailable in a plain browser and says so with a keyed error', () => {
    expect(available()).toBe(false)
    expect(() => desktop()).toThrow()
    try { desktop() } catch (e) { expect(asBindingError(e).key).toBe('desktop.not_desktop') }
  })

  it('calls the Wails binding when the shell provides it', async () => {
    ;(window as any).go = { app: { App: { GetConnection: async () => ({ mode: 'local', url: 'http://127.0.0.1:5' }) } } }
    expect(available()).toBe(true)
    await expect(desktop().GetConnection()).resolves.toEqual({ mode: 'local', url: 'http://127.0.0.1:5' })
  })

  it('normalises rejections into {code,key,message}', () => {
    expect(asBindingError({ code: 'invalid', key: 'desktop.bad_url', message: 'm' }).key).toBe('desktop.bad_url')
    expect(asBindingError('boom')).toEqual({ code: 'internal', key: 'desktop.internal', message: 'boom' })
  })
})
