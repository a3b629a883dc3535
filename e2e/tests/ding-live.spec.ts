// A DING's sender watches confirmations arrive: the DING's page and the
// "sent" list count down "n 人未确认" live, from the ding.acked event, while a
// receiver confirms in another browser (no reload, no new request for the
// DING). Phone and desktop. Self-contained: it runs the first-run setup.
import { test, expect, type Page } from '@playwright/test'
import { call, noSideScroll, PASSWORD, setupCompany, signedIn, VIEWPORTS } from '../lib'

// openLive opens path and waits until the page's event stream has answered:
// the server subscribes the stream before it answers, so an event emitted
// after this reaches the page.
async function openLive(page: Page, path: string) {
  const live = page.waitForResponse((r) => r.url().includes('/api/v1/events') && r.status() === 200)
  await page.goto(path)
  await live
}

test('the sender sees confirmations live on the DING page and the sent list', async ({ browser, request, baseURL }) => {
  const setup = await setupCompany(request, 'dinglive.test')
  const mk = async (email: string, name: string, phone: string) =>
    (await call(request, 'POST', '/api/v1/users', setup.token, { email, name, department_id: setup.root.id, title: '职员', phone, roles: [], password: PASSWORD })).user
  const li = await mk('li@dinglive.test', '李娜', '13900000021')
  const zhou = await mk('zhou@dinglive.test', '周杰', '13900000022')
  const zhouTok = (await call(request, 'POST', '/api/v1/auth/login', '', { email: 'zhou@dinglive.test', password: PASSWORD })).token

  for (const [vp, opts] of VIEWPORTS) {
    const message = `${vp}：请今天下班前确认合同`
    const d = await call(request, 'POST', '/api/v1/ding', setup.token, { recipients: [li.id, zhou.id], message })

    const sender = await signedIn(browser, baseURL!, 'admin@dinglive.test', opts)
    const detail = await sender.newPage()
    let detailReads = 0
    detail.on('request', (r) => { if (r.method() === 'GET' && r.url().endsWith('/api/v1/ding/' + d.id)) detailReads++ })
    await openLive(detail, '/ding/' + d.id)
    await expect(detail.locator('[data-test=ding-pending-count]')).toHaveText('2 人未确认')
    await expect(detail.locator('[data-test=ding-acked-count]')).toHaveText('0 人已确认')

    const list = await sender.newPage()
    await openLive(list, '/ding')
    await list.locator('[data-test=ding-box]').getByText('我发出的').click()
    const row = list.locator('[data-test=dings] :is(.el-table__row, [data-test=card])', { hasText: message })
    await expect(row).toContainText('2 人未确认')

    // 李娜 confirms in her own browser, from the DING sheet.
    const receiver = await signedIn(browser, baseURL!, 'li@dinglive.test', opts)
    const rp = await receiver.newPage()
    await rp.goto('/')
    await expect(rp.locator('[data-test=ding-message]')).toHaveText(message)
    await rp.click('[data-test=ding-ack]')
    await expect(rp.locator('[data-test=ding-message]')).toBeHidden()

    await expect(detail.locator('[data-test=ding-pending-count]')).toHaveText('1 人未确认')
    await expect(detail.locator('[data-test=ding-acked-count]')).toHaveText('1 人已确认')
    const liRow = detail.locator('[data-test=ding-receipts] .el-table__row', { hasText: '李娜' })
    await expect(liRow).toContainText('已确认')
    await expect(detail.locator('[data-test=ding-receipts] .el-table__row', { hasText: '周杰' })).toContainText('未确认')
    await expect(row).toContainText('1 人未确认')
    await noSideScroll(detail, `DING page (${vp})`)
    await detail.screenshot({ path: `../docs/screenshots/ding-live-${vp}.png` })
    await list.screenshot({ path: `../docs/screenshots/ding-live-sent-${vp}.png` })

    // 周杰 confirms too (through the API): the page reaches zero.
    await call(request, 'POST', `/api/v1/ding/${d.id}/ack`, zhouTok)
    await expect(detail.locator('[data-test=ding-pending-count]')).toHaveText('0 人未确认')
    await expect(row).toContainText('2 人已确认')
    expect(detailReads, 'the DING page updated from the event stream, without reading the DING again').toBe(1)

    await sender.close()
    await receiver.close()
  }
})
