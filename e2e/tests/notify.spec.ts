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
  await expect(user.locator('[data-test=bell-badge] .el-badge__content')).toHaveText('1')
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
  await expect(user.locator('[data-test=ding-message]')).toHaveText('下午 3 点的客户会议请准时参加')
  await user.screenshot({ path: 'artifacts/notify-ding-received.png' })
  await user.click('[data-test=ding-ack]')
  await expect(user.locator('[data-test=ding-message]')).toBeHidden()

  const sent = await call(request, 'GET', '/api/v1/ding?box=sent', setup.token)
  expect(sent.items[0].receipts[0].acked_at).toBeTruthy()

  // The receiver's page of the DING shows their own acknowledgement, not the
  // receipts of the others (who else was DINGed is the sender's to follow).
  await user.goto('/ding/' + sent.items[0].id)
  await expect(user.locator('[data-test=ding-my-ack]')).toBeVisible()
  await expect(user.locator('[data-test=ding-receipts]')).toHaveCount(0)
  await user.screenshot({ path: 'artifacts/notify-ding-receiver.png' })
  await admin.goto('/ding/' + sent.items[0].id)
  await expect(admin.locator('[data-test=ding-receipts]')).toContainText('李娜')

  // A reminder about an unread announcement is a DING Tack words itself: it
  // carries fields (kind, the announcement) and reads in the reader's language.
  const an = await call(request, 'POST', '/api/v1/announcements', setup.token,
    { title: '消防演练通知', body: '周五下午', format: 'plain', everyone: true })
  const reminder = await call(request, 'POST', `/api/v1/announcements/${an.id}/remind`, setup.token)
  expect(reminder.content).toEqual({ kind: 'please_read', count: 1,
    items: [{ type: 'announcement.published', title: '消防演练通知', link: '/announcements/' + an.id }] })
  await user.goto('/announcements')
  await expect(user.locator('[data-test=ding-message]')).toHaveText('请阅读公告：消防演练通知', { timeout: 10_000 })
  await user.click('[data-test=ding-ack]')
  await user.goto('/ding/' + reminder.id)
  await expect(user.locator('[data-test=ding-detail-message]')).toHaveText('请阅读公告：消防演练通知')
})

test('DING about an approval from its page, to the approver whose turn it is', async ({ browser, request, baseURL }) => {
  // The company of the first test: its admin, plus a sales department with a head and an employee.
  const tok = (await call(request, 'POST', '/api/v1/auth/login', '', { email: 'admin@notify.test', password: PASSWORD })).token
  const root = (await call(request, 'GET', '/api/v1/departments', tok)).items[0]
  const mk = async (email: string, name: string, dept: string, phone: string) =>
    (await call(request, 'POST', '/api/v1/users', tok, { email, name, department_id: dept, title: '职员', phone, roles: [], password: PASSWORD })).user
  const head = await mk('head@notify.test', '林主管', root.id, '13900000011')
  const sales = await call(request, 'POST', '/api/v1/departments', tok, { name: '销售部', parent_id: root.id, head_id: head.id })
  await mk('emp@notify.test', '周杰', sales.id, '13900000012')
  const empTok = (await call(request, 'POST', '/api/v1/auth/login', '', { email: 'emp@notify.test', password: PASSWORD })).token
  const leave = (await call(request, 'GET', '/api/v1/approval/templates', empTok)).items.find((x: { builtin_key: string }) => x.builtin_key === 'leave')
  const ap = await call(request, 'POST', '/api/v1/approvals', empTok, { template_id: leave.id,
    form: { leave_type: 'annual', period: { start: '2026-12-21', end: '2026-12-22' }, reason: '家中有事' } })

  const headPage = await (await signedIn(browser, baseURL!, 'head@notify.test')).newPage()
  await headPage.goto('/')
  const emp = await (await signedIn(browser, baseURL!, 'emp@notify.test')).newPage()
  await emp.goto('/approvals/' + ap.id)
  await emp.click('[data-test=ding-about]')
  await expect(emp.locator('[data-test=ding-recipients]')).toContainText('林主管')
  await expect(emp.locator('[data-test=ding-text]')).toHaveValue(`请尽快处理我的审批「${ap.title}」`)
  await emp.click('[data-test=ding-send]')
  await expect(headPage.locator('[data-test=ding-message]')).toHaveText(`请尽快处理我的审批「${ap.title}」`)
  await headPage.waitForTimeout(400)
  await headPage.screenshot({ path: 'artifacts/notify-ding-approval.png' })
  await headPage.getByRole('button', { name: '确认并查看' }).click()
  await expect(headPage).toHaveURL(new RegExp('/approvals/' + ap.id))
  const sent = await call(request, 'GET', '/api/v1/ding?box=sent', empTok)
  expect(sent.items[0]).toMatchObject({ subject_type: 'approval', subject_id: ap.id })
  expect(sent.items[0].receipts[0].acked_at).toBeTruthy()
})
