// Roles and offboarding end to end: an administrator adds a custom role on
// the roles page and gives it to an employee, then deactivates a department
// head who has a leave request waiting. The leaver's open page is signed
// out, signing in again is refused in Chinese, the request moves to the
// leaver's manager with a timeline entry and can be approved there, the
// leaver stays listed as 已停用 (nothing is deleted), and the audit log shows
// both actions.
// Self-contained against the harness's baseURL (fresh data dir per spec).
import { test, expect, type Browser } from '@playwright/test'
import { call, PASSWORD, salesTeam, signedInPage, submitLeave } from '../lib'

const page = (browser: Browser, baseURL: string, email: string) =>
  signedInPage(browser, baseURL, email, { viewport: { width: 1280, height: 800 }, locale: 'zh-CN' })

test('a custom role is given out; a department head leaves and their approval moves to their manager', async ({ browser, request, baseURL }) => {
  const team = await salesTeam(request, 'off.test')
  const tok = team.token
  const ap = await submitLeave(request, team.empToken, '2026-12-21', '2026-12-21', '家中有事')

  // The head has the request waiting, in an open page.
  const headPage = await page(browser, baseURL!, 'head@off.test')
  await headPage.goto('/approvals')
  await expect(headPage.locator('[data-test=todo-count]')).toContainText('1')

  // A custom role on the roles page, given to the employee in the user dialog.
  const admin = await page(browser, baseURL!, 'admin@off.test')
  await admin.goto('/admin/roles')
  await admin.click('[data-test=role-new]')
  await admin.fill('[data-test=role-id]', 'finance_director')
  await admin.fill('[data-test=role-name]', '财务总监')
  await admin.click('[data-test=role-save]')
  await expect(admin.locator('[data-test=roles-table]')).toContainText('财务总监')
  await admin.click('[data-test=admin-tab-users]')
  await admin.click('[data-test="user-edit-emp@off.test"]')
  await admin.locator('[data-test=role-finance_director]').click()
  await admin.click('[data-test=user-save]')
  await expect(admin.locator('[data-test=user-dialog]')).toBeHidden()
  await expect(admin.locator('[data-test=users-table] .el-table__row', { hasText: '李娜' })).toContainText('财务总监')
  const emp = (await call(request, 'GET', '/api/v1/users?limit=200', tok)).items.find((u: { email: string }) => u.email === 'emp@off.test')
  expect(emp.roles).toContain('finance_director')

  // The head leaves: the dialog says who takes over.
  await admin.click('[data-test="user-deactivate-head@off.test"]')
  const dialog = admin.locator('[data-test=deactivate-dialog]')
  await expect(dialog).toContainText('转交给王总')
  await admin.waitForTimeout(300) // let the dialog finish fading in before the screenshot
  await admin.screenshot({ path: 'artifacts/org-deactivate.png' })
  await admin.click('[data-test=deactivate-confirm]')
  await expect(admin.locator('.el-message--success').last()).toContainText('已停用 林主管 的账号')
  await expect(admin.locator('[data-test=users-table]')).not.toContainText('林主管')
  await admin.locator('[data-test=users-inactive]').click()
  await expect(admin.locator('[data-test=users-table] .el-table__row', { hasText: '林主管' })).toContainText('已停用')

  // The leaver's open page is signed out at its next request, and signing in again is refused
  // exactly like a wrong password (the answer does not tell whether the password was right).
  await headPage.reload()
  await expect(headPage).toHaveURL(/\/login/)
  await headPage.fill('[data-test=login-email]', 'head@off.test')
  await headPage.fill('[data-test=login-password]', PASSWORD)
  await headPage.click('[data-test=login-submit]')
  await expect(headPage.locator('[data-test=login-error]')).toContainText('邮箱或密码错误')
  await headPage.screenshot({ path: 'artifacts/org-deactivated-login.png' })

  // The request waits for the manager now, says why, and the manager approves it.
  const gmPage = await page(browser, baseURL!, 'gm@off.test')
  await gmPage.goto('/approvals')
  await expect(gmPage.locator('[data-test=todo-count]')).toContainText('1')
  await gmPage.goto('/approvals/' + ap.id)
  await expect(gmPage.locator('[data-test=timeline]')).toContainText('离职交接，任务转给')
  await expect(gmPage.locator('[data-test=waiting]')).toContainText('王总')
  await gmPage.screenshot({ path: 'artifacts/approvals-reassigned.png', fullPage: true })
  await gmPage.click('[data-test=approve]')
  await expect(gmPage.locator('[data-test=status]')).toHaveText('已通过')

  // Both actions are in the audit log.
  await admin.click('[data-test=admin-tab-audit]')
  const audit = admin.locator('[data-test=audit-table]')
  await expect(audit).toContainText('停用账号')
  await expect(audit).toContainText('新增角色')
  // Details read as words and names: what the edit changed (only the role), which department lost its head.
  const edit = audit.locator('.el-table__row').filter({ hasText: '修改成员' }).filter({ hasText: '李娜' })
  await expect(edit).toContainText('修改内容角色')
  await expect(edit).not.toContainText('邮箱')
  await expect(audit.locator('.el-table__row').filter({ hasText: '停用账号' })).toContainText('卸任负责人销售部')
  await expect(audit).not.toContainText(/cleared_head_of|sessions_revoked|fields|company\b/)
  await expect(audit.locator('.el-table__row').filter({ hasText: '创建工作台' })).toContainText('企业 示例科技')
  await admin.screenshot({ path: 'artifacts/org-audit.png' })
})
