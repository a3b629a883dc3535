// A password reset end to end: HR resets an employee's password from the
// members page (the general manager's row offers no reset: only an admin may
// take over an approver's password), hands over the one-time password; the
// employee signs in with it and must choose their own before anything else —
// other pages lead back to the new-password page — then works normally and
// finds a notification saying who reset it.
import { test, expect } from '@playwright/test'
import { call, salesTeam, signedInPage } from '../lib'

test('HR resets a password; the owner must choose a new one before anything else', async ({ browser, request, baseURL }) => {
  const team = await salesTeam(request, 'pr.test')
  await team.mk('hr@pr.test', '陈人事', '人事经理', ['hr'])

  const hr = await signedInPage(browser, baseURL!, 'hr@pr.test')
  await hr.goto('/admin/users')
  await expect(hr.locator('[data-test="user-reset-emp@pr.test"]')).toBeVisible({ timeout: 30_000 })
  for (const approver of ['gm@pr.test', 'head@pr.test', 'admin@pr.test']) {
    await expect(hr.locator(`[data-test="user-reset-${approver}"]`)).toHaveCount(0)
  }
  await hr.screenshot({ path: 'artifacts/password-reset-hr-members.png' })
  await hr.click('[data-test="user-reset-emp@pr.test"]')
  await expect(hr.locator('.el-message-box')).toContainText('下次登录须先设置自己的密码')
  await hr.locator('.el-message-box .el-message-box__btns .el-button--primary').click()
  const shown = hr.locator('.el-message-box', { hasText: '此密码只显示这一次' })
  await expect(shown).toBeVisible()
  const given = (await shown.innerText()).match(/[A-Za-z0-9]{12}/)![0]
  await shown.locator('.el-message-box__btns .el-button--primary').click()

  // The employee's old sessions ended; they sign in with what HR gave them.
  const ctx = await browser.newContext({ baseURL })
  const emp = await ctx.newPage()
  await emp.goto('/approvals')
  await emp.fill('[data-test=login-email]', 'emp@pr.test')
  await emp.fill('[data-test=login-password]', given)
  await emp.click('[data-test=login-submit]')
  await expect(emp).toHaveURL(/\/password\?next=/, { timeout: 30_000 })
  await expect(emp.locator('[data-test=forced-change-lead]')).toContainText('你的密码已由管理员或人事重置')
  await emp.goto('/drive')
  await expect(emp).toHaveURL(/\/password/)
  // The server refuses the session everything else too, not only the UI.
  const refused = await ctx.request.get('/api/v1/approvals?box=mine')
  expect(refused.status()).toBe(403)
  expect((await refused.json()).error.key).toBe('auth.password_change_required')

  await emp.fill('[data-test=forced-current]', given)
  await emp.fill('[data-test=forced-new]', given)
  await emp.fill('[data-test=forced-again]', given)
  await emp.click('[data-test=forced-submit]')
  await expect(emp.locator('.el-form-item', { has: emp.locator('[data-test=forced-new]') })).toContainText('新密码不能与拿到的密码相同')
  await expect(emp.locator('.el-form-item__error')).toBeVisible()
  await emp.waitForTimeout(400) // let the error finish zooming in before the screenshot
  await emp.screenshot({ path: 'artifacts/password-reset-forced.png' })

  await emp.fill('[data-test=forced-new]', 'li-na-own-2026')
  await emp.fill('[data-test=forced-again]', 'li-na-own-2026')
  await emp.click('[data-test=forced-submit]')
  await expect(emp).toHaveURL(/\/drive/, { timeout: 30_000 })
  await expect.poll(async () => {
    const r = await ctx.request.get('/api/v1/notifications')
    if (!r.ok()) return `${r.status()} ${await r.text()}`
    return (await r.json()).items.some((n: { type: string; title: string }) => n.type === 'org.password_reset' && n.title === '陈人事')
  }, { timeout: 15_000 }).toBe(true)

  // Only the new password signs in now.
  const old = await request.post('/api/v1/auth/login', { data: { email: 'emp@pr.test', password: given }, headers: { 'X-Tack-Request': '1' } })
  expect(old.status()).toBe(401)
  await call(request, 'POST', '/api/v1/auth/login', '', { email: 'emp@pr.test', password: 'li-na-own-2026' })
  await ctx.close()
})
