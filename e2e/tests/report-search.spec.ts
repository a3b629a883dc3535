// Work reports: search, the missing list's workbook and statistics. 李娜
// submits a daily; her head 林主管 finds it by a two-character word in 收到的
// (phone and desktop), finds nothing for a word nobody wrote, downloads the
// 未提交 workbook, and reads the 统计 tab. Screenshots go to
// artifacts/report-search-<viewport>-<page>.png.
import { test, expect, type Page } from '@playwright/test'
import { call, PASSWORD, salesTeam, signedInPage, PHONE, DESKTOP, noSideScroll } from '../lib'


async function shot(page: Page, name: string) {
  await page.waitForLoadState('networkidle', { timeout: 10_000 }).catch(() => undefined)
  await expect(page.locator('.el-loading-mask:visible')).toHaveCount(0)
  await page.screenshot({ path: `artifacts/report-search-${name}.png`, fullPage: true })
}

test('search received reports by a two-character word, export the missing list, read the statistics', async ({ browser, request, baseURL }) => {
  const team = await salesTeam(request, 'rsearch.test')
  const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10)
  await call(request, 'PUT', '/api/v1/workcal/' + today, team.token, { date: today, working: true, note: 'e2e' })
  const daily = (await call(request, 'GET', '/api/v1/report/templates', team.empToken)).items.find((x: { builtin_key: string }) => x.builtin_key === 'daily')
  const draft = await call(request, 'POST', '/api/v1/reports', team.empToken, { template_id: daily.id })
  await call(request, 'POST', `/api/v1/reports/${draft.id}/submit`, team.empToken, { form: { done: '与客户签订年度合同，回款顺利' }, version: draft.version })

  for (const [vp, opts] of [['phone', PHONE], ['desktop', DESKTOP]] as const) {
    const head = await signedInPage(browser, baseURL!, 'head@rsearch.test', opts)
    await head.goto('/reports')
    const box = head.locator('input[data-test=report-search], [data-test=report-search] input').first()
    await box.fill('合同')
    await box.press('Enter')
    await expect(head.locator('[data-test=report-card]')).toHaveCount(1)
    await expect(head.locator('[data-test=report-card]')).toContainText('年度合同')
    await expect(head.locator('.rp-dates').first()).toBeVisible()
    await noSideScroll(head, vp + ' search')
    await shot(head, vp + '-search')
    await box.fill('报销')
    await box.press('Enter')
    await expect(head.locator('[data-test=report-card]')).toHaveCount(0)
    await expect(head.getByText('没有找到日志')).toBeVisible()

    await head.click('[data-test=tab-missing]')
    const link = head.locator('[data-test=missing-export]')
    await expect(link).toHaveAttribute('href', new RegExp('/api/v1/report/missing/export\\?template_id=' + daily.id))
    await head.click('[data-test=tab-stats]')
    const period = head.locator(`[data-test=stats-period-${today}]`)
    await expect(period.locator('[data-test=stats-total]')).toContainText('提交率')
    await expect(period.locator('[data-test=stats-dept]')).not.toHaveCount(0)
    await noSideScroll(head, vp + ' stats')
    await shot(head, vp + '-stats')
    await head.close()
  }
  // The workbook itself (its cells are checked in backend/report/export_test.go).
  const headToken = (await call(request, 'POST', '/api/v1/auth/login', '', { email: 'head@rsearch.test', password: PASSWORD })).token
  const res = await request.get(`/api/v1/report/missing/export?template_id=${daily.id}&period=${today}`, { headers: { Authorization: 'Bearer ' + headToken } })
  expect(res.status()).toBe(200)
  expect(res.headers()['content-type']).toContain('spreadsheetml')
  expect((await res.body()).subarray(0, 2).toString()).toBe('PK')
})
