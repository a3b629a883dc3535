import { describe, expect, it, vi } from 'vitest'
import { inDesktopWindow, registerServiceWorker } from './pwa'

function fakeWindow(loc: { protocol: string; hostname: string }, extra: Record<string, unknown> = {}) {
  const register = vi.fn(() => Promise.resolve({}))
  const w = {
    location: { ...loc, origin: `${loc.protocol}//${loc.hostname}` },
    isSecureContext: true,
    navigator: { serviceWorker: { register, ready: Promise.resolve({ active: { postMessage: vi.fn() } }) } },
    document: { readyState: 'complete' },
    performance: { getEntriesByType: () => [] },
    addEventListener: vi.fn(),
    ...extra,
  }
  return { w: w as unknown as Window, register }
}

describe('service worker registration', () => {
  it('tells the desktop window from a browser', () => {
    expect(inDesktopWindow(fakeWindow({ protocol: 'wails:', hostname: 'wails' }).w)).toBe(true)
    expect(inDesktopWindow(fakeWindow({ protocol: 'http:', hostname: 'wails.localhost' }).w)).toBe(true)
    expect(inDesktopWindow(fakeWindow({ protocol: 'https:', hostname: 'tack.example' }, { WailsInvoke: () => {} }).w)).toBe(true)
    expect(inDesktopWindow(fakeWindow({ protocol: 'https:', hostname: 'tack.example' }).w)).toBe(false)
  })

  it('never registers in the desktop window or on an insecure origin', () => {
    vi.stubEnv('PROD', true)
    const desk = fakeWindow({ protocol: 'http:', hostname: 'wails.localhost' })
    registerServiceWorker(desk.w)
    expect(desk.register).not.toHaveBeenCalled()
    const lan = fakeWindow({ protocol: 'http:', hostname: '10.0.0.5' }, { isSecureContext: false })
    registerServiceWorker(lan.w)
    expect(lan.register).not.toHaveBeenCalled()
    const web = fakeWindow({ protocol: 'https:', hostname: 'tack.example' })
    registerServiceWorker(web.w)
    expect(web.register).toHaveBeenCalledWith('/sw.js', { scope: '/' })
    vi.unstubAllEnvs()
  })
})
