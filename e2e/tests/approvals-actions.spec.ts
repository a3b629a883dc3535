// The approver's other actions end to end, all in the UI: bulk approve from
// the to-do list, transfer (转交) to a colleague who then approves, return
// (退回) from the general manager to the department head, and withdraw
// (撤销) by the applicant while it is pending; a finished request offers no
// more actions.
// Self-contained: the first-run setup and the people go through the API
// against the harness's baseURL (fresh data dir per spec).
import { test, expect, type APIRequestContext, type Browser, type Page } from '@playwright/test'
import { call, salesTeam, signedInPage, submitLeave } from '../lib'

const page = (browser: Browser, baseURL: string, email: string) =>
  signedInPage(browser, baseURL, email, { viewport: { width: 1280, height: 800 }, locale: 'zh-CN' })

// el-input puts data-test on the textarea itself.
const area = (p: Page, name: string) => p.locator(`textarea[data-test=${name}]`)

const status = async (req: APIRequestContext, tok: string, id: string) => (await call(req, 'GET', '/api/v1/approvals/' + id, tok)).status

test('bulk approve, transfer, return to the department head, withdraw', async ({ browser, request, baseURL }) => {
  const team = await salesTeam(request, 'act.test')
  await team.mk('deputy@act.test', '赵六', '销售副总监', [], team.sales.id)
  const empTok = team.empToken
  const submit = (start: string, end: string, reason: string) => submitLeave(request, empTok, start, end, reason)
  const a = await submit('2026-12-14', '2026-12-14', '办理证件')
  const b = await submit('2026-12-15', '2026-12-15', '家中有事')
  const c = await submit('2026-12-16', '2026-12-16', '看病')
  const long = await submit('2026-12-21', '2026-12-25', '回老家') // 5 days: the head, then the general manager

  // The head approves two at once from the to-do list.
  const hd = await page(browser, baseURL!, 'head@act.test')
  await hd.goto('/approvals')
  await expect(hd.locator('[data-test=todo-count]')).toContainText('4')
  const list = hd.locator('[data-test=approval-list]')
  for (const x of [a, b]) await list.locator('.el-table__row', { hasText: x.number }).locator('.el-checkbox').click()
  await hd.click('[data-test=bulk-approve]')
  const bulk = hd.locator('[data-test=bulk-dialog]')
  await expect(bulk).toContainText(a.number)
  await expect(bulk).toContainText(b.number)
  await area(hd, 'bulk-comment').fill('同意')
  await hd.waitForTimeout(300) // the dialog's fade-in, for the screenshot
  await hd.screenshot({ path: 'artifacts/approvals-bulk.png' })
  await hd.click('[data-test=bulk-confirm]')
  await expect(hd.locator('.el-message').last()).toContainText('已同意 2/2 条')
  await expect(hd.locator('[data-test=todo-count]')).toContainText('2')
  expect(await status(request, empTok, a.id)).toBe('approved')
  expect(await status(request, empTok, b.id)).toBe('approved')

  // The head hands the third to the deputy, who approves it.
  await hd.goto('/approvals/' + c.id)
  await hd.click('[data-test=transfer]')
  await hd.locator('[data-test=pick-user]').click()
  await hd.locator('.el-select-dropdown__item:visible', { hasText: '赵六' }).click()
  await area(hd, 'comment').fill('这周我出差，请赵六处理')
  // The deputy's list below must be read after the transfer is saved: wait for its answer.
  const transferred = hd.waitForResponse((r) => r.url().endsWith(`/api/v1/approvals/${c.id}/transfer`) && r.request().method() === 'POST')
  await hd.click('[data-test=dialog-ok]')
  expect((await transferred).ok()).toBeTruthy()
  await expect(hd.locator('[data-test=timeline]')).toContainText('转交给 赵六')
  await expect(hd.locator('[data-test=waiting]')).toContainText('赵六')
  await expect(hd.locator('[data-test=approve]')).toBeHidden() // no longer the head's turn (a comment still can be left)
  const deputy = await page(browser, baseURL!, 'deputy@act.test')
  // The list the deputy sees is the one fetched after that (not one from before it).
  const listed = deputy.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/approvals' && r.request().method() === 'GET')
  await deputy.goto('/approvals')
  expect((await listed).ok()).toBeTruthy()
  await expect(deputy.locator('[data-test=approval-list]')).toContainText(c.number)
  await deputy.goto('/approvals/' + c.id)
  await deputy.click('[data-test=approve]')
  await expect(deputy.locator('[data-test=status]')).toHaveText('已通过')
  await expect(deputy.locator('[data-test=actions]')).toBeHidden() // finished: nothing more to do

  // The long leave: the head approves, the general manager sends it back to the head.
  await hd.goto('/approvals/' + long.id)
  await hd.click('[data-test=approve]')
  await expect(hd.locator('[data-test=waiting]')).toContainText('王总')
  const boss = await page(browser, baseURL!, 'gm@act.test')
  await boss.goto('/approvals/' + long.id)
  await boss.click('[data-test=return]')
  await boss.locator('[data-test=return-to]').click()
  await boss.locator('.el-select-dropdown__item:visible', { hasText: '部门负责人' }).click()
  await area(boss, 'comment').fill('年底项目多，请再确认交接安排')
  await boss.click('[data-test=dialog-ok]')
  await expect(boss.locator('[data-test=timeline]')).toContainText('退回到 部门负责人')
  await expect(boss.locator('[data-test=timeline]')).toContainText('年底项目多，请再确认交接安排')
  await expect(boss.locator('[data-test=waiting]')).toContainText('林主管')
  await boss.screenshot({ path: 'artifacts/approvals-returned.png', fullPage: true })

  // The applicant withdraws it while it waits: it is finished and offers no more actions.
  const emp = await page(browser, baseURL!, 'emp@act.test')
  await emp.goto('/approvals/' + long.id)
  await emp.click('[data-test=withdraw]')
  await emp.locator('.el-message-box').getByRole('button', { name: '确定' }).click()
  await expect(emp.locator('[data-test=status]')).toHaveText('已撤销')
  await expect(emp.locator('[data-test=timeline]')).toContainText('撤销了申请')
  await expect(emp.locator('[data-test=actions]')).toBeHidden()
  await hd.goto('/approvals')
  await expect(hd.locator('[data-test=todo-count]')).toBeHidden() // nothing left for the head
  expect(await status(request, empTok, long.id)).toBe('withdrawn')

  // Started by me: every request with its outcome.
  await emp.goto('/approvals?box=mine')
  const mine = emp.locator('[data-test=approval-list]')
  await expect(mine.locator('.el-table__row')).toHaveCount(4)
  await expect(mine.locator('.el-table__row', { hasText: long.number })).toContainText('已撤销')
  await expect(mine.locator('.el-table__row', { hasText: c.number })).toContainText('已通过')
})
