// Notifications, announcements and DING end to end. Self-contained: it runs
// the first-run setup and creates its users through the API against the
// harness's baseURL (fresh data dir per spec), then drives two browser
// contexts (admin and an employee).
import { test, expect, type Browser } from '@playwright/test'
import { call, PASSWORD, setupCompany, signedIn as signedInAs } from '../lib'

const signedIn = (browser: Browser, baseURL: string, email: string) =>
  signedInAs(browser, baseURL, email, { viewport: { width: 1200, height: 760 } })

test('announcement with acknowledgement and a DING, live', async ({ browser, request, baseURL }) => {
  const setup = await setupCompany(request, 'notify.test')
  const root = setup.root
  await call(request, 'POST', '/api/v1/users', setup.token, {
    email: 'li@notify.test', name: '李娜', department_id: root.id, title: '销售', phone: '13900000001', roles: [], password: PASSWORD,
  })

  const admin = await (await signedIn(browser, baseURL!, 'admin@notify.test')).newPage()
  const user = await (await signedIn(browser, baseURL!, 'li@notify.test')).newPage()
  await user.goto('/announcements')
  await expect(user.locator('[data-test=bell]')).toBeVisible()

  // admin publishes an announcement that requires acknowledgement
  await admin.goto('/announcements')
  await admin.click('[data-test=announcement-new]')
  await admin.fill('[data-test=announcement-title]', '关于元旦放假安排的通知')
  await admin.fill('[data-test=announcement-body]', '# 元旦放假安排\n\n**1月1日至1月3日**放假。')
  await admin.click('[data-test=announcement-submit]')

  // the employee's bell badge goes up live (SSE), without a reload
  await expect(user.locator('[data-test=bell-badge] .el-badge__content')).toHaveText('1', { timeout: 10_000 })
  await user.click('[data-test=bell]')
  await user.click('[data-test=bell-item]')
  await expect(user.locator('[data-test=announcement-detail-title]')).toHaveText('关于元旦放假安排的通知')
  await user.click('[data-test=announcement-ack]')
  await expect(user.locator('[data-test=announcement-acked]')).toBeVisible()
  await user.screenshot({ path: 'artifacts/notify-announcement.png' })

  // the admin sees the receipt
  const list = await call(request, 'GET', '/api/v1/announcements', setup.token)
  await admin.goto('/announcements/' + list.items[0].id)
  await admin.getByText('已确认 (1)').click()
  await expect(admin.locator('[data-test=announcement-receipts]')).toContainText('李娜')
  await admin.screenshot({ path: 'artifacts/notify-receipts.png' })

  // a DING arrives as a modal that must be acknowledged
  await admin.goto('/ding')
  await admin.click('[data-test=ding-new]')
  await admin.click('[data-test=ding-recipients]')
  await admin.keyboard.type('李')
  await admin.locator('.el-select-dropdown__item', { hasText: '李娜' }).click()
  await admin.fill('[data-test=ding-text]', '下午 3 点的客户会议请准时参加')
  await admin.click('[data-test=ding-send]')
  await expect(user.locator('[data-test=ding-message]')).toHaveText('下午 3 点的客户会议请准时参加', { timeout: 10_000 })
  await user.screenshot({ path: 'artifacts/notify-ding-received.png' })
  await user.click('[data-test=ding-ack]')
  await expect(user.locator('[data-test=ding-message]')).toBeHidden()

  const sent = await call(request, 'GET', '/api/v1/ding?box=sent', setup.token)
  expect(sent.items[0].receipts[0].acked_at).toBeTruthy()
})
