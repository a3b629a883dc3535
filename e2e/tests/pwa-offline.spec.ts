// The installable web app: the manifest and its icons are served, the
// service worker takes the page, and a dropped connection shows the app's
// own translated offline state on reload (never a blank page or the
// browser's error page); back online, the app continues where it was.
// API answers are never served from the worker's cache.
import { test, expect, type Page } from '@playwright/test'
import { salesTeam, signedIn, submitLeave } from '../lib'

async function controlled(page: Page) {
  await page.waitForFunction(() => !!navigator.serviceWorker?.controller, undefined, { timeout: 60_000 })
  // The worker has the shell and what this page loaded before it took over.
  await page.waitForFunction(async () => {
    const keys = await caches.keys()
    if (!keys.includes('tack-shell-v1')) return false
    const assets = await caches.open('tack-assets-v1')
    const have = new Set((await assets.keys()).map((r) => new URL(r.url).pathname))
    const loaded = performance.getEntriesByType('resource').map((e) => new URL(e.name))
      .filter((u) => u.origin === location.origin && u.pathname.startsWith('/assets/')).map((u) => u.pathname)
    return loaded.every((p) => have.has(p))
  }, undefined, { timeout: 60_000 })
}

test('manifest, icons and service worker headers', async ({ request }) => {
  const m = await request.get('/manifest.webmanifest')
  expect(m.headers()['content-type']).toBe('application/manifest+json')
  const man = await m.json()
  expect(man).toMatchObject({ name: 'Tack', display: 'standalone', start_url: '/', scope: '/', theme_color: '#1f6feb' })
  for (const icon of man.icons) {
    const r = await request.get(icon.src)
    expect(r.ok(), icon.src).toBeTruthy()
    expect(r.headers()['content-type']).toBe('image/png')
  }
  const sw = await request.get('/sw.js')
  expect(sw.ok()).toBeTruthy()
  expect(sw.headers()['cache-control']).toBe('no-cache')
  expect(sw.headers()['content-type']).toContain('javascript')
  expect(await sw.text()).toContain("addEventListener('fetch'")
})

test('offline reload shows the offline state; back online the app continues', async ({ browser, request, baseURL }) => {
  const team = await salesTeam(request, 'pwa.test')
  await submitLeave(request, team.empToken, '2030-03-04', '2030-03-05', '看牙')

  // Signed out, on a phone: the login page, offline.
  const anon = await browser.newContext({ baseURL, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })
  const lp = await anon.newPage()
  await lp.goto('/login')
  await expect(lp.locator('[data-test=login-email]')).toBeVisible()
  await controlled(lp)
  await anon.setOffline(true)
  await lp.reload()
  await expect(lp.locator('[data-test=offline]')).toContainText('网络已断开')
  await expect(lp.locator('[data-test=offline-retry]')).toHaveText('重新连接')
  await lp.screenshot({ path: 'artifacts/pwa-offline-phone.png' })
  await anon.setOffline(false)
  await expect(lp.locator('[data-test=login-email]')).toBeVisible()
  await expect(lp.locator('[data-test=offline]')).toHaveCount(0)
  await anon.close()

  // Signed in, on the approvals inbox (desktop size).
  const ctx = await signedIn(browser, baseURL!, 'head@pwa.test')
  const page = await ctx.newPage()
  const apiFromWorker: string[] = []
  page.on('response', (r) => { if (r.url().includes('/api/') && r.fromServiceWorker()) apiFromWorker.push(r.url()) })
  await page.goto('/approvals')
  await expect(page.getByText('李娜的请假').first()).toBeVisible()
  await controlled(page)
  await ctx.setOffline(true)
  await page.reload()
  await expect(page.locator('[data-test=offline]')).toContainText('网络已断开')
  await expect(page.locator('[data-test=offline]')).toContainText('请检查网络，连接恢复后会自动继续')
  await page.screenshot({ path: 'artifacts/pwa-offline-desktop.png' })
  // Back online: the same page, with its data, without a click.
  await ctx.setOffline(false)
  await expect(page.getByText('李娜的请假').first()).toBeVisible()
  await expect(page).toHaveURL(/\/approvals/)
  await expect(page.locator('[data-test=offline]')).toHaveCount(0)
  // Offline while signed in: the page stays, with a strip that says why
  // nothing loads; the retry button keeps it until the network is back.
  await ctx.setOffline(true)
  await expect(page.locator('[data-test=offline]')).toContainText('网络已断开')
  await page.click('[data-test=offline-retry]')
  await expect(page.locator('[data-test=offline]')).toBeVisible()
  await expect(page.getByText('李娜的请假').first()).toBeVisible()
  await ctx.setOffline(false)
  await expect(page.locator('[data-test=offline]')).toHaveCount(0)
  expect(apiFromWorker).toEqual([])
  // Nothing under /api/ was ever stored.
  const cached = await page.evaluate(async () => {
    const out: string[] = []
    for (const k of await caches.keys()) for (const r of await (await caches.open(k)).keys()) out.push(new URL(r.url).pathname)
    return out
  })
  expect(cached.filter((p) => p.startsWith('/api/'))).toEqual([])
  expect(cached).toContain('/')
  await ctx.close()
})
