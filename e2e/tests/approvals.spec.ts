// Approvals end to end: an employee submits a 5-day leave in the UI with a
// file attached (route preview shows department head → general manager, HR
// CC'd), the department head opens the file and approves, the general
// manager approves, HR finds it under 抄送我的 and prints it; English shows
// the English title; the statistics page counts it and exports it.
// Self-contained: runs the first-run setup and creates people through the API
// against the harness's baseURL (fresh data dir per spec).
import { test, expect, type Browser } from '@playwright/test'
import { readFileSync } from 'node:fs'
import { call, PASSWORD, setupCompany, signedInPage } from '../lib'

const page = (browser: Browser, baseURL: string, email: string, locale = 'zh-CN') =>
  signedInPage(browser, baseURL, email, { viewport: { width: 1280, height: 800 }, locale })

test('5-day leave: department head, then general manager; HR is CC\'d', async ({ browser, request, baseURL }) => {
  const setup = await setupCompany(request, 'ap.test')
  const tok = setup.token
  const root = setup.root
  const mk = async (email: string, name: string, title: string, roles: string[], dept = root.id) =>
    (await call(request, 'POST', '/api/v1/users', tok, { email, name, department_id: dept, title, phone: '139' + String(Math.random()).slice(2, 10), roles, password: PASSWORD })).user
  const gm = await mk('gm@ap.test', '王总', '总经理', ['general_manager'])
  await mk('hr@ap.test', '陈人事', '人事经理', ['hr'])
  const head = await mk('head@ap.test', '林主管', '销售总监', ['dept_head'])
  const sales = await call(request, 'POST', '/api/v1/departments', tok, { name: '销售部', parent_id: root.id, head_id: head.id })
  await call(request, 'PATCH', '/api/v1/users/' + head.id, tok, { department_id: sales.id, version: head.version })
  await mk('emp@ap.test', '李娜', '销售', [], sales.id)

  // The employee fills in the leave form; the route preview shows at once and updates live.
  const emp = await page(browser, baseURL!, 'emp@ap.test')
  await emp.goto('/approvals/new')
  await emp.click('[data-test=template-leave]')
  const route = emp.locator('[data-test=route]')
  await expect(emp.locator('[data-test=route-undecided]')).toContainText('请假时间') // the route still depends on the period
  await emp.locator('[data-test=field-leave_type] .el-select').click()
  await emp.locator('.el-select-dropdown__item', { hasText: '年假' }).click()
  const dates = emp.locator('[data-test=field-period] .el-date-editor input')
  await dates.nth(0).fill('2026-12-07')
  await dates.nth(0).press('Enter')
  await dates.nth(1).fill('2026-12-11')
  await dates.nth(1).press('Enter')
  await emp.locator('[data-test=field-reason] textarea').fill('回老家探亲')
  await emp.setInputFiles('[data-test=upload-attachments] input[type=file]', { name: '工作交接清单.txt', mimeType: 'text/plain', buffer: Buffer.from('客户跟进：华东 3 家') })
  await expect(emp.locator('[data-test=attached-file]')).toContainText('工作交接清单.txt')
  await expect(emp.locator('[data-test=range-days]')).toContainText('5') // working days, counted by the server
  await expect(route).toContainText('林主管')
  await expect(route).toContainText('王总')
  await expect(route).toContainText('陈人事')
  await expect(emp.locator('[data-test=route-undecided]')).toBeHidden()
  await emp.screenshot({ path: 'artifacts/approvals-submit.png', fullPage: true })
  await emp.click('[data-test=submit]')
  await expect(emp).toHaveURL(/\/approvals\/[0-9a-z]{26}$/)
  const id = emp.url().split('/').pop()!
  await expect(emp.locator('[data-test=status]')).toHaveText('审批中')
  // The title reads the option's label, never its stored value.
  await expect(emp.locator('[data-test=detail-title]')).toHaveText('李娜的请假 · 年假 · 5天')

  // The department head sees it waiting (badge), opens the file and approves.
  const hd = await page(browser, baseURL!, 'head@ap.test')
  await hd.goto('/approvals')
  await expect(hd.locator('[data-test=todo-count]')).toContainText('1')
  await expect(hd.locator('[data-test=approval-list]')).toContainText('李娜的请假 · 年假 · 5天')
  await expect(hd.locator('[data-test=approval-list]')).not.toContainText('annual')
  await hd.screenshot({ path: 'artifacts/approvals-inbox.png', fullPage: true })
  await hd.locator('[data-test=approval-list] .el-table__row').first().click()
  const link = hd.locator('[data-test=file-link]', { hasText: '工作交接清单.txt' })
  const file = await hd.request.get((await link.getAttribute('href'))!)
  expect(file.status()).toBe(200)
  expect(await file.text()).toBe('客户跟进：华东 3 家')
  await hd.locator('textarea[data-test=comment], [data-test=comment] textarea').fill('同意，注意交接工作')
  await hd.click('[data-test=approve]')
  await expect(hd.locator('[data-test=timeline]')).toContainText('同意，注意交接工作')
  await expect(hd.locator('[data-test=status]')).toHaveText('审批中')
  await expect(hd.locator('[data-test=waiting]')).toContainText('王总')

  // Someone outside the request cannot download its file.
  await mk('other@ap.test', '赵路人', '市场', [])
  const other = await page(browser, baseURL!, 'other@ap.test')
  expect((await other.request.get((await link.getAttribute('href'))!)).status()).toBe(404)

  // The general manager approves: the request is finished.
  const g = await page(browser, baseURL!, 'gm@ap.test')
  await g.goto('/approvals/' + id)
  await g.click('[data-test=approve]')
  await expect(g.locator('[data-test=status]')).toHaveText('已通过')
  await expect(g.locator('[data-test=actions]')).toBeHidden()
  await expect(g.locator('[data-test=route-task-approved]')).toHaveCount(2)
  await g.screenshot({ path: 'artifacts/approvals-detail.png', fullPage: true })

  // HR sees it under 抄送我的 and prints it.
  const hr = await page(browser, baseURL!, 'hr@ap.test')
  await hr.goto('/approvals')
  await hr.getByRole('tab', { name: '抄送我的' }).click()
  await expect(hr).toHaveURL(/box=cc/)
  await expect(hr.locator('[data-test=approval-list]')).toContainText('李娜的请假 · 年假 · 5天')
  await hr.screenshot({ path: 'artifacts/approvals-cc.png', fullPage: true })
  await hr.goto(`/approvals/${id}/print?noprint=1`)
  await expect(hr.locator('[data-test=print-view]')).toBeVisible()
  await expect(hr.locator('[data-test=print-leave_type]')).toHaveText('年假')
  await expect(hr.locator('[data-test=print-status]')).toHaveText('已通过')
  await expect(hr.locator('[data-test=print-record]')).toContainText('同意，注意交接工作')
  await expect(hr.locator('aside, header')).toHaveCount(0) // no app chrome on the sheet
  await hr.screenshot({ path: 'artifacts/approvals-print.png', fullPage: true })

  // In English the same request reads in English.
  const hrEn = await page(browser, baseURL!, 'hr@ap.test', 'en')
  await hrEn.addInitScript(() => localStorage.setItem('tack.locale', 'en'))
  await hrEn.goto('/approvals?box=cc')
  await expect(hrEn.locator('[data-test=approval-list]')).toContainText("李娜's Leave · Annual leave · 5 days")
  await hrEn.goto('/approvals/' + id)
  await expect(hrEn.locator('[data-test=value-leave_type]')).toHaveText('Annual leave')
  await expect(hrEn.locator('[data-test=status]')).toHaveText('Approved')

  // Statistics count it; the Excel export downloads (its content is checked in the Go tests).
  await hr.goto('/approvals/stats')
  await expect(hr.locator('[data-test=by-template]')).toContainText('请假')
  await expect(hr.locator('[data-test=by-approver]')).toContainText('林主管')
  await expect(hr.locator('[data-test=by-approver]')).toContainText('王总')
  await hr.screenshot({ path: 'artifacts/approvals-stats.png', fullPage: true })
  const [download] = await Promise.all([hr.waitForEvent('download'), hr.click('[data-test=export-xlsx]')])
  expect(download.suggestedFilename()).toMatch(/^approvals-\d{8}\.xlsx$/)
  const bytes = readFileSync((await download.path())!)
  expect(bytes.subarray(0, 2).toString()).toBe('PK') // a zip: an xlsx workbook

  const detail = await call(request, 'GET', '/api/v1/approvals/' + id, tok)
  expect(detail.status).toBe('approved')
  expect(detail.number).toMatch(/^QJ-\d{4}-000001$/)
  expect(gm.id).toBeTruthy()
})
