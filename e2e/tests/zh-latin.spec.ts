// No English in the zh-CN UI: an admin walks the main routes and every
// visible text is checked for Latin-script words outside an allow-list
// (product names, units, codes, and what users typed: emails, file names).
import { test, expect } from '@playwright/test'
import { salesTeam, signedInPage, submitLeave } from '../lib'

const ROUTES = ['/', '/approvals', '/approvals/new', '/approvals/stats', '/approvals/admin/templates', '/meetings', '/tasks',
  '/drive', '/announcements', '/notifications', '/ding', '/contacts', '/profile', '/admin/users', '/admin/departments',
  '/admin/calendar', '/sync', '/settings/email', '/attendance', '/attendance/team', '/attendance/settings', '/chat', '/reports',
  '/reports/write', '/reports/week']

// Words that are Chinese UI too: product and protocol names, units, the offset prefix.
const ALLOWED = new Set(['T' /* the logo mark */, 'Tack', 'DING', 'Wi-Fi', 'GMT', 'UTC', 'KB', 'MB', 'GB', 'TB', 'B', 'App', 'SMTP', 'TLS', 'IP', 'ID',
  'Excel', 'CSV', 'JSON', 'Microsoft', 'Authenticator', 'PDF', 'Markdown', 'GPS', 'iCal', 'Outlook', 'Google', 'Windows', 'macOS', 'Linux', 'HTTPS', 'URL', 'Demo', 'Tech'])

test('no Latin-script UI text in zh-CN', async ({ browser, request, baseURL }) => {
  const team = await salesTeam(request, 'latin.test')
  const leave = await submitLeave(request, team.empToken, '2030-03-04', '2030-03-05', '看病')
  const page = await signedInPage(browser, baseURL!, 'admin@latin.test')
  const offenders: string[] = []
  // Detail pages, and pages with a dialog opened (what to click once the page is there).
  const walk: [string, string?][] = [...ROUTES.map((r): [string] => [r]), ['/approvals/' + leave.id], ['/contacts/' + team.emp.id],
    ['/admin/audit'], ['/admin/roles'], ['/ding', '[data-test=ding-new]'], ['/meetings', '[data-test=book]'],
    ['/admin/users', '[data-test=user-new]'], ['/admin/departments', '[data-test=dept-new]'], ['/admin/roles', '[data-test=role-new]']]
  for (const [route, click] of walk) {
    await page.goto(route)
    await expect(page.locator('main, .el-main, #app').first()).toBeVisible()
    await page.waitForLoadState('networkidle')
    if (click) {
      await page.locator(click).first().click()
      await expect(page.locator('.el-dialog:visible').first()).toBeVisible()
      await page.waitForLoadState('networkidle')
    }
    const where = click ? `${route} ${click}` : route
    // Identifiers shown as such (<code>: a role's id) are codes, not UI text.
    // Longest first: stripping "admin" first would leave "attendance_" of "attendance_admin".
    const text = await page.evaluate(() => [...document.querySelectorAll('code')].map((c) => c.textContent ?? '')
      .filter(Boolean).sort((a, b) => b.length - a.length)
      .reduce((all, c) => all.split(c).join(' '), document.body.innerText))
    const cleaned = text
      .replace(/[\w.+-]+@[\w.-]+/g, ' ') // emails
      .replace(/\b[A-Za-z]{1,4}-?\d[\w-]*/g, ' ') // codes and versions: BG-20260105-0001, v3
      .replace(/\S+\.(md|txt|pdf|docx?|xlsx?|png|jpe?g|ics|zip|csv)\b/gi, ' ') // file names
    for (const w of cleaned.match(/[A-Za-z][A-Za-z-]*/g) ?? []) {
      if (!ALLOWED.has(w)) offenders.push(`${where}: ${w}`)
    }
  }
  expect([...new Set(offenders)]).toEqual([])
})
