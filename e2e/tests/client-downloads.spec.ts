// Download links to the desktop client (issue 19): the login page and the
// browser's 文件夹同步 page offer the build for the visitor's OS once the
// server has one (signed in with tack admin sign-client); phones get none.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { test, expect, type Page } from '@playwright/test'
import { BIN, clientsDir, specServers } from '../harness'
import { setupCompany, signedIn } from '../lib'

const WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36'
const LINUX = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36'
const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1'

const server = specServers().find((s) => s.file === 'client-downloads.spec.ts')!

/** sign publishes a fake build with the real command, as an administrator would. */
function sign(key: string, os: string, file: string, body: string, installer = false) {
  const dir = mkdtempSync(path.join(tmpdir(), 'tack-build-'))
  const f = path.join(dir, file)
  writeFileSync(f, body)
  execFileSync(BIN, ['admin', 'sign-client', '--key', key, '--clients', clientsDir(server), '--file', f,
    '--version', '1.2.0', '--os', os, '--arch', 'amd64', '--changelog', '更快的同步', ...(installer ? ['--installer'] : [])])
}

/** loaded waits for the page's question to the server, so "no link" is an answer, not impatience. */
async function gotoAndWait(page: Page, url: string) {
  const asked = page.waitForResponse((r) => r.url().endsWith('/api/v1/clients'))
  await page.goto(url)
  return asked
}

test('links to the client for the visitor OS on the login and 文件夹同步 pages', async ({ browser, request, baseURL }) => {
  await setupCompany(request, 'dl.test')
  // No builds yet: no link.
  let ctx = await browser.newContext({ baseURL, userAgent: WINDOWS })
  let page = await ctx.newPage()
  await gotoAndWait(page, '/login')
  await expect(page.locator('[data-test=login-submit]')).toBeVisible()
  await expect(page.locator('[data-test=client-download]')).toHaveCount(0)

  const keys = mkdtempSync(path.join(tmpdir(), 'tack-keys-'))
  const key = path.join(keys, 'release.key')
  execFileSync(BIN, ['admin', 'release-key', '--private', key, '--public', path.join(keys, 'release.pub')])
  sign(key, 'windows', 'tack-setup.exe', 'windows installer bytes', true)
  sign(key, 'linux', 'tack', 'linux build bytes')

  // Windows visitor, desktop width, zh-CN: the installer.
  await page.reload()
  const link = page.locator('[data-test=client-download-link]')
  await expect(link).toHaveText('下载 Windows 桌面客户端')
  await expect(link).toHaveAttribute('href', '/api/v1/clients/windows/amd64/1.2.0/tack-setup.exe')
  await expect(page.locator('[data-test=client-download]')).toContainText('版本 1.2.0')
  await page.screenshot({ path: 'artifacts/client-download-login.png' })
  const [dl] = await Promise.all([page.waitForEvent('download'), link.click()])
  expect(dl.suggestedFilename()).toBe('tack-setup.exe')
  await ctx.close()

  // Signed in on Linux in English: the 文件夹同步 page, which works only in the desktop app, links to it.
  ctx = await signedIn(browser, baseURL!, 'admin@dl.test', { userAgent: LINUX, locale: 'en' })
  await ctx.addInitScript(() => localStorage.setItem('tack.locale', 'en'))
  page = await ctx.newPage()
  await gotoAndWait(page, '/sync')
  await expect(page.getByText('Folder sync is available in the desktop app.')).toBeVisible()
  await expect(page.locator('[data-test=client-download-link]')).toHaveText('Download the desktop client for Linux')
  await expect(page.locator('[data-test=client-download-link]')).toHaveAttribute('href', '/api/v1/clients/linux/amd64/1.2.0/tack')
  await page.screenshot({ path: 'artifacts/client-download-sync.png' })
  await ctx.close()

  // A phone at 390 px: no desktop client to offer. (The login card itself is
  // 465 px wide there today, before this change too: issue 15's business.)
  ctx = await browser.newContext({ baseURL, userAgent: IPHONE, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })
  page = await ctx.newPage()
  await page.goto('/login')
  await expect(page.locator('[data-test=login-submit]')).toBeVisible()
  await expect(page.locator('[data-test=client-download]')).toHaveCount(0)
  await ctx.close()

  // A Windows visitor on a narrow window still sees the link, wrapped inside the login card.
  ctx = await browser.newContext({ baseURL, userAgent: WINDOWS, viewport: { width: 390, height: 844 } })
  page = await ctx.newPage()
  await page.goto('/login')
  await expect(page.locator('[data-test=client-download-link]')).toBeVisible()
  const box = (await page.locator('[data-test=client-download]').boundingBox())!
  const card = (await page.locator('[data-test=login-submit]').boundingBox())!
  expect(box.x).toBeGreaterThanOrEqual(card.x - 1)
  expect(box.x + box.width).toBeLessThanOrEqual(card.x + card.width + 1)
  await page.screenshot({ path: 'artifacts/client-download-login-390.png' })
  await ctx.close()
})
