// A department head's own leave goes to their leader (issue 12, item 22):
// the 销售部 head fills in a 2-day leave; the route preview shows the head
// step landing on themselves and going up to the general manager
// ("部门负责人（本人）→ 上级：王总"); after submitting it waits for 王总, who
// approves it. The admin sees the setting in the template designer.
import { test, expect, type Browser } from '@playwright/test'
import { salesTeam, signedInPage } from '../lib'

const page = (browser: Browser, baseURL: string, email: string) =>
  signedInPage(browser, baseURL, email, { viewport: { width: 1280, height: 800 }, locale: 'zh-CN' })

test('a department head\'s own leave goes up to the general manager', async ({ browser, request, baseURL }) => {
  await salesTeam(request, 'self.test')

  const hd = await page(browser, baseURL!, 'head@self.test')
  await hd.goto('/approvals/new')
  await hd.click('[data-test=template-leave]')
  await hd.locator('[data-test=field-leave_type] .el-select').click()
  await hd.locator('.el-select-dropdown__item', { hasText: '年假' }).click()
  const dates = hd.locator('[data-test=field-period] .el-date-editor input')
  await dates.nth(0).fill('2026-12-07')
  await dates.nth(0).press('Enter')
  await dates.nth(1).fill('2026-12-08')
  await dates.nth(1).press('Enter')
  await hd.locator('[data-test=field-reason] textarea').fill('家中有事')
  await expect(hd.locator('[data-test=range-days]')).toContainText('2')
  const route = hd.locator('[data-test=route]')
  await expect(route.locator('[data-test=route-self]')).toHaveText('→ 上级：王总')
  await expect(route).toContainText('部门负责人（本人）')
  await expect(route).not.toContainText('自动通过')
  await hd.screenshot({ path: 'artifacts/approvals-self-route.png', fullPage: true })
  await hd.click('[data-test=submit]')
  await expect(hd).toHaveURL(/\/approvals\/[0-9a-z]{26}$/)
  const id = hd.url().split('/').pop()!
  await expect(hd.locator('[data-test=status]')).toHaveText('审批中')
  await expect(hd.locator('[data-test=waiting]')).toContainText('王总')

  // The general manager finds it waiting and approves it.
  const gm = await page(browser, baseURL!, 'gm@self.test')
  await gm.goto('/approvals')
  await expect(gm.locator('[data-test=approval-list]')).toContainText('林主管的请假')
  await gm.goto('/approvals/' + id)
  await gm.click('[data-test=approve]')
  await expect(gm.locator('[data-test=status]')).toHaveText('已通过')
  await expect(gm.locator('[data-test=timeline]')).toContainText('王总')
  await gm.screenshot({ path: 'artifacts/approvals-self-approved.png', fullPage: true })

  // The leave template's setting, as the admin sees it in the designer.
  const admin = await page(browser, baseURL!, 'admin@self.test')
  await admin.goto('/approvals/admin/templates')
  await admin.click('[data-test=tpl-leave]')
  const setting = admin.locator('[data-test=self-approval]')
  await expect(setting).toContainText('转给申请人的上级审批')
  await expect(setting.locator('[data-test=self-up] input')).toBeChecked()
  await setting.scrollIntoViewIfNeeded()
  await admin.screenshot({ path: 'artifacts/approvals-self-setting.png' })
})
