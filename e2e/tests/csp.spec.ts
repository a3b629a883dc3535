// The UI runs under the Content-Security-Policy of index.html (own scripts
// only: no inline script, no eval, nothing from elsewhere; the desktop
// window uses the same page). Every main page is opened, signed out and as
// the admin, and must load without a single policy violation, so the policy
// is as strict as it is without breaking a page. Self-contained: the
// first-run setup runs against the harness's fresh server.
import { test, expect, type Page } from '@playwright/test'
import { setupCompany, signedInPage } from '../lib'

// Records every violation the page reports (before any of its scripts run).
async function watchViolations(page: Page): Promise<string[]> {
  const seen: string[] = []
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) seen.push(m.text()) })
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`Content Security Policy violation: ${e.violatedDirective} ${e.blockedURI}`)
    })
  })
  return seen
}

async function visit(page: Page, path: string) {
  await page.goto(path)
  await page.waitForLoadState('networkidle')
  await expect(page.locator('#app')).not.toBeEmpty()
}

test('every main page loads under the Content-Security-Policy without a violation', async ({ browser, baseURL, request }) => {
  const page0 = await browser.newPage({ baseURL, locale: 'zh-CN' })
  const before = await watchViolations(page0)
  await visit(page0, '/setup')
  const policy = await page0.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content')
  expect(policy).toContain("script-src 'self';")
  expect(policy).not.toContain('unsafe-eval')
  await page0.close()

  await setupCompany(request, 'csp.example')
  const page = await signedInPage(browser, baseURL!, 'admin@csp.example', { locale: 'zh-CN', viewport: { width: 1280, height: 800 } })
  const seen = await watchViolations(page)
  for (const path of ['/', '/approvals', '/approvals/new', '/approvals/stats', '/approvals/admin/templates', '/drive', '/drive/shared',
    '/meetings', '/tasks', '/announcements', '/notifications', '/ding', '/contacts', '/profile', '/admin/users', '/admin/departments',
    '/admin/roles', '/admin/audit', '/sync', '/settings/email']) {
    await visit(page, path)
  }
  expect(before).toEqual([])
  expect(seen).toEqual([])
  // An inline script put into the page does not run, and is reported (so
  // the watch above would have seen a page's violation).
  const ran = await page.evaluate(async () => {
    const w = window as unknown as { __inline?: boolean }
    const s = document.createElement('script')
    s.textContent = 'window.__inline = true'
    document.head.appendChild(s)
    await new Promise((r) => setTimeout(r, 100))
    return w.__inline === true
  })
  expect(ran).toBe(false)
  await expect.poll(() => seen.length).toBeGreaterThan(0)
})
