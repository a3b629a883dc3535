// No English in the zh-CN UI: an admin walks the main routes and every
// visible text is checked for Latin-script words outside an allow-list
// (product names, units, codes, and what users typed: emails, file names).
import { test, expect } from '@playwright/test'
import { call, salesTeam, signedInPage, submitLeave } from '../lib'

const ROUTES = ['/', '/approvals', '/approvals/new', '/approvals/stats', '/approvals/admin/templates', '/meetings', '/tasks',
  '/drive', '/announcements', '/notifications', '/ding', '/contacts', '/profile', '/admin/users', '/admin/departments',
  '/admin/calendar', '/sync', '/settings/email', '/attendance', '/attendance/team', '/attendance/settings', '/chat', '/reports',
  '/reports/write', '/reports/week']

// Words that are Chinese UI too: product and protocol names, units, the offset prefix.
const ALLOWED = new Set(['T' /* the logo mark */, 'Tack', 'DING', 'Wi-Fi', 'GMT', 'UTC', 'KB', 'MB', 'GB', 'TB', 'B', 'App', 'SMTP', 'TLS', 'IP', 'ID',
  'Excel', 'CSV', 'JSON', 'Microsoft', 'Authenticator', 'PDF', 'Markdown', 'GPS', 'iCal', 'Outlook', 'Google', 'Windows', 'macOS', 'Linux', 'HTTPS', 'URL', 'Demo', 'Tech'])

test('no Latin-script UI text in zh-CN', async ({ browser, request, baseURL }) => {
  test.setTimeout(900_000) // some 45 pages on a loaded machine
  const team = await salesTeam(request, 'latin.test')
  const leave = await submitLeave(request, team.empToken, '2030-03-04', '2030-03-05', '看病')
  // One of each detail page: an announcement, a DING, a meeting with its published minutes, a drive folder.
  const an = await call(request, 'POST', '/api/v1/announcements', team.token, { title: '消防演练通知', body: '## 时间\n\n- 周五下午', format: 'markdown', everyone: true, require_ack: true })
  const ding = await call(request, 'POST', '/api/v1/ding', team.empToken, { recipients: [team.head.id], message: '请审批我的请假' })
  const day = new Date(Date.now() + 2 * 24 * 3600e3).toISOString().slice(0, 10)
  const m = (await call(request, 'POST', '/api/v1/meetings', team.token, { title: '周例会', start: day + 'T10:00', end: day + 'T11:00',
    time_zone: 'Asia/Shanghai', attendee_ids: [team.emp.id] })).meeting
  const mn = await call(request, 'PUT', `/api/v1/meetings/${m.id}/minutes`, team.token, { present: [team.user.id, team.emp.id], absent: [],
    discussion: '回顾本周进度', decisions: ['按计划上线'], action_items: [{ title: '写上线说明', owner_id: team.emp.id, due: '' }], version: 0 })
  await call(request, 'POST', `/api/v1/meetings/${m.id}/minutes/publish`, team.token, { version: mn.version })
  const space = (await call(request, 'GET', '/api/v1/drive/spaces', team.token)).items.find((s: { kind: string }) => s.kind === 'company')
  const folder = await call(request, 'POST', '/api/v1/drive/folders', team.token, { parent_id: space.root_id, name: '方案' })
  const leaveTpl = (await call(request, 'GET', '/api/v1/approval/templates', team.token)).items.find((x: { builtin_key: string }) => x.builtin_key === 'leave')
  const page = await signedInPage(browser, baseURL!, 'admin@latin.test')
  const offenders: string[] = []
  // Detail pages, and pages with a dialog opened (what to click once the page is there).
  const walk: [string, string?][] = [...ROUTES.map((r): [string] => [r]), ['/approvals/' + leave.id], ['/contacts/' + team.emp.id],
    ['/announcements/' + an.id], ['/ding/' + ding.id], ['/meetings/' + m.id], ['/drive/s/' + space.id], ['/drive/f/' + folder.id],
    ['/drive/shared'], ['/drive/trash/' + space.id], ['/drive/search?q=' + encodeURIComponent('方案')], ['/approvals/new/' + leaveTpl.id],
    ['/approvals/' + leave.id + '/print'], ['/attendance/months'], ['/attendance/rota'], ['/admin/security'], ['/admin/backups'],
    ['/admin/chat'], ['/password'], ['/announcements', '[data-test=announcement-new]'], ['/no/such/page'],
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
    const here = [...new Set((cleaned.match(/[A-Za-z][A-Za-z-]*/g) ?? []).filter((w) => !ALLOWED.has(w)))]
    expect.soft(here, where).toEqual([]) // each page's own report, even if a later page times out
    offenders.push(...here.map((w) => `${where}: ${w}`))
  }
  expect([...new Set(offenders)]).toEqual([])
})
