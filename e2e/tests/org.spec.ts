// Org end to end, all through the UI: first-run setup, sign-in, a department
// and an employee created on the admin pages, the employee in Contacts, and
// the employee signing in. Bad input (duplicate email, no phone) shows the
// translated zh-CN errors next to the fields and creates nobody.
// Self-contained against the harness's baseURL (fresh data dir per spec).
import { test, expect, type Page } from '@playwright/test'

const ADMIN = { email: 'admin@org.test', password: 'password123' }
const EMP = { name: '李娜', email: 'lina@org.test', title: '销售经理', phone: '13900001111', password: 'lina-pass-1' }

// Catalog keys leaking into the page mean a missing translation.
async function noRawKeys(page: Page) {
  await expect(page.locator('body')).not.toContainText(/\b(org|auth|common|errors)\.[a-z_]+\.[a-z_]/)
}

async function pickTree(page: Page, field: string, name: string) {
  await page.locator(`.el-select[data-test=${field}]`).click()
  await page.locator('.el-select-dropdown__item:visible, .el-tree-node__content:visible', { hasText: name }).last().click()
}

test('setup, sign in, create a department and an employee, find them in Contacts, they sign in', async ({ page, browser, baseURL, request }) => {
  // A fresh workspace sends every page to the first-run setup.
  await page.goto('/contacts')
  await expect(page).toHaveURL(/\/setup$/)
  await page.fill('[data-test=setup-company]', '示例科技')
  await page.fill('[data-test=setup-name]', '王管理')
  await page.fill('[data-test=setup-title]', '行政经理')
  await page.fill('[data-test=setup-email]', 'not-an-email')
  await page.fill('[data-test=setup-password]', ADMIN.password)
  await page.fill('[data-test=setup-password2]', ADMIN.password)
  await page.click('[data-test=setup-submit]')
  // Field errors from the server, translated, next to their fields.
  await expect(page.locator('.el-form-item', { has: page.locator('[data-test=setup-email]') })).toContainText('邮箱格式不正确')
  await expect(page.locator('.el-form-item', { has: page.locator('[data-test=setup-phone]') })).toContainText('必填')
  await page.screenshot({ path: 'artifacts/org-setup-errors.png' })
  expect((await (await request.get('/api/v1/setup')).json()).needed).toBe(true)

  await page.fill('[data-test=setup-email]', ADMIN.email)
  await page.fill('[data-test=setup-phone]', '13800000000')
  await page.screenshot({ path: 'artifacts/org-setup.png' })
  await page.click('[data-test=setup-submit]')
  await expect(page.locator('[data-test=company-name]')).toHaveText('示例科技', { timeout: 30_000 })
  await noRawKeys(page)

  // Sign out from the user menu, then sign in through the login page.
  await page.click('[data-test=user-menu]')
  await page.click('[data-test=logout]')
  await expect(page).toHaveURL(/\/login/)
  await page.goto('/admin/departments')
  await expect(page).toHaveURL(/\/login\?next=(%2F|\/)admin(%2F|\/)departments$/)
  await page.fill('[data-test=login-email]', ADMIN.email)
  await page.fill('[data-test=login-password]', 'wrong-password')
  await page.click('[data-test=login-submit]')
  await expect(page.locator('[data-test=login-error]')).toContainText('邮箱或密码错误')
  await page.fill('[data-test=login-password]', ADMIN.password)
  await page.screenshot({ path: 'artifacts/org-login.png' })
  await page.click('[data-test=login-submit]')
  await expect(page).toHaveURL(/\/admin\/departments$/, { timeout: 30_000 }) // back where they wanted to go

  // A department under the company.
  await page.click('[data-test=dept-new]')
  await page.fill('[data-test=dept-name]', '销售部')
  await page.click('[data-test=dept-save]')
  await expect(page.locator('[data-test=dept-tree]')).toContainText('销售部')
  await expect(page.locator('[data-test=dept-detail] h2')).toHaveText('销售部')
  await noRawKeys(page)
  await page.screenshot({ path: 'artifacts/org-departments.png' })

  // Onboarding an employee into it.
  await page.click('[data-test=admin-tab-users]')
  await page.click('[data-test=user-new]')
  const dialog = page.locator('[data-test=user-dialog]')
  await page.fill('[data-test=user-name]', EMP.name)
  await page.fill('[data-test=user-email]', EMP.email)
  await pickTree(page, 'user-department', '销售部')
  await page.fill('[data-test=user-title]', EMP.title)
  await page.fill('[data-test=user-phone]', EMP.phone)
  await page.fill('[data-test=user-password]', EMP.password)
  await page.click('[data-test=user-save]')
  await expect(dialog).toBeHidden()
  await expect(page.locator('[data-test=users-table]')).toContainText(EMP.name)
  await expect(page.locator('[data-test=users-table]')).toContainText('销售部')
  await page.screenshot({ path: 'artifacts/org-admin-users.png' })

  // Bad input: the same email again and no phone. Both problems show, in
  // Chinese, next to their fields; nobody is created.
  await page.click('[data-test=user-new]')
  await page.fill('[data-test=user-name]', '李娜二号')
  await page.fill('[data-test=user-email]', EMP.email.toUpperCase())
  await page.fill('[data-test=user-title]', '销售')
  await page.click('[data-test=user-save]')
  await expect(dialog.locator('.el-form-item', { has: page.locator('[data-test=user-email]') })).toContainText('该邮箱已被使用')
  await expect(dialog.locator('.el-form-item', { has: page.locator('[data-test=user-phone]') })).toContainText('请填写手机号')
  await expect(dialog).toBeVisible()
  await noRawKeys(page)
  await page.screenshot({ path: 'artifacts/org-user-errors.png' })
  const login = await request.post('/api/v1/auth/login', { data: ADMIN, headers: { 'X-Tack-Request': '1' } })
  const token = (await login.json()).token
  const users = await (await request.get('/api/v1/users?limit=200', { headers: { Authorization: 'Bearer ' + token } })).json()
  expect(users.items.map((u: { email: string }) => u.email).sort()).toEqual([ADMIN.email, EMP.email])
  await dialog.getByRole('button', { name: '取消' }).click()

  // The employee is in Contacts under 销售部, with a person card.
  await page.click('[data-test=nav-contacts]')
  await page.locator('[data-test=dept-tree] .el-tree-node__content', { hasText: '销售部' }).click()
  const list = page.locator('[data-test=contacts-list]')
  await expect(list).toContainText(EMP.name)
  await expect(list).not.toContainText('王管理') // the admin is in the company root, not in 销售部
  await page.fill('[data-test=contacts-search]', '1390000')
  await expect(list).toContainText(EMP.name)
  await page.fill('[data-test=contacts-search]', '')
  await list.locator('.el-table__row', { hasText: EMP.name }).click()
  const card = page.locator('[data-test=person-card]')
  await expect(card).toContainText(EMP.title)
  await expect(card).toContainText(EMP.phone)
  await expect(card).toContainText('示例科技 / 销售部')
  await page.waitForTimeout(500) // let the drawer finish sliding in before the screenshot
  await page.screenshot({ path: 'artifacts/org-contacts.png' })

  // The employee signs in through the UI and lands on their workbench.
  const ctx = await browser.newContext({ baseURL, locale: 'zh-CN', viewport: { width: 1280, height: 800 } })
  const emp = await ctx.newPage()
  await emp.goto('/')
  await expect(emp).toHaveURL(/\/login$/)
  await emp.fill('[data-test=login-email]', EMP.email)
  await emp.fill('[data-test=login-password]', EMP.password)
  await emp.click('[data-test=login-submit]')
  // The first render of the shell is the heaviest moment of the app; on a busy 2-core box it can take seconds.
  await expect(emp.locator('[data-test=user-menu]')).toContainText(EMP.name, { timeout: 30_000 })
  await expect(emp.locator('[data-test=nav]')).toContainText('通讯录')
  await expect(emp.locator('[data-test=nav]')).not.toContainText('管理') // not an admin
  await emp.goto('/admin/users')
  await expect(emp).toHaveURL(/\/$/)
  await noRawKeys(emp)
  await emp.screenshot({ path: 'artifacts/org-employee-home.png' })
  await ctx.close()
})
