// Chat end to end with three people in their own browser contexts: a direct
// chat, a group with an @mention, read receipts changing live, and a
// temporary group dissolved by its owner; 王芳 is on a phone (390 px).
import { test, expect } from '@playwright/test'
import { call, PASSWORD, pickPerson, setupCompany, signedIn } from '../lib'

const phone = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }
const desktop = { viewport: { width: 1280, height: 800 } }

test('direct chat, group mention, live receipts, dissolve', async ({ browser, request, baseURL }) => {
  const setup = await setupCompany(request, 'chat.test')
  const mk = async (email: string, name: string, roles: string[], dept: string) =>
    (await call(request, 'POST', '/api/v1/users', setup.token, { email, name, department_id: dept, title: '工程师',
      phone: '139' + String(Math.random()).slice(2, 10), roles, password: PASSWORD })).user
  const rd = await call(request, 'POST', '/api/v1/departments', setup.token, { name: '研发部', parent_id: setup.root.id })
  const zhang = await mk('zhang@chat.test', '张伟', ['dept_head'], rd.id)
  const li = await mk('li@chat.test', '李娜', [], rd.id)
  const wang = await mk('wang@chat.test', '王芳', [], rd.id)

  const z = await (await signedIn(browser, baseURL!, 'zhang@chat.test', desktop)).newPage()
  const l = await (await signedIn(browser, baseURL!, 'li@chat.test', desktop)).newPage()
  const w = await (await signedIn(browser, baseURL!, 'wang@chat.test', phone)).newPage()
  await z.goto('/chat')
  await l.goto('/chat')
  await w.goto('/')
  // Every person is already in the all-staff and the department group.
  await expect(z.locator('[data-title="研发部"]')).toBeVisible()

  // 李娜 starts a direct chat with 张伟 and writes; his list and badge go up live.
  await l.click('[data-test=chat-new]')
  await l.click('[data-test=chat-new-direct]')
  await pickPerson(l, l.locator('[data-test=chat-people]'), '张伟')
  await l.click('[data-test=chat-create]')
  await expect(l.locator('[data-test=chat-title]')).toContainText('张伟')
  await l.locator('[data-test=chat-input]').fill('张总，周报已经发你了')
  await l.keyboard.press('Enter')
  await expect(l.locator('[data-test=msg-text]').last()).toHaveText('张总，周报已经发你了')
  await expect(l.locator('[data-test=receipt-1]')).toHaveText('1 人未读')
  const direct = z.locator('[data-title="李娜"]')
  await expect(direct.locator('.el-badge__content')).toHaveText('1')
  await expect(z.locator('[data-test=nav-chat-unread]')).toContainText('1')
  await expect(z).toHaveTitle(/^\(1\) /) // the window title counts it too
  await direct.click()
  await expect(z.locator('[data-test=msg-text]').last()).toHaveText('张总，周报已经发你了')
  await expect(z).toHaveTitle(/^消息/)
  // Her receipt turns to 全部已读 without a reload.
  await expect(l.locator('[data-test=receipt-1]')).toHaveText('全部已读')
  await z.locator('[data-test=chat-input]').fill('收到，谢谢')
  await z.locator('[data-test=chat-send]').click()
  await expect(l.locator('[data-test=msg-text]').last()).toHaveText('收到，谢谢')

  // 张伟 creates a temporary group and mentions 王芳.
  await z.click('[data-test=chat-new]')
  await z.click('[data-test=chat-new-group]')
  await z.fill('[data-test=group-name]', '需求评审')
  await pickPerson(z, z.locator('[data-test=chat-people]'), '李娜')
  await pickPerson(z, z.locator('[data-test=chat-people]'), '王芳')
  await z.click('[data-test=group-name]') // close the picker
  await z.click('[data-test=chat-create]')
  await expect(z.locator('[data-test=chat-title]')).toContainText('需求评审')
  const input = z.locator('[data-test=chat-input]')
  await input.fill('下午三点评审 @')
  await z.click('[data-test=mention-' + wang.id + ']')
  await input.pressSequentially('请准备原型')
  await input.press('Enter')
  const mine = z.locator('[data-test=msg-1]')
  await expect(mine.locator('.tk-at')).toHaveText('@王芳')
  await expect(z.locator('[data-test=receipt-1]')).toHaveText('2 人未读')

  // 王芳, on her phone: the 消息 tab shows the unread total; the list marks the mention.
  await expect(w.locator('[data-test=tab-chat-unread] .el-badge__content')).toBeVisible()
  await w.click('[data-test=tab-messages]')
  const group = w.locator('[data-title="需求评审"]')
  await expect(group).toContainText('[有人@我]')
  await w.screenshot({ path: 'artifacts/chat-phone-list.png' })
  await group.click()
  await expect(w.locator('[data-test=chat-pane]')).toBeVisible()
  await expect(w.locator('[data-test=msg-1] .tk-at')).toHaveText('@王芳')
  // Read receipts change live on 张伟's screen: 王芳 read it.
  await expect(z.locator('[data-test=receipt-1]')).toHaveText('1 人未读')
  await w.locator('[data-test=chat-input]').fill('好的，三点见')
  await w.locator('[data-test=chat-send]').click()
  await expect(z.locator('[data-test=msg-text]').last()).toHaveText('好的，三点见')
  await w.screenshot({ path: 'artifacts/chat-phone-conversation.png' })

  // The popover lists who has not read it yet.
  await z.click('[data-test=receipt-1]')
  await expect(z.locator('[data-test=receipt-unread]:visible')).toHaveText('李娜')
  await expect(z.locator('[data-test=receipt-read]:visible')).toHaveText('王芳')
  await z.screenshot({ path: 'artifacts/chat-desktop-receipts.png' })
  await z.keyboard.press('Escape')
  // 李娜 opens the group: all read.
  await l.goto('/chat')
  await l.locator('[data-title="需求评审"]').click()
  await expect(z.locator('[data-test=receipt-1]')).toHaveText('全部已读')

  // 王芳 goes back to the list with the back button.
  await w.click('[data-test=chat-back]')
  await expect(w.locator('[data-title="需求评审"]')).toBeVisible()

  // The owner dissolves the group: read-only for everyone, live.
  await z.click('[data-test=chat-settings]')
  await z.click('[data-test=settings-dissolve]')
  await z.locator('.el-message-box__btns .el-button--primary').click()
  await expect(z.locator('[data-test=chat-archived]')).toBeVisible()
  await expect(l.locator('[data-test=chat-archived]')).toBeVisible()
  await expect(l.locator('[data-test=chat-input]')).toHaveCount(0)
  await expect(l.locator('[data-test=msg-text]').first()).toContainText('下午三点评审')
  await z.screenshot({ path: 'artifacts/chat-desktop.png' })

  // The API agrees: nobody posts any more; the history stays.
  const zt = (await call(request, 'POST', '/api/v1/auth/login', '', { email: 'zhang@chat.test', password: PASSWORD })).token
  const convs = (await call(request, 'GET', '/api/v1/chat/conversations', zt)).items as { id: string; title: string; archived_at: string | null }[]
  const g = convs.find((c) => c.title === '需求评审')!
  expect(g.archived_at).toBeTruthy()
  const r = await request.post('/api/v1/chat/conversations/' + g.id + '/messages', { data: { body: 'x' }, headers: { Authorization: 'Bearer ' + zt, 'X-Tack-Request': '1' } })
  expect(r.status()).toBe(409)
  void li
  void zhang
})
