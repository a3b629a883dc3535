// Custom work report templates (issue 18): the sales head 林主管 makes 销售日报
// in the approval form designer (a text field and an attachment field) for
// his department; 李娜 writes it on her phone with a file from her computer
// and @mentions 王总; the head reads it and opens the file (shared read-only
// through the drive), 王总 may read it too; the head steps the 未提交 list back
// a period with the period picker. Screenshots at 390 px and 1280 px go to
// artifacts/report-templates-<viewport>-<page>.png.
import { test, expect, type Page } from '@playwright/test'
import { call, PASSWORD, salesTeam, signedInPage, PHONE, DESKTOP, noSideScroll } from '../lib'


async function shot(page: Page, name: string) {
  await page.waitForLoadState('networkidle', { timeout: 10_000 }).catch(() => undefined)
  await expect(page.locator('.el-loading-mask:visible')).toHaveCount(0)
  await page.screenshot({ path: `artifacts/report-templates-${name}.png`, fullPage: true })
}

test('a head designs a template; a daily on it with a file and a mention; the period picker', async ({ browser, request, baseURL }) => {
  const team = await salesTeam(request, 'rtpl.test')
  const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10)
  await call(request, 'PUT', '/api/v1/workcal/' + today, team.token, { date: today, working: true, note: 'e2e' })

  // The head designs 销售日报 for his department.
  const head = await signedInPage(browser, baseURL!, 'head@rtpl.test', DESKTOP)
  await head.goto('/reports')
  await head.click('[data-test=manage-templates]')
  await head.click('[data-test=new-template]')
  const dlg = head.locator('.el-dialog')
  await dlg.locator('[data-test=tpl-name]').fill('销售日报')
  await dlg.locator('[data-test=field-label-0]').fill('今日完成')
  await dlg.locator('[data-test=add-field]').click()
  await head.locator('[data-test=add-field-attachment]').click()
  await dlg.locator('[data-test=field-label-1]').fill('客户资料')
  await dlg.locator('[data-test=tpl-departments]').click()
  await head.locator('.el-select-dropdown__item:visible', { hasText: '销售部' }).click()
  await dlg.locator('[data-test=tpl-name]').click() // close the dropdown
  await shot(head, 'desktop-designer')
  await dlg.locator('[data-test=tpl-save]').click()
  await expect(head.locator('[data-test="tpl-销售日报"]')).toBeVisible()
  await shot(head, 'desktop-templates')

  // 李娜 writes it on her phone: a file from the computer, 王总 mentioned.
  const tpl = (await call(request, 'GET', '/api/v1/report/templates', team.empToken)).items.find((x: { name_zh: string }) => x.name_zh === '销售日报')
  expect(tpl).toBeTruthy()
  const emp = await signedInPage(browser, baseURL!, 'emp@rtpl.test', PHONE)
  await emp.goto('/reports/write/' + tpl.id)
  const textKey = tpl.fields[0].key, fileKey = tpl.fields[1].key
  await emp.locator(`[data-test=field-${textKey}] textarea`).fill('拜访客户 2 家')
  await emp.locator(`[data-test=upload-${fileKey}] [data-test=file-input]`).setInputFiles({ name: '客户名单.txt', mimeType: 'text/plain', buffer: Buffer.from('华东 12 家客户') })
  await expect(emp.locator(`[data-test=upload-${fileKey}] [data-test=attached-file]`)).toContainText('客户名单.txt')
  await expect(emp.locator(`[data-test=from-drive-${fileKey}]`)).toBeVisible()
  const mention = emp.locator('[data-test=report-mentions]')
  await mention.click()
  await mention.locator('input').fill('王')
  await emp.locator('.el-select-dropdown__item:visible', { hasText: '王总' }).click()
  await noSideScroll(emp, 'phone write with a file and a mention')
  await shot(emp, 'phone-write')
  // The drive picker lists the writer's own drive (the upload is in it).
  await emp.locator(`[data-test=from-drive-${fileKey}]`).click()
  await expect(emp.locator('[data-test=drive-pick]')).toBeVisible()
  await shot(emp, 'phone-drive-pick')
  await emp.locator('[data-test=drive-pick]').getByRole('button', { name: '取消' }).click()
  await emp.click('[data-test=submit-report]')
  await expect(emp.locator('[data-test=report-title]')).toContainText('销售日报')
  const reportId = emp.url().split('/').pop()!

  // 王总, mentioned, may read it; the head reads it and downloads the file from the drive.
  const gmToken = (await call(request, 'POST', '/api/v1/auth/login', '', { email: 'gm@rtpl.test', password: PASSWORD })).token
  expect((await call(request, 'GET', '/api/v1/reports/' + reportId, gmToken)).id).toBe(reportId)
  await head.goto('/reports/' + reportId)
  const link = head.locator('[data-test=file-link]')
  await expect(link).toContainText('客户名单.txt')
  const file = await head.request.get((await link.getAttribute('href'))!, { headers: { 'X-Tack-Request': '1' } })
  expect(file.status()).toBe(200)
  expect(await file.text()).toBe('华东 12 家客户')
  await shot(head, 'desktop-detail')

  // The 未提交 list: pick the template, then the previous period.
  const headPhone = await signedInPage(browser, baseURL!, 'head@rtpl.test', PHONE)
  await headPhone.goto('/reports?tab=missing')
  await headPhone.locator('[data-test=missing-template]').click()
  await headPhone.locator('.el-select-dropdown__item:visible', { hasText: '销售日报' }).click()
  await expect(headPhone.locator('[data-test=missing-due]')).toBeVisible()
  await shot(headPhone, 'phone-missing-today')
  await expect(headPhone.locator(`[data-test=missing-row-${team.emp.id}][data-state=late], [data-test=missing-row-${team.emp.id}][data-state=on_time]`)).toHaveCount(1)
  const current = await headPhone.locator('[data-test=missing-period-picker] input').inputValue()
  await headPhone.click('[data-test=period-prev]')
  await expect(headPhone.locator('[data-test=missing-period-picker] input')).not.toHaveValue(current)
  await expect(headPhone.locator(`[data-test=missing-row-${team.emp.id}][data-state=on_time]`)).toHaveCount(0)
  await noSideScroll(headPhone, 'phone missing list')
  await shot(headPhone, 'phone-missing')
  await headPhone.click('[data-test=period-next]')
  await expect(headPhone.locator('[data-test=missing-period-picker] input')).toHaveValue(current)
})
