// Chat search end to end: 李娜 finds a two-character Chinese word in an old
// message of a long group chat, opens it in context (highlighted, the
// newest messages not loaded yet) and goes back to the newest; a recalled
// message is not found; on a phone (390 px) the search fills the screen.
import { test, expect } from '@playwright/test'
import { call, PASSWORD, setupCompany, signedInPage } from '../lib'

const phone = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }

test('search messages and open one in context', async ({ browser, request, baseURL }) => {
  const setup = await setupCompany(request, 'chatsearch.test')
  const mk = async (email: string, name: string) =>
    (await call(request, 'POST', '/api/v1/users', setup.token, { email, name, department_id: setup.root.id, title: '工程师',
      phone: '139' + String(Math.random()).slice(2, 10), roles: [], password: PASSWORD })).user
  const zhang = await mk('zhang@chatsearch.test', '张伟')
  const li = await mk('li@chatsearch.test', '李娜')
  const zt = (await call(request, 'POST', '/api/v1/auth/login', '', { email: 'zhang@chatsearch.test', password: PASSWORD })).token as string
  const g = await call(request, 'POST', '/api/v1/chat/conversations', zt, { kind: 'temporary', name: '季度项目组', member_ids: [li.id] })
  const post = (body: string) => call(request, 'POST', `/api/v1/chat/conversations/${g.id}/messages`, zt, { body })
  await post('大家好')
  const target = await post('第三季度的预算表在共享盘里')
  const secret = await post('这条预算说错了')
  for (let i = 0; i < 70; i++) await post('进展 ' + i)
  await call(request, 'POST', `/api/v1/chat/messages/${secret.id}/recall`, zt)
  expect(zhang.id).toBeTruthy()

  for (const [name, opts] of [['desktop', {}], ['phone', phone]] as const) {
    const l = await signedInPage(browser, baseURL!, 'li@chatsearch.test', opts)
    await l.goto('/chat')
    await l.locator('[data-test=chat-search]').click()
    await l.locator('[data-test=chat-search-input]').fill('预算')
    await l.locator('[data-test=chat-search-go]').click()
    const hits = l.locator('[data-test^=chat-hit-]')
    await expect(hits).toHaveCount(1) // the recalled one is not found
    await expect(hits.first()).toContainText('第三季度的预算表在共享盘里')
    await expect(hits.first()).toContainText('季度项目组')
    await l.screenshot({ path: `test-results/chat-search-${name}.png` })
    await hits.first().click()
    const found = l.locator(`[data-test=msg-${target.seq}]`)
    await expect(found).toHaveClass(/found/)
    await expect(found).toBeInViewport()
    await expect(l.locator(`[data-test=msg-${target.seq + 70}]`)).toHaveCount(0) // newest not loaded yet
    await l.screenshot({ path: `test-results/chat-search-context-${name}.png` })
    await l.locator('[data-test=chat-latest]').click()
    await expect(l.locator(`[data-test=msg-${target.seq + 71}]`)).toBeVisible()
    await l.context().close()
  }
})
