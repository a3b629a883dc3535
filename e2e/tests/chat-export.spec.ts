// The administrator's export of any conversation: 王管理 is in none of the
// chats of 张伟 and 李娜, finds their direct chat and their group by a
// person's name, narrows to groups, and downloads the group as Excel and the
// direct chat as JSON; each export is in the audit log. On a phone (390 px)
// and on the desktop; an employee is refused the list.
import { test, expect } from '@playwright/test'
import { readFileSync } from 'node:fs'
import { call, PASSWORD, setupCompany, signedInPage } from '../lib'

const phone = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }

test('an administrator finds and exports conversations they are not in', async ({ browser, request, baseURL }) => {
  const setup = await setupCompany(request, 'chatexport.test')
  const mk = async (email: string, name: string) =>
    (await call(request, 'POST', '/api/v1/users', setup.token, { email, name, department_id: setup.root.id, title: '工程师',
      phone: '139' + String(Math.random()).slice(2, 10), roles: [], password: PASSWORD })).user
  await mk('zhang@chatexport.test', '张伟')
  const li = await mk('li@chatexport.test', '李娜')
  const zt = (await call(request, 'POST', '/api/v1/auth/login', '', { email: 'zhang@chatexport.test', password: PASSWORD })).token as string
  const g = await call(request, 'POST', '/api/v1/chat/conversations', zt, { kind: 'temporary', name: '合同评审小组', member_ids: [li.id] })
  const d = await call(request, 'POST', '/api/v1/chat/direct', zt, { user_id: li.id })
  for (const body of ['合同第三条需要修改', '=SUM(A1:A3)']) await call(request, 'POST', `/api/v1/chat/conversations/${g.id}/messages`, zt, { body })
  await call(request, 'POST', `/api/v1/chat/conversations/${d.id}/messages`, zt, { body: '私下说一句' })

  // An employee may not list the company's conversations.
  const r = await request.get('/api/v1/chat/admin/conversations', { headers: { Authorization: 'Bearer ' + zt } })
  expect(r.status()).toBe(403)

  for (const [name, opts] of [['desktop', {}], ['phone', phone]] as const) {
    const p = await signedInPage(browser, baseURL!, 'admin@chatexport.test', opts)
    await p.goto('/admin/chat')
    const box = p.locator('[data-test=chat-export-admin]')
    await expect(box).toContainText('导出任意会话')
    await box.getByPlaceholder('群名或成员姓名').fill('李娜')
    await box.locator('[data-test=chat-find-go]').click()
    const items = box.locator('[data-test=chat-find-item]')
    await expect(items).toHaveCount(3) // found by a member's name: the group, the direct chat and the all-staff group
    await expect(items.filter({ hasText: '合同评审小组' })).toContainText('2 条消息')
    await expect(items.filter({ hasText: '张伟 · 李娜' })).toContainText('单聊')
    await expect(items.filter({ hasText: '全员群' })).toContainText('示例科技')
    await expect(box.locator('[data-test=chat-find-go]')).not.toHaveClass(/is-loading/)
    await box.locator('[data-test=chat-find-kind]').scrollIntoViewIfNeeded()
    await p.screenshot({ path: `../docs/screenshots/chat-export-${name}.png` })

    // Only groups of the temporary kind.
    await box.locator('[data-test=chat-find-kind]').click()
    await p.locator('.el-select-dropdown__item:visible', { hasText: '临时群' }).click()
    await expect(items).toHaveCount(1)
    const xlsx = p.waitForEvent('download')
    await items.first().locator('[data-test=chat-find-xlsx]').click()
    const x = await xlsx
    expect(x.suggestedFilename()).toMatch(new RegExp(`^chat-${g.id}-\\d{8}-\\d{6}\\.xlsx$`))
    expect(readFileSync(await x.path()).subarray(0, 2).toString()).toBe('PK') // a zip: the workbook

    await box.locator('[data-test=chat-find-kind]').click()
    await p.locator('.el-select-dropdown__item:visible', { hasText: '单聊' }).click()
    await expect(items).toHaveCount(1)
    const json = p.waitForEvent('download')
    await items.first().locator('[data-test=chat-find-json]').click()
    const doc = JSON.parse(readFileSync(await (await json).path()).toString())
    expect(doc.conversation.id).toBe(d.id)
    expect(doc.messages.map((m: { body: string }) => m.body)).toEqual(['私下说一句'])
    await p.context().close()
  }
  // Every download is audited: two per viewport.
  const audit = await call(request, 'GET', '/api/v1/audit?action=chat.export', setup.token)
  expect(audit.items).toHaveLength(4)
})
