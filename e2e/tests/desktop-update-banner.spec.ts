// The desktop window's banner for its own update (issue 19; app/update.go
// UpdateState). The page is the one the window embeds; the shell's binding
// stands in for the Go side, as the OS boundary.
import { test, expect } from '@playwright/test'
import { setupCompany, signedIn } from '../lib'

// Desktop width and a 390 px phone-sized window.
test('the desktop window says a verified update installs on restart', async ({ browser, request, baseURL }) => {
  await setupCompany(request, 'upd.test')
  for (const [name, viewport] of [['desktop', { width: 1280, height: 800 }], ['narrow', { width: 390, height: 844 }]] as const) {
    const ctx = await signedIn(browser, baseURL!, 'admin@upd.test', { viewport })
    await ctx.addInitScript(() => {
      ;(window as any).go = { app: { App: { UpdateState: async () => ({ state: 'ready', version: '1.4.0', changelog: '同步更快\n托盘显示未备份的文件' }) } } }
    })
    const page = await ctx.newPage()
    await page.goto('/')
    const banner = page.locator('[data-test=update-banner]')
    await expect(banner).toContainText('Tack 1.4.0 已下载并验证签名')
    await expect(banner).toContainText('托盘显示未备份的文件')
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true)
    await page.screenshot({ path: `artifacts/desktop-update-banner-${name}.png` })
    await banner.locator('.el-alert__close-btn').click()
    await expect(banner).toHaveCount(0)
    await ctx.close()
  }
})
