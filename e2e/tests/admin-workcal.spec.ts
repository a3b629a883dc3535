// The company working calendar end to end (admin settings → 工作日历): the
// admin makes the day 08:30–17:30 with Saturday working and marks a holiday,
// and "find a time" — which once hard-coded Monday–Friday 09:00–18:00 —
// offers 08:30 on that Saturday; a week with no working day is refused with a
// translated error and changes nothing; the old approvals path redirects; on
// a phone (390 px, English) the page works too; a member has no page and no
// write.
import { test, expect } from '@playwright/test'
import { call, PASSWORD, setupCompany, signedInPage } from '../lib'

test('admin working calendar: hours, a make-up Saturday, find-a-time follows; phone and English', async ({ browser, request, baseURL }) => {
  const setup = await setupCompany(request, 'wcal.test')
  const tok = setup.token
  const emp = (await call(request, 'POST', '/api/v1/users', tok, { email: 'emp@wcal.test', name: '刘工', department_id: setup.root.id,
    title: '员工', phone: '13900002222', roles: [], password: PASSWORD })).user

  const admin = await signedInPage(browser, baseURL!, 'admin@wcal.test', { viewport: { width: 1280, height: 900 }, locale: 'zh-CN' })
  // The old approvals path lands on the admin page.
  await admin.goto('/approvals/admin/calendar')
  await expect(admin).toHaveURL(/\/admin\/calendar$/)
  await expect(admin.locator('[data-test=admin-tab-calendar]')).toHaveText('工作日历')
  await expect(admin.locator('[data-test=workcal-page]')).toContainText('中国标准时间 (GMT+08:00)')

  // No working day at all: a translated error, nothing saved.
  const days = admin.locator('[data-test=work-days]')
  for (const d of ['周一', '周二', '周三', '周四', '周五']) await days.getByText(d, { exact: true }).click()
  await admin.click('[data-test=save-week]')
  await expect(admin.locator('[data-test=week-error]')).toHaveText('请至少选择一天')
  expect((await call(request, 'GET', '/api/v1/workcal', tok)).work_days).toEqual([1, 2, 3, 4, 5])

  // Monday to Saturday, 08:30–17:30.
  for (const d of ['周一', '周二', '周三', '周四', '周五', '周六']) await days.getByText(d, { exact: true }).click()
  await admin.locator('[data-test=work-start]').click()
  await admin.locator('.el-select-dropdown__item:visible', { hasText: '08:30' }).click()
  await admin.locator('[data-test=work-end]').click()
  await admin.locator('.el-select-dropdown__item:visible', { hasText: '17:30' }).click()
  await admin.click('[data-test=save-week]')
  await expect(admin.locator('.el-message--success')).toContainText('工作时间已保存')
  await expect.poll(async () => (await call(request, 'GET', '/api/v1/workcal', tok)).work_start).toBe('08:30')

  // A holiday on Friday 2027-01-08.
  const special = admin.locator('[data-test=special-days]')
  await special.getByRole('combobox', { name: '开始日期' }).fill('2027-01-08')
  await special.getByRole('combobox', { name: '结束日期' }).fill('2027-01-08')
  await special.getByRole('combobox', { name: '结束日期' }).press('Enter')
  await admin.locator('input[data-test=day-note]').fill('公司活动日')
  await admin.click('[data-test=add-days]')
  await admin.locator('[data-test=year]').click()
  await admin.locator('.el-select-dropdown__item:visible', { hasText: '2027' }).click()
  await expect(admin.locator('[data-test=calendar-days] .el-table__row')).toHaveCount(1)
  await expect(admin.locator('[data-test=calendar-days]')).toContainText('公司活动日')
  await admin.screenshot({ path: 'artifacts/admin-workcal-desktop.png', fullPage: true })

  // Find-a-time keeps to the calendar: Thu 7 Jan 08:30, no Friday (holiday), Sat 9 Jan 08:30.
  const sug = await call(request, 'POST', '/api/v1/meetings/find-time', tok, { attendee_ids: [emp.id], duration_minutes: 540,
    from: '2027-01-06T16:00:00Z', to: '2027-01-09T16:00:00Z', time_zone: 'Asia/Shanghai', no_room: true, limit: 10 })
  expect(sug.items.map((s: { start: string }) => s.start)).toEqual(['2027-01-07T00:30:00Z', '2027-01-09T00:30:00Z'])

  // On a phone, in English.
  const phone = await signedInPage(browser, baseURL!, 'admin@wcal.test', { viewport: { width: 390, height: 844 }, isMobile: true })
  await phone.addInitScript(() => localStorage.setItem('tack.locale', 'en'))
  await phone.goto('/admin/calendar')
  await expect(phone.locator('[data-test=work-week]')).toContainText('Working week')
  await expect(phone.locator('[data-test=work-days] label.is-checked')).toHaveCount(6)
  await phone.locator('[data-test=year]').click()
  await phone.locator('.el-select-dropdown__item:visible', { hasText: '2027' }).click()
  await expect(phone.locator('[data-test=calendar-days] .el-table__row')).toContainText('Holiday')
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
  expect(overflow).toBeLessThanOrEqual(0)
  await phone.screenshot({ path: 'artifacts/admin-workcal-phone.png', fullPage: true })

  // A member: no page, and the API refuses a change.
  const member = await signedInPage(browser, baseURL!, 'emp@wcal.test')
  await member.goto('/admin/calendar')
  await expect(member).not.toHaveURL(/\/admin\/calendar$/)
  const login = await request.post('/api/v1/auth/login', { data: { email: 'emp@wcal.test', password: PASSWORD }, headers: { 'X-Tack-Request': '1' } })
  const empTok = (await login.json()).token
  const r = await request.put('/api/v1/workcal/2027-01-11', { data: { working: false }, headers: { Authorization: 'Bearer ' + empTok, 'X-Tack-Request': '1' } })
  expect(r.status()).toBe(403)
})
