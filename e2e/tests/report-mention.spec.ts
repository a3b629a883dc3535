// Work reports: @ someone in a comment. 李娜 submits a daily to her head
// 林主管; he opens it (phone, then desktop), picks a colleague in the comment
// box's "@ 提到同事" picker and sends. The colleague, who could not read the
// report before (the page says so: forbidden; a missing report says not
// found), is told (report.mentioned) and now reads it with the comment. The
// people list closes after the pick. Screenshots: artifacts/report-mention-<viewport>-<page>.png.
import { test, expect, type APIRequestContext, type Page } from '@playwright/test'
import { call, salesTeam, signedInPage, PHONE, DESKTOP, noSideScroll } from '../lib'


async function shot(page: Page, name: string) {
  await page.waitForLoadState('networkidle', { timeout: 10_000 }).catch(() => undefined)
  await expect(page.locator('.el-loading-mask:visible')).toHaveCount(0)
  await page.screenshot({ path: `artifacts/report-mention-${name}.png`, fullPage: true })
}

async function status(req: APIRequestContext, path: string, token: string) {
  return (await req.fetch(path, { headers: { Authorization: 'Bearer ' + token } })).status()
}

test('@ a colleague in a comment: they are told and may read the report', async ({ browser, request, baseURL }) => {
  test.setTimeout(600_000) // two viewports, four people, on a shared machine
  const team = await salesTeam(request, 'rmention.test')
  const login = async (email: string) => (await call(request, 'POST', '/api/v1/auth/login', '', { email, password: 'password123' })).token as string
  const daily = (await call(request, 'GET', '/api/v1/report/templates', team.empToken)).items.find((x: { builtin_key: string }) => x.builtin_key === 'daily')
  const draft = await call(request, 'POST', '/api/v1/reports', team.empToken, { template_id: daily.id })
  const rep = await call(request, 'POST', `/api/v1/reports/${draft.id}/submit`, team.empToken, { form: { done: '季度回款方案初稿' }, version: draft.version })

  for (const [vp, opts, email, name] of [['phone', PHONE, 'zw@rmention.test', '张伟'], ['desktop', DESKTOP, 'cj@rmention.test', '陈静']] as const) {
    const who = await team.mk(email, name, '财务', [])
    const token = await login(email)
    expect(await status(request, '/api/v1/reports/' + rep.id, token), `${name} before the mention`).toBe(403)

    // Before: the link is not theirs to read (forbidden), and a report that
    // does not exist says so (not found), each with the way back.
    const before = await signedInPage(browser, baseURL!, email, opts)
    await before.goto('/reports/' + rep.id)
    await expect(before.locator('[data-test=detail-error]')).toContainText('你无权查看这份日志')
    await expect(before.locator('[data-test=form-values]')).toHaveCount(0)
    await noSideScroll(before, vp + ' forbidden')
    await shot(before, vp + '-forbidden')
    await before.goto('/reports/01nosuchreport0000000000000')
    await expect(before.locator('[data-test=detail-error]')).toContainText('日志不存在')
    await expect(before.locator('[data-test=detail-error]')).not.toContainText('无权')
    await noSideScroll(before, vp + ' not found')
    await shot(before, vp + '-not-found')
    await before.click('[data-test=detail-back]')
    await expect(before).toHaveURL(/\/reports$/)
    await before.context().close()

    const head = await signedInPage(browser, baseURL!, 'head@rmention.test', opts)
    await head.goto('/reports/' + rep.id)
    await expect(head.locator('[data-test=form-values]')).toContainText('季度回款方案初稿')
    await head.locator('[data-test=comment-input]').fill('请一起看一下')
    // One pick: the people list closes by itself and the comment reads "@name".
    const picker = head.locator('[data-test=comment-mentions]')
    await picker.click()
    await picker.locator('input').first().fill(name)
    await head.locator('.el-select-dropdown__item:visible', { hasText: name }).first().click()
    await expect(head.locator('.el-select-dropdown:visible')).toHaveCount(0)
    await expect(head.locator('[data-test=comment-input]')).toHaveValue(`请一起看一下 @${name} `)
    await expect(head.locator(`[data-test=mentioned-${who.id}]`)).toContainText(`@${name}`)
    await noSideScroll(head, vp + ' comment box')
    await shot(head, vp + '-picker')
    await head.click('[data-test=comment-send]')
    await expect(head.locator('[data-test=comment]').last()).toContainText(`@${name}`)
    await expect(head.locator('[data-test=comment-input]')).toHaveValue('')

    // Told, and now a reader: the report opens for them with the comment.
    await expect.poll(async () => (await call(request, 'GET', '/api/v1/notifications', token)).items.map((n: { type: string }) => n.type)).toContain('report.mentioned')
    const page = await signedInPage(browser, baseURL!, email, opts)
    await page.goto('/reports/' + rep.id)
    await expect(page.locator('[data-test=form-values]')).toContainText('季度回款方案初稿')
    await expect(page.locator('[data-test=comment]').last()).toContainText(`@${name}`)
    await noSideScroll(page, vp + ' mentioned reader')
    await shot(page, vp + '-mentioned')
    await head.context().close()
    await page.context().close()
  }
})
