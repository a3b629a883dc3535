// Work reports 日志: 李娜 writes a daily from the built-in template on a phone
// (the draft survives closing the page), submits it; her head 林主管 sees
// his "未提交" list change live on the desktop, reads the report, comments
// and likes it; 李娜 then sees "已读" and the comment. Screenshots of each
// page at 390 px and 1280 px go to artifacts/report-<viewport>-<page>.png.
import { test, expect, type Page } from '@playwright/test'
import { call, salesTeam, signedInPage, PHONE, DESKTOP, noSideScroll } from '../lib'


async function shot(page: Page, name: string) {
  await page.waitForLoadState('networkidle', { timeout: 10_000 }).catch(() => undefined)
  await expect(page.locator('.el-loading-mask:visible')).toHaveCount(0)
  await page.screenshot({ path: `artifacts/report-${name}.png`, fullPage: true })
}

test('write a daily, the leader reads and comments, the writer sees 已读; the missing list follows live', async ({ browser, request, baseURL }) => {
  const team = await salesTeam(request, 'report.test')
  const zw = await team.mk('zw@report.test', '张伟', '销售', [], team.sales.id)
  // Today (in Shanghai) is a working day whatever day the spec runs on.
  const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10)
  await call(request, 'PUT', '/api/v1/workcal/' + today, team.token, { date: today, working: true, note: 'e2e' })
  const daily = (await call(request, 'GET', '/api/v1/report/templates', team.empToken)).items.find((x: { builtin_key: string }) => x.builtin_key === 'daily')

  // The head watches his "未提交" list on the desktop.
  const head = await signedInPage(browser, baseURL!, 'head@report.test', DESKTOP)
  await head.goto('/reports?tab=missing')
  const empRow = head.locator(`[data-test=missing-row-${team.emp.id}]`)
  await expect(empRow).toBeVisible()
  await expect(head.locator(`[data-test=missing-row-${zw.id}]`)).toBeVisible()
  await expect(empRow).not.toHaveAttribute('data-state', 'on_time')
  await expect(head.locator('[data-test=missing-list]')).not.toContainText('林主管') // he reports to 王总, not to himself

  // 李娜 writes on her phone.
  const emp = await signedInPage(browser, baseURL!, 'emp@report.test', PHONE)
  await emp.goto('/reports')
  await emp.click('[data-test=write-report]')
  await shot(emp, 'phone-templates')
  await emp.click('[data-test=template-daily]')
  const done = emp.locator('[data-test=field-done] textarea')
  await done.fill('拜访客户 3 家，签约 1 家')
  await expect(emp.locator('[data-test=autosave]')).toContainText('草稿已保存')
  // Closing the window keeps the draft: a new page resumes it.
  await emp.close()
  const emp2 = await signedInPage(browser, baseURL!, 'emp@report.test', PHONE)
  await emp2.goto('/reports/write/' + daily.id)
  await expect(emp2.locator('[data-test=field-done] textarea')).toHaveValue('拜访客户 3 家，签约 1 家')
  await emp2.locator('[data-test=field-plan] textarea').fill('整理报价单')
  await noSideScroll(emp2, 'phone write')
  await shot(emp2, 'phone-write')
  // The daily is due at 20:00 Shanghai time: after that the same report is
  // late (the server's clock decides; the spec runs at any hour).
  const stateAt = () => (new Date(Date.now() + 8 * 3600e3).getUTCHours() >= 20 ? 'late' : 'on_time')
  const before = stateAt()
  await emp2.click('[data-test=submit-report]')
  await expect(emp2.locator('[data-test=report-title]')).toContainText('日报')
  await expect(emp2.locator(`[data-test=recipient-${team.head.id}] [data-test=read-state]`)).toHaveText('未读')

  // The head's list changed without a reload (either state, should 20:00 pass during the submit).
  await expect(empRow).toHaveAttribute('data-state', new RegExp(`^(${before}|${stateAt()})$`))
  const written = (await empRow.getAttribute('data-state'))!
  await expect(head.locator(`[data-test=missing-row-${zw.id}]`)).not.toHaveAttribute('data-state', 'on_time')
  await shot(head, 'desktop-missing')

  // He reads it from his inbox (unread first), comments and likes it.
  await head.click('[data-test=tab-received]')
  const card = head.locator('[data-test=report-card]').first()
  await expect(card).toContainText('李娜')
  await expect(card.locator('[data-test=unread-dot]')).toBeVisible()
  await shot(head, 'desktop-received')
  await card.click()
  await expect(head.locator('[data-test=form-values]')).toContainText('拜访客户 3 家')
  await head.locator('[data-test=comment-input]').fill('很好，报价单明天发我')
  await head.click('[data-test=comment-send]')
  await expect(head.locator('[data-test=comment]')).toContainText('报价单明天发我')
  await head.click('[data-test=like]')
  await expect(head.locator('[data-test=like]')).toContainText('已赞')
  await shot(head, 'desktop-detail')

  // 李娜 sees 已读 and the comment, and replies.
  await emp2.reload()
  await expect(emp2.locator(`[data-test=recipient-${team.head.id}] [data-test=read-state]`)).toHaveText('已读')
  await expect(emp2.locator('[data-test=comment]')).toContainText('很好')
  await emp2.locator('[data-test=reply]').first().click()
  await emp2.locator('[data-test=comment-input]').fill('好的')
  await emp2.click('[data-test=comment-send]')
  await expect(emp2.locator('[data-test=comment]')).toHaveCount(2)
  await noSideScroll(emp2, 'phone detail')
  await shot(emp2, 'phone-detail')
  await emp2.goto('/reports?tab=sent')
  await expect(emp2.locator('[data-test=read-summary]').first()).toContainText('已读 1 人')
  await shot(emp2, 'phone-sent')

  // The head on his phone: the missing list and 李娜's week.
  const headPhone = await signedInPage(browser, baseURL!, 'head@report.test', PHONE)
  await headPhone.goto('/reports?tab=missing')
  await expect(headPhone.locator(`[data-test=missing-row-${team.emp.id}]`)).toHaveAttribute('data-state', written)
  await noSideScroll(headPhone, 'phone missing')
  await shot(headPhone, 'phone-missing')
  await headPhone.goto(`/reports/week?user_id=${team.emp.id}&date=${today}`)
  await expect(headPhone.locator(`[data-test=day-${today}]`)).toContainText('拜访客户 3 家')
  await noSideScroll(headPhone, 'phone week')
  await shot(headPhone, 'phone-week')
  await head.goto(`/reports/week?user_id=${team.emp.id}&date=${today}`)
  await expect(head.locator(`[data-test=day-${today}]`)).toContainText('拜访客户 3 家')
  await shot(head, 'desktop-week')
  await head.goto('/reports/write/' + daily.id)
  await expect(head.locator('[data-test=report-form]')).toBeVisible()
  await shot(head, 'desktop-write')
})
