// The sending queue survives a reload: 张伟's sends find the server
// unreachable (the route aborts them; the first even reaches the server and
// loses its answer on the way back: it shows once, as sent, when the list has
// it), he reloads the page, and the message the server never got is still
// there as 等待网络. When the server answers again the waiting one goes out —
// once, in order — and 李娜, in another browser, reads each once. Phone and
// desktop viewports.
import { test, expect, type Route } from '@playwright/test'
import { call, PASSWORD, setupCompany, signedInPage, VIEWPORTS, DESKTOP } from '../lib'

test('messages waiting for the server survive a reload and are delivered once', async ({ browser, request, baseURL }) => {
  test.setTimeout(300_000)
  const domain = 'outbox.test'
  const setup = await setupCompany(request, domain)
  const mk = async (email: string, name: string) =>
    (await call(request, 'POST', '/api/v1/users', setup.token, { email, name, department_id: setup.root.id, title: '工程师',
      phone: '139' + String(Math.random()).slice(2, 10), roles: [], password: PASSWORD })).user
  const zhang = await mk(`zhang@${domain}`, '张伟')
  const li = await mk(`li@${domain}`, '李娜')
  const zt = (await call(request, 'POST', '/api/v1/auth/login', '', { email: `zhang@${domain}`, password: PASSWORD })).token as string
  const lt = (await call(request, 'POST', '/api/v1/auth/login', '', { email: `li@${domain}`, password: PASSWORD })).token as string

  for (const [vp, opts] of VIEWPORTS) {
    const g = await call(request, 'POST', '/api/v1/chat/conversations', zt, { kind: 'temporary', name: `签约小组 ${vp}`, member_ids: [li.id] })
    await call(request, 'POST', `/api/v1/chat/conversations/${g.id}/messages`, zt, { body: '出发去客户那里' })

    const l = await signedInPage(browser, baseURL!, `li@${domain}`, DESKTOP)
    await l.goto('/chat/' + g.id)
    await expect(l.locator('[data-test=msg-text]')).toHaveText(['出发去客户那里'])

    const z = await signedInPage(browser, baseURL!, `zhang@${domain}`, opts)
    await z.goto('/chat/' + g.id)
    await expect(z.locator('[data-test=msg-text]')).toHaveText(['出发去客户那里'])

    // The server is unreachable for sends. The very first one gets through
    // and its answer is lost: the client cannot know the server has it.
    let lostAnswer = true
    const sends = '**/api/v1/chat/conversations/*/messages'
    const unreachable = async (route: Route) => {
      if (route.request().method() !== 'POST') return route.continue()
      if (lostAnswer) { lostAnswer = false; await route.fetch() }
      await route.abort('internetdisconnected')
    }
    await z.route(sends, unreachable)
    for (const body of ['合同已盖章', '下午三点回公司']) {
      await z.locator('[data-test=chat-input]').fill(body)
      await z.locator('[data-test=chat-send]').click()
    }
    // The server's live event brings the first into the list: it shows
    // once, as sent, and leaves the queue; the second waits.
    await expect(z.locator('[data-test=msg-text]')).toHaveText(['出发去客户那里', '合同已盖章'])
    await expect(z.locator('[data-test=msg-queued]')).toHaveCount(1)

    // Reload: the queue is read back from this browser's storage.
    await z.reload()
    await expect(z.locator('[data-test=msg-text]')).toHaveText(['出发去客户那里', '合同已盖章'])
    await expect(z.locator('[data-test=msg-pending]')).toHaveText([/下午三点回公司/])
    await expect(z.locator('[data-test=msg-queued]')).toHaveCount(1)
    await z.screenshot({ path: `../docs/screenshots/chat-outbox-${vp}.png` })

    // The server answers again: the retry timer sends it with its key.
    await z.unroute(sends, unreachable)
    await expect(z.locator('[data-test=msg-pending]')).toHaveCount(0, { timeout: 45_000 })
    const all = ['出发去客户那里', '合同已盖章', '下午三点回公司']
    await expect(z.locator('[data-test=msg-text]')).toHaveText(all)
    await expect(l.locator('[data-test=msg-text]')).toHaveText(all)
    expect(await z.evaluate((id) => localStorage.getItem('tack.chat.outbox.' + id), zhang.id)).toBeNull()
    // What the server holds: each once, in the order written.
    const page = await call(request, 'GET', `/api/v1/chat/conversations/${g.id}/messages`, lt)
    expect(page.items.map((m: { body: string }) => m.body)).toEqual(all)
    // And after another reload nothing is sent again.
    await z.reload()
    await expect(z.locator('[data-test=msg-text]')).toHaveText(all)
    await expect(z.locator('[data-test=msg-pending]')).toHaveCount(0)
    await z.context().close()
    await l.context().close()
  }
})
