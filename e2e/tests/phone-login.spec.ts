// Sign-in by phone number, as DingTalk users do, on a phone (390 px, touch)
// and on a desktop: the login field takes a phone number in any spelling; a
// wrong number gets the same answer as a wrong password.
import { test, expect } from '@playwright/test'
import { call, noSideScroll, PASSWORD, setupCompany, VIEWPORTS } from '../lib'

test('sign in by phone number on a 390 px phone and a desktop', async ({ browser, request, baseURL }) => {
  const setup = await setupCompany(request, 'phone.test')
  await call(request, 'POST', '/api/v1/users', setup.token, {
    email: 'lina@phone.test', name: '李娜', department_id: setup.root.id, title: '销售', phone: '+86 139-1234-5678', roles: [], password: PASSWORD,
  })
  for (const [kind, opts] of VIEWPORTS) {
    const ctx = await browser.newContext({ ...opts, baseURL })
    const page = await ctx.newPage()
    await page.goto('/login')
    await expect(page.getByText('手机号/邮箱', { exact: true })).toBeVisible()
    // An unknown number answers like a wrong password.
    await page.fill('[data-test=login-email]', '139 9999 0000')
    await page.fill('[data-test=login-password]', PASSWORD)
    await page.click('[data-test=login-submit]')
    await expect(page.locator('[data-test=login-error]')).toContainText('手机号/邮箱或密码错误')
    await page.fill('[data-test=login-email]', '139 1234 5678')
    await page.fill('[data-test=login-password]', 'wrong-password')
    await page.click('[data-test=login-submit]')
    await expect(page.locator('[data-test=login-error]')).toContainText('手机号/邮箱或密码错误')
    await page.fill('[data-test=login-password]', PASSWORD)
    await noSideScroll(page, kind + ' login')
    await page.screenshot({ path: `artifacts/phone-login-${kind}.png` })
    await page.click('[data-test=login-submit]')
    await expect(page).not.toHaveURL(/\/login/)
    const me = await page.evaluate(async () => (await fetch('/api/v1/me')).json())
    expect(me.user?.email ?? me.email).toBe('lina@phone.test')
    await ctx.close()
  }
})
