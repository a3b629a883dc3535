// Every main page at a phone (390×844, touch) (layout.ts; desktop-layout.spec.ts
// walks the same pages at 1280×800), where people land on a phone, and the
// rest of the pages at 390 px.
import { test, expect } from '@playwright/test'
import { call, noSideScroll, PASSWORD, PHONE, salesTeam, signedInPage } from '../lib'
import { seedLayout, settled, walkLayout } from '../layout'

test('every main page fits a phone, with the tab bar instead of the sidebar', async ({ browser, request, baseURL }) => {
  test.setTimeout(900_000) // every page, the drive's folder, shared, search and trash, on a loaded machine
  const seeded = await seedLayout(request)
  await walkLayout(browser, baseURL!, request, 'phone', PHONE, seeded)

  // Where people land: everyone signs in to 工作台, which holds what a plain
  // employee has to do today — approvals waiting, today's punch, unread chat —
  // and the ways into 考勤 and 日志; an admin lands there too, as before.
  const emp = await (await browser.newContext({ ...PHONE, baseURL, locale: 'zh-CN' })).newPage()
  await emp.goto('/login')
  await emp.fill('[data-test=login-email]', 'emp@layout.test')
  await emp.fill('[data-test=login-password]', PASSWORD)
  await emp.click('[data-test=login-submit]')
  await expect(emp).toHaveURL(/\/$/)
  await expect(emp.locator('[data-test=tab-home]')).toHaveClass(/is-active/)
  await expect(emp.locator('[data-test=home-todo]')).toContainText('0')
  await expect(emp.locator('[data-test=home-punch]')).toContainText('未打卡')
  await expect(emp.locator('[data-test=home-chat]')).toContainText('0')
  await noSideScroll(emp, 'phone landing')
  // One column: every count and both panels start at the same x and are as wide as the page allows.
  const boxes = await emp.locator('.hv-stats > .tk-card, .hv-cols > .tk-card').evaluateAll((els) =>
    els.map((e) => { const r = e.getBoundingClientRect(); return { x: Math.round(r.left), w: Math.round(r.width), right: r.right } }))
  expect(boxes).toHaveLength(7)
  expect(new Set(boxes.map((b) => b.x)).size).toBe(1)
  expect(new Set(boxes.map((b) => b.w)).size).toBe(1)
  expect(boxes[0].w).toBeGreaterThan(330)
  for (const b of boxes) expect(b.right).toBeLessThanOrEqual(390)
  await emp.screenshot({ path: 'artifacts/layout-phone-landing.png', fullPage: true })
  // (A DING sheet from the announcement reminder is open over it: the entries are there, not tapped here.)
  for (const q of ['attendance', 'reportWrite', 'reportReceived']) await expect(emp.locator(`[data-test=quick-${q}]`)).toBeVisible()
})

// The rest of the pages, at 390 px only (the walks cover both viewports for
// the main ones): nothing scrolls sideways. Uses the company the
// test above set up (tests in a file share one server and run in order), or
// sets it up when run alone.
const MORE_PAGES: [name: string, path: string][] = [
  ['approvals-new', '/approvals/new'],
  ['approvals-stats', '/approvals/stats'],
  ['approvals-templates', '/approvals/admin/templates'],
  ['attendance-months', '/attendance/months'],
  ['email-settings', '/settings/email'],
  ['sync', '/sync'],
  ['admin-security', '/admin/security'],
  ['admin-backups', '/admin/backups'],
]

test('the other pages fit a phone too', async ({ browser, request, baseURL }) => {
  test.setTimeout(300_000)
  // Run alone (-g), the company is not there yet: set it up.
  await call(request, 'POST', '/api/v1/auth/login', '', { email: 'admin@layout.test', password: PASSWORD }).catch(() => salesTeam(request, 'layout.test'))
  const page = await signedInPage(browser, baseURL!, 'admin@layout.test', PHONE)
  for (const [name, path] of MORE_PAGES) {
    await page.goto(path)
    await settled(page, '.tk-main')
    await expect(page.locator('[data-test=tabbar]')).toBeVisible()
    await noSideScroll(page, `phone ${name}`)
    await page.screenshot({ path: `artifacts/layout-phone-${name}.png`, fullPage: true })
  }
})
