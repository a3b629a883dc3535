// The UI runs under the Content-Security-Policy of index.html (own scripts
// only: no inline script, no eval, nothing from elsewhere; the desktop
// window uses the same page). Every main page is opened, signed out and as
// the admin, and must load without a single policy violation, so the policy
// is as strict as it is without breaking a page; the drive previews (a PDF
// in a frame, SVG and PNG pictures) show under it too. Self-contained: the
// first-run setup runs against the harness's fresh server.
import { test, expect, type Page } from '@playwright/test'
import { call, entryRow, setupCompany, signedInPage } from '../lib'

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
  test.setTimeout(300_000)
  const page0 = await browser.newPage({ baseURL, locale: 'zh-CN' })
  const before = await watchViolations(page0)
  await visit(page0, '/setup')
  const policy = await page0.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content')
  expect(policy).toContain("script-src 'self';")
  expect(policy).not.toContain('unsafe-eval')
  await page0.close()

  const { token } = await setupCompany(request, 'csp.example')
  // Files the previews show from blob: and data: URLs (a PDF in a frame, an SVG, a PNG).
  const company = (await call(request, 'GET', '/api/v1/drive/spaces', token)).items.find((x: { kind: string }) => x.kind === 'company')
  const pdf = '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj ' +
    '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n'
  const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><rect width="40" height="40" fill="#1f6feb"/></svg>'
  const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64')
  for (const [name, data] of [['方案.pdf', pdf], ['图标.svg', svg], ['点.png', png]] as const) {
    const r = await request.post(`/api/v1/drive/files?parent_id=${company.root_id}&name=${encodeURIComponent(name)}`,
      { data: Buffer.from(data), headers: { Authorization: 'Bearer ' + token, 'Content-Type': 'application/octet-stream' } })
    expect(r.ok(), `upload ${name}: ${r.status()} ${await r.text()}`).toBeTruthy()
  }
  const page = await signedInPage(browser, baseURL!, 'admin@csp.example', { locale: 'zh-CN', viewport: { width: 1280, height: 800 } })
  const seen = await watchViolations(page)
  for (const path of ['/', '/approvals', '/approvals/new', '/approvals/stats', '/approvals/admin/templates', '/drive', '/drive/shared',
    '/meetings', '/tasks', '/announcements', '/notifications', '/ding', '/contacts', '/profile', '/admin/users', '/admin/departments',
    '/admin/roles', '/admin/audit', '/sync', '/settings/email']) {
    await visit(page, path)
  }
  await visit(page, '/drive/s/' + company.id)
  for (const name of ['方案.pdf', '图标.svg', '点.png']) {
    await entryRow(page, name).locator('[data-test=entry-open]').click()
    await expect(page.locator('[data-test=preview]')).toBeVisible()
    if (name.endsWith('.pdf')) {
      await expect(page.locator('[data-test=preview-pdf]')).toBeVisible()
      await expect.poll(() => page.frames().some((f) => f.url().startsWith('blob:'))).toBe(true)
    } else {
      const img = page.locator('[data-test=preview-image]')
      await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBeGreaterThan(0)
    }
    await page.locator('[data-test=preview] .el-dialog__headerbtn').click()
    await expect(page.locator('[data-test=preview]')).toBeHidden()
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
