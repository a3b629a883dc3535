// The rota (排班) at 1280×800 and on a 390 px phone: the admin gives 销售部
// a rota group with 早班 and 晚班; the head 林主管 fills the month with the
// cycle 早-早-晚-晚-休, paints one cell with the brush and saves; downloads
// the template and uploads it back unchanged; a broken file is refused with
// its bad cells named and changes nothing; a filled-in file is imported. On
// the phone he sets 李娜's day from the per-day list.
// Screenshots: artifacts/rota-<viewport>-<step>.png.
import { test, expect } from '@playwright/test'
import { readFileSync } from 'node:fs'
import { call, salesTeam, signedIn, PHONE, DESKTOP, noSideScroll } from '../lib'
import { minimalXlsx } from '../xlsx'


test('the head sets the rota: cycle, brush, template round trip, a refused file, an import, the phone list', async ({ browser, request, baseURL }) => {
  const team = await salesTeam(request, 'rota.test')
  const fang = await team.mk('fang@rota.test', '王芳', '店员', [], team.sales.id)
  const early = await call(request, 'POST', '/api/v1/attendance/shifts', team.token, { name: '早班', start_min: 420, end_min: 900, serious_late_min: 30 })
  await call(request, 'POST', '/api/v1/attendance/shifts', team.token, { name: '晚班', start_min: 900, end_min: 1380, serious_late_min: 30 })
  await call(request, 'POST', '/api/v1/attendance/groups', team.token, { name: '门店排班', schedule: 'rota',
    members: [{ kind: 'department', ref_id: team.sales.id }] })

  const head = await signedIn(browser, baseURL!, 'head@rota.test', DESKTOP)
  const page = await head.newPage()
  await page.goto('/attendance/rota')
  const grid = page.locator('[data-test="rota-grid"]')
  await expect(grid.locator('tbody tr')).toHaveCount(3) // 林主管, 李娜, 王芳
  // The page opens on this month, in the browser's zone (the specs run in Asia/Shanghai).
  const month = new Date().toLocaleDateString('sv', { timeZone: 'Asia/Shanghai' }).slice(0, 7)
  const sheet = await call(request, 'GET', `/api/v1/attendance/rota/${team.sales.id}/${month}`, team.token)
  const days: string[] = sheet.days
  const cell = (uid: string, d: number) => page.locator(`[data-test="cell-${uid}-${days[d]}"]`)

  // The cycle 早-早-晚-晚-休 over the month for everyone.
  await page.locator('[data-test="rota-cycle"]').click()
  const dlg = page.locator('.el-dialog', { hasText: '按周期排班' })
  for (const b of ['cycle-add-早班', 'cycle-add-早班', 'cycle-add-晚班', 'cycle-add-晚班', 'cycle-add-rest']) {
    await dlg.locator(`[data-test="${b}"]`).click()
  }
  await expect(dlg.locator('[data-test="cycle-pattern"] .el-tag')).toHaveCount(5)
  await dlg.locator('[data-test="cycle-apply"]').click()
  await expect(dlg).toBeHidden()
  await expect(cell(team.emp.id, 0)).toHaveText('早班')
  await expect(cell(team.emp.id, 2)).toHaveText('晚班')
  await expect(cell(team.emp.id, 4)).toHaveText('休')

  // The brush: 晚班 on 李娜's first day, saved.
  await page.locator('[data-test="brush-晚班"]').click()
  await cell(team.emp.id, 0).click()
  await expect(cell(team.emp.id, 0)).toHaveText('晚班')
  await expect(page.locator('[data-test="rota-save"]')).toContainText('1')
  await page.screenshot({ path: 'artifacts/rota-desktop-grid.png', fullPage: true })
  await page.locator('[data-test="rota-save"]').click()
  await expect(page.locator('[data-test="rota-savebar"]')).toBeHidden()
  await expect(cell(team.emp.id, 0)).toHaveText('晚班')

  // The template, uploaded back as it came: every cell of the month again.
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test="rota-template"]').click()])
  expect(download.suggestedFilename()).toBe(`rota-${month}.xlsx`)
  const template = readFileSync(await download.path())
  expect(template.subarray(0, 2).toString()).toBe('PK')
  await page.locator('[data-test="rota-file"]').setInputFiles({ name: 'rota.xlsx', mimeType: 'application/octet-stream', buffer: template })
  await expect(page.locator('.el-message--success', { hasText: `已导入 ${3 * days.length} 个格子` })).toBeVisible()
  await expect(cell(team.emp.id, 0)).toHaveText('晚班')

  // A broken file: an unknown shift (E2) and an unknown person (A3): refused, nothing changes.
  const header = ['人员ID', '姓名', ...days]
  const row = (uid: string, name: string, first: string) => [uid, name, ...days.map((_, i) => i === 0 ? first : i === 2 ? '夜班X' : '休')]
  const bad = minimalXlsx([header, row(team.emp.id, '李娜', '早班'), row('nobody', '某人', '早班')])
  await page.locator('[data-test="rota-file"]').setInputFiles({ name: 'bad.xlsx', mimeType: 'application/octet-stream', buffer: bad })
  const problems = page.locator('[data-test="rota-problems"]')
  await expect(page.locator('[data-test="rota-error"]')).toContainText('文件有误，没有做任何修改')
  await expect(problems).toContainText('E2: 没有这个班次')
  await expect(problems).toContainText('此人不在本部门的排班人员中')
  await expect(cell(team.emp.id, 0)).toHaveText('晚班')
  await expect(cell(team.emp.id, 1)).toHaveText('早班')
  await page.screenshot({ path: 'artifacts/rota-desktop-import-refused.png', fullPage: true })

  // Filled in properly: 李娜 早班 on the 1st (by name) and on the 2nd (by ID), 休 elsewhere; 王芳 left out is unchanged.
  const good = minimalXlsx([header, [team.emp.id, '李娜', '早班', early.id, ...days.slice(2).map(() => '休')]])
  await page.locator('[data-test="rota-file"]').setInputFiles({ name: 'good.xlsx', mimeType: 'application/octet-stream', buffer: good })
  await expect(page.locator('.el-message--success', { hasText: `已导入 ${days.length} 个格子` })).toBeVisible()
  await expect(page.locator('[data-test="rota-error"]')).toBeHidden()
  await expect(cell(team.emp.id, 0)).toHaveText('早班')
  await expect(cell(team.emp.id, 2)).toHaveText('休')
  await expect(cell(fang.id, 2)).toHaveText('晚班')
  await noSideScroll(page, 'rota: rota grid')
  await page.screenshot({ path: 'artifacts/rota-desktop-imported.png', fullPage: true })
  await head.close()

  // The phone: one person's days as a list.
  const phone = await signedIn(browser, baseURL!, 'head@rota.test', PHONE)
  const pp = await phone.newPage()
  await pp.goto('/attendance/rota')
  await expect(pp.locator('[data-test="rota-grid"]')).toHaveCount(0)
  await pp.locator('[data-test="rota-person"]').click()
  await pp.locator('.el-select-dropdown__item', { hasText: '李娜' }).click()
  const day2 = pp.locator(`[data-test="day-select-${days[1]}"]`)
  await expect(day2).toContainText('早班')
  await day2.click()
  await pp.locator('.el-select-dropdown__item:visible', { hasText: '晚班' }).click()
  await expect(pp.locator('[data-test="rota-save"]')).toContainText('1')
  await expect(pp.locator(`[data-test="day-select-${days[2]}"]`)).toContainText('休')
  await noSideScroll(pp, 'rota: phone rota list')
  await pp.screenshot({ path: 'artifacts/rota-phone-list.png', fullPage: false })
  await pp.locator('[data-test="rota-save"]').click()
  await expect(pp.locator('[data-test="rota-savebar"]')).toBeHidden()
  await expect(day2).toContainText('晚班')
  const after = await call(request, 'GET', `/api/v1/attendance/rota/${team.sales.id}/${month}`, team.token)
  expect(after.cells.find((c: { user_id: string; date: string }) => c.user_id === team.emp.id && c.date === days[1]).shift_id).not.toBe(early.id)
  await pp.screenshot({ path: 'artifacts/rota-phone-saved.png', fullPage: false })
})
