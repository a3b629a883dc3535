// Approvals administration end to end: the admin designs a new request type
// in the template designer (a choice, a money field, a condition on the
// amount that adds the general manager), an employee sees the route follow
// the amount; the admin marks a holiday week in the working calendar, and a
// leave across it counts only working days.
import { test, expect, type Browser, type Locator } from '@playwright/test'
import { call, PASSWORD, setupCompany, signedInPage } from '../lib'

const page = (browser: Browser, baseURL: string, email: string) =>
  signedInPage(browser, baseURL, email, { viewport: { width: 1280, height: 900 }, locale: 'zh-CN' })

test('designer: a new type routes by amount; calendar: a holiday week is not leave', async ({ browser, request, baseURL }) => {
  const setup = await setupCompany(request, 'apa.test')
  const tok = setup.token
  const mk = async (email: string, name: string, roles: string[], dept: string) =>
    (await call(request, 'POST', '/api/v1/users', tok, { email, name, department_id: dept, title: '员工', phone: '139' + String(Math.random()).slice(2, 10), roles, password: PASSWORD })).user
  await mk('gm@apa.test', '王总', ['general_manager'], setup.root.id)
  const head = await mk('head@apa.test', '周主管', ['dept_head'], setup.root.id)
  const it = await call(request, 'POST', '/api/v1/departments', tok, { name: '信息部', parent_id: setup.root.id, head_id: head.id })
  await call(request, 'PATCH', '/api/v1/users/' + head.id, tok, { department_id: it.id, version: head.version })
  await mk('emp@apa.test', '刘工', [], it.id)

  // The admin designs "设备申领".
  const admin = await page(browser, baseURL!, 'admin@apa.test')
  // choose opens trigger's dropdown menu and picks item in it. The designer's
  // menus open upwards near the bottom of the window, and on a loaded machine a
  // menu could still be moving between Playwright's hit check and its click:
  // the click then chose a neighbouring item (a 明细 table instead of 单选). The
  // click event now goes to the item itself, in the menu labelled by the trigger.
  const choose = async (trigger: Locator, item: string) => {
    await trigger.click()
    const it = admin.locator(`[role=menu][aria-labelledby="${await trigger.getAttribute('id')}"]`).locator(item)
    await expect(it).toBeVisible()
    await it.dispatchEvent('click')
  }
  await admin.goto('/approvals/admin/templates')
  await admin.click('[data-test=new-template]')
  await admin.locator('[data-test=tpl-name-zh]').fill('设备申领')
  await admin.locator('[data-test=tpl-name-en]').fill('Equipment request')
  await admin.locator('[data-test=tpl-prefix]').fill('sb')
  await admin.getByRole('tab', { name: '表单设计' }).click()
  await choose(admin.locator('[data-test=add-field]'), '[data-test=add-field-select]')
  const row = admin.locator('[data-test=field-row-1]')
  await row.locator('[data-test=field-label-1]').fill('设备类型')
  await row.locator('input[placeholder="中文名称"]').nth(1).fill('笔记本电脑') // option 1
  await choose(admin.locator('[data-test=add-field]'), '[data-test=add-field-money]')
  await admin.locator('[data-test=field-label-2]').fill('预计金额')
  await admin.getByRole('tab', { name: '审批流程' }).click()
  await choose(admin.locator('[data-test=add-node]'), '[data-test=add-node-condition]')
  const cond = admin.locator('[data-test=node-condition]')
  await cond.locator('[data-test=branch-0] .el-select').nth(1).click() // the field of the first case
  await admin.locator('.el-select-dropdown__item:visible', { hasText: '预计金额' }).click()
  await cond.locator('[data-test=branch-0] .el-input-number input').fill('5000')
  await cond.locator('[data-test=branch-0] .el-input-number input').press('Tab')
  await choose(cond.locator('[data-test=branch-0] [data-test=add-branch-node]'), '[data-test=add-node-approver]')
  const gmNode = cond.locator('[data-test=branch-0] [data-test=node-step]')
  await gmNode.locator('[data-test=node-kind-step]').click()
  await admin.locator('.el-select-dropdown__item:visible', { hasText: '指定角色' }).click()
  await gmNode.locator('[data-test=node-role-step]').click()
  await admin.locator('.el-select-dropdown__item:visible', { hasText: '总经理' }).click()
  await admin.screenshot({ path: 'artifacts/approvals-designer.png', fullPage: true })
  await admin.click('[data-test=save-template]')
  await expect(admin.locator('.el-message--success')).toContainText('模板已创建')
  await expect(admin.locator('[data-test=tpl-SB]')).toBeVisible()

  // The employee: under 5,000 the head alone; from 5,000 the head, then the GM.
  const emp = await page(browser, baseURL!, 'emp@apa.test')
  await emp.goto('/approvals/new')
  await emp.getByText('设备申领').click()
  const route = emp.locator('[data-test=route]')
  await emp.locator('[data-test=field-reason] textarea').fill('新员工入职')
  await emp.locator('[data-test=field-money] input').fill('3200')
  await emp.locator('[data-test=field-money] input').press('Tab')
  await expect(route).toContainText('周主管')
  await expect(route).not.toContainText('王总')
  await emp.locator('[data-test=field-money] input').fill('8999')
  await emp.locator('[data-test=field-money] input').press('Tab')
  await expect(route).toContainText('王总')
  await emp.locator('[data-test=field-select] .el-select').click()
  await emp.locator('.el-select-dropdown__item:visible', { hasText: '笔记本电脑' }).click()
  await emp.click('[data-test=submit]')
  await expect(emp).toHaveURL(/\/approvals\/[0-9a-z]{26}$/)
  await expect(emp.locator('[data-test=detail-title]')).toHaveText('刘工的设备申领')
  await expect(emp.locator('[data-test=value-select]')).toHaveText('笔记本电脑')
  await expect(emp.locator('[data-test=value-money]')).toHaveText('¥8,999.00')
  await expect(emp.locator('.ap-meta')).toContainText(/SB-\d{4}-000001/)

  // The working calendar: the Spring Festival week off, a make-up Saturday.
  await admin.goto('/approvals/admin/calendar')
  await expect(admin).toHaveURL(/\/admin\/calendar$/) // the calendar moved to the admin settings
  const special = admin.locator('[data-test=special-days]')
  const pick = async (from: string, to: string) => {
    await special.getByRole('combobox', { name: '开始日期' }).fill(from)
    await special.getByRole('combobox', { name: '结束日期' }).fill(to)
    await special.getByRole('combobox', { name: '结束日期' }).press('Enter')
  }
  await pick('2027-02-08', '2027-02-12')
  await admin.locator('input[data-test=day-note]').fill('春节')
  await admin.click('[data-test=add-days]')
  await expect(admin.locator('[data-test=calendar-days] .el-table__row')).toHaveCount(5)
  await pick('2027-02-13', '2027-02-13')
  await admin.click('[data-test=kind-makeup]')
  await admin.click('[data-test=add-days]')
  await expect(admin.locator('[data-test=calendar-days] .el-table__row')).toHaveCount(6)
  await expect(admin.locator('[data-test=calendar-days]')).toContainText('调休（上班）')
  await admin.screenshot({ path: 'artifacts/approvals-calendar.png', fullPage: true })

  // Leave from Friday 5 Feb to Monday 15 Feb 2027: Fri 5, Sat 13 (make-up), Mon 15 = 3 working days.
  await emp.goto('/approvals/new')
  await emp.click('[data-test=template-leave]')
  const dates = emp.locator('[data-test=field-period] .el-date-editor input')
  await dates.nth(0).fill('2027-02-05')
  await dates.nth(0).press('Enter')
  await dates.nth(1).fill('2027-02-15')
  await dates.nth(1).press('Enter')
  await expect(emp.locator('[data-test=range-days]')).toContainText('3')
})
