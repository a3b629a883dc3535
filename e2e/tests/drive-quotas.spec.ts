// Drive space quotas in the browser (zh-CN): the administrator opens 空间配额
// from the drive's side bar, finds an employee's personal space in the list
// (admins set quotas on personal spaces too) and gives it 1 GB; the employee
// then sees the limit on their space. Unfinished uploads count against it
// (backend/drive/quota.go: covered by the Go tests).
import { test, expect } from '@playwright/test'
import { call, PASSWORD, setupCompany, signedInPage } from '../lib'

test('an admin sets the quota of an employee\'s personal space', async ({ browser, request, baseURL }) => {
  test.setTimeout(360_000)
  const setup = await setupCompany(request, 'quota.test')
  const emp = (await call(request, 'POST', '/api/v1/users', setup.token, { email: 'emp@quota.test', name: '李娜', department_id: setup.root.id,
    title: '销售', phone: '13900001111', roles: [], password: PASSWORD })).user
  const empTok = (await call(request, 'POST', '/api/v1/auth/login', '', { email: 'emp@quota.test', password: PASSWORD })).token
  const personal = (await call(request, 'GET', '/api/v1/drive/spaces', empTok)).items.find((s: { kind: string }) => s.kind === 'personal')
  expect(personal.owner_id).toBe(emp.id)

  const admin = await signedInPage(browser, baseURL!, 'admin@quota.test', { viewport: { width: 1280, height: 800 }, locale: 'zh-CN' })
  await admin.goto('/drive')
  await admin.locator('[data-test=space-quotas]').click()
  const dialog = admin.locator('[data-test=quotas-dialog]')
  await expect(dialog).toBeVisible()
  await expect(dialog.locator(`[data-test=quota-name-${personal.id}]`)).toHaveText('李娜')
  const input = dialog.locator(`[data-test=quota-input-${personal.id}] input`)
  await input.fill('1')
  await input.blur()
  await admin.screenshot({ path: test.info().outputPath('quotas-dialog.png') })
  await dialog.locator(`[data-test=quota-save-${personal.id}]`).click()
  await expect(admin.locator('.el-message--success')).toContainText('李娜')
  await expect(dialog.locator(`[data-test=quota-save-${personal.id}]`)).toBeDisabled()
  await expect(admin.locator('body')).not.toContainText(/\b(drive|common|errors)\.[a-zA-Z_]+(\.[a-zA-Z_]+)?\b/)

  const sp = await call(request, 'GET', '/api/v1/drive/spaces/' + personal.id, empTok)
  expect(sp.quota_bytes).toBe(1024 ** 3)
  const page = await signedInPage(browser, baseURL!, 'emp@quota.test', { viewport: { width: 1280, height: 800 }, locale: 'zh-CN' })
  await page.goto('/drive/s/' + personal.id)
  await expect(page.locator('[data-test=quota]')).toContainText('1 GB')
  await expect(page.locator('[data-test=space-quotas]')).toHaveCount(0) // not an admin
  await page.screenshot({ path: test.info().outputPath('quota-employee.png') })
})
