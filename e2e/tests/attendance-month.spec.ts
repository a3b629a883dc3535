// A department head's monthly sign-off, on a phone (390×844) and a desktop
// (1280×800): last month's sheet, compiled by the server's days job,
// reaches 林主管 (a notification); on his phone he sends it back with a
// correction asked, then confirms it on his desktop; the confirmed month
// is locked for him on both. Then 李娜's leave form shows her balance.
// Screenshots: artifacts/attendance-month-*.png, attendance-leave-balance-phone.png.
//
// The company is created today, but a month is compiled only for people
// who were there last month (TestMonthNotCompiledForNewcomers): the spec
// backdates the team's accounts in the server's database and clears the
// job's once-a-month marker, as if the company had joined two months ago.
// The compiling itself is the server's own job (it runs every minute).
import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { test, expect } from '@playwright/test'
import { call, salesTeam, signedIn, PHONE, DESKTOP, noSideScroll } from '../lib'
import { specServers } from '../harness'


const ym = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`
const monthsAgo = (n: number) => { const d = new Date(); d.setDate(1); d.setMonth(d.getMonth() - n); return d }

test('the head sends last month back, then confirms it; it is locked; the leave form shows the balance', async ({ browser, request, baseURL }) => {
  const team = await salesTeam(request, 'attm.test')
  const last = ym(monthsAgo(1))
  const db = path.join(specServers().find((s) => s.name === 'attendance-month')!.dataDir, 'tack.db')
  // Everyone joined two months ago; the month job may run again.
  execFileSync('sqlite3', [db, `UPDATE users SET created_at = '${ym(monthsAgo(2))}-01' || substr(created_at, 11);
    DELETE FROM attendance_job_marks WHERE name LIKE 'month%';`])
  // Two ordinary days of 李娜's last month, entered by the admin (corrections, audited).
  for (const [day, hhmm] of [['03', '08:25'], ['03', '17:40'], ['04', '08:41'], ['04', '17:35']]) {
    await call(request, 'POST', '/api/v1/attendance/corrections', team.token,
      { user_id: team.emp.id, at: new Date(`${last}-${day}T${hhmm}:00+08:00`).toISOString(), reason: '纸质签到表补录' })
  }

  // The days job compiles last month and tells the head.
  await expect.poll(async () => (await call(request, 'GET', `/api/v1/attendance/months?month=${last}`, team.token)).items
    .some((r: { department_id: string }) => r.department_id === team.sales.id), { timeout: 150_000, intervals: [2000] }).toBe(true)

  // On his phone: the notification opens the sheet.
  const head = await signedIn(browser, baseURL!, 'head@attm.test', PHONE)
  const hp = await head.newPage()
  await hp.goto('/notifications')
  const note = hp.getByText(`销售部 ${last}`).first()
  await expect(note).toBeVisible()
  await note.click()
  await expect(hp).toHaveURL(new RegExp(`/attendance/months\\?month=${last}&department=${team.sales.id}`))
  await expect(hp.locator('[data-test="month-status"]')).toHaveText('待确认')
  const row = hp.locator(`[data-test="month-row-${team.emp.id}"]`)
  await expect(row).toContainText('李娜')
  await expect(row.locator('[data-test="month-late"]')).toHaveText('1 次')
  await noSideScroll(hp, 'attendance-month: month sheet')
  await hp.screenshot({ path: 'artifacts/attendance-month-phone-open.png', fullPage: true })

  // Sent back with the correction asked.
  await hp.locator('[data-test="month-return"]').click()
  await hp.locator('.el-message-box textarea').fill('3号下午李娜在客户处，应为外勤，请核实')
  await hp.locator('.el-message-box .el-button--primary').click()
  await expect(hp.locator('[data-test="month-status"]')).toHaveText('已退回修改')
  await expect(hp.locator('[data-test="month-state"]')).toContainText('3号下午李娜在客户处')
  await noSideScroll(hp, 'attendance-month: returned month')
  await hp.screenshot({ path: 'artifacts/attendance-month-phone-returned.png', fullPage: true })

  // On his desktop: the sent-back sheet, confirmed after the prompt.
  const desk = await signedIn(browser, baseURL!, 'head@attm.test', DESKTOP)
  const dp = await desk.newPage()
  await dp.goto(`/attendance/months?month=${last}&department=${team.sales.id}`)
  await expect(dp.locator('[data-test="month-status"]')).toHaveText('已退回修改')
  await dp.screenshot({ path: 'artifacts/attendance-month-desktop-returned.png', fullPage: true })
  await dp.locator('[data-test="month-confirm"]').click()
  await expect(dp.locator('.el-message-box')).toContainText('确认后本月考勤将锁定')
  await dp.locator('.el-message-box .el-button--primary').click()
  await expect(dp.locator('[data-test="month-status"]')).toHaveText('已确认')
  await expect(dp.locator('[data-test="month-locked"]')).toBeVisible()
  await expect(dp.locator('[data-test="month-confirm"]')).toHaveCount(0)
  await dp.screenshot({ path: 'artifacts/attendance-month-desktop-confirmed.png', fullPage: true })

  // Locked: the phone shows it too, with nothing left to decide; the server refuses a second decision.
  await hp.reload()
  await expect(hp.locator('[data-test="month-status"]')).toHaveText('已确认')
  await expect(hp.locator('[data-test="month-locked"]')).toBeVisible()
  await expect(hp.locator('[data-test="month-return"]')).toHaveCount(0)
  await noSideScroll(hp, 'attendance-month: confirmed month')
  await hp.screenshot({ path: 'artifacts/attendance-month-phone-confirmed.png', fullPage: true })
  const r = await hp.request.post(`/api/v1/attendance/months/${team.sales.id}/${last}/return`,
    { data: { version: 99, comment: 'again' }, headers: { 'X-Tack-Request': '1' } })
  expect(r.status()).toBeGreaterThanOrEqual(400)

  // 李娜's leave form (one server per spec, so the same company): what is left
  // of her annual leave and what the period would take, with a warning when it
  // is more (the check at submit is off by default).
  const emp = await signedIn(browser, baseURL!, 'emp@attm.test', PHONE)
  const ep = await emp.newPage()
  await ep.goto('/approvals/new')
  await ep.click('[data-test=template-leave]')
  await ep.locator('[data-test=field-leave_type] .el-select').click()
  await ep.locator('.el-select-dropdown__item', { hasText: '年假' }).click()
  // Monday in two weeks to the Friday after: at least 9 working days, more than a newcomer's 5.
  const d = new Date()
  d.setDate(d.getDate() + 14 - ((d.getDay() + 6) % 7))
  const iso = (x: Date) => `${x.getFullYear()}-${String(x.getMonth() + 1).padStart(2, '0')}-${String(x.getDate()).padStart(2, '0')}`
  const end = new Date(d)
  end.setDate(d.getDate() + 11)
  const dates = ep.locator('[data-test=field-period] .el-date-editor input')
  await dates.nth(0).fill(iso(d))
  await dates.nth(0).press('Enter')
  await dates.nth(1).fill(iso(d))
  await dates.nth(1).press('Enter')
  const hint = ep.locator('[data-test=leave-balance]')
  await expect(hint.locator('[data-test=leave-balance-left]')).toHaveText('年假剩余 40 小时（5 天）')
  await expect(hint.locator('[data-test=leave-balance-request]')).toHaveText('本次请假 8 小时（1 个工作日）')
  await expect(hint.locator('[data-test=leave-balance-over]')).toHaveCount(0)
  await dates.nth(1).fill(iso(end))
  await dates.nth(1).press('Enter')
  await expect(hint.locator('[data-test=leave-balance-over]')).toContainText('仍可提交')
  await noSideScroll(ep, 'attendance-month: leave form with the balance')
  await ep.screenshot({ path: 'artifacts/attendance-leave-balance-phone.png', fullPage: true })
})
