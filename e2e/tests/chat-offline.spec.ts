// Sending while offline: 张伟 writes two messages with the browser offline
// (context.setOffline); they wait as 等待网络 with their idempotency keys and
// go out in order, once each, when the network is back. On a 390 px phone.
import { test, expect } from '@playwright/test'
import { call, PASSWORD, setupCompany, signedInPage } from '../lib'

const phone = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }

test('messages written offline are sent when the network is back', async ({ browser, request, baseURL }) => {
  const setup = await setupCompany(request, 'chatoffline.test')
  const mk = async (email: string, name: string) =>
    (await call(request, 'POST', '/api/v1/users', setup.token, { email, name, department_id: setup.root.id, title: '工程师',
      phone: '139' + String(Math.random()).slice(2, 10), roles: [], password: PASSWORD })).user
  await mk('zhang@chatoffline.test', '张伟')
  const li = await mk('li@chatoffline.test', '李娜')
  const zt = (await call(request, 'POST', '/api/v1/auth/login', '', { email: 'zhang@chatoffline.test', password: PASSWORD })).token as string
  const g = await call(request, 'POST', '/api/v1/chat/conversations', zt, { kind: 'temporary', name: '外勤小组', member_ids: [li.id] })
  await call(request, 'POST', `/api/v1/chat/conversations/${g.id}/messages`, zt, { body: '出发前的消息' })

  const z = await signedInPage(browser, baseURL!, 'zhang@chatoffline.test', phone)
  await z.goto('/chat/' + g.id)
  await expect(z.locator('[data-test=msg-text]').last()).toHaveText('出发前的消息')
  await z.context().setOffline(true)
  for (const body of ['电梯里没信号', '到客户楼下了']) {
    await z.locator('[data-test=chat-input]').fill(body)
    await z.locator('[data-test=chat-send]').click()
  }
  await expect(z.locator('[data-test=msg-queued]')).toHaveCount(2)
  await z.screenshot({ path: '../docs/screenshots/chat-phone-offline.png' })
  await z.context().setOffline(false)
  await expect(z.locator('[data-test=msg-pending]')).toHaveCount(0)
  await expect(z.locator('[data-test=msg-text]')).toHaveText(['出发前的消息', '电梯里没信号', '到客户楼下了'])
  // What the others read: each once, in the order written.
  const lt = (await call(request, 'POST', '/api/v1/auth/login', '', { email: 'li@chatoffline.test', password: PASSWORD })).token as string
  const page = await call(request, 'GET', `/api/v1/chat/conversations/${g.id}/messages`, lt)
  expect(page.items.map((m: { body: string }) => m.body)).toEqual(['出发前的消息', '电梯里没信号', '到客户楼下了'])
})
