// Meeting rooms end to end: an administrator adds rooms in the rooms dialog
// (a second room with a taken name is refused in Chinese and nothing is
// added), changes one, removes one, and the room calendar offers what is
// left; an employee has no rooms dialog and the API refuses them.
// Self-contained against the harness's baseURL (fresh data dir per spec).
import { test, expect, type Page } from '@playwright/test'
import { call, PASSWORD, setupCompany, signedInPage } from '../lib'

async function addRoom(p: Page, name: string, capacity: number, location = '', equipment = '') {
  await p.fill('[data-test=room-name]', name)
  await p.locator('[data-test=room-capacity] input').fill(String(capacity))
  await p.fill('[data-test=room-location]', location)
  await p.fill('[data-test=room-equipment]', equipment)
  await p.click('[data-test=room-add]')
}

test('rooms: added, a taken name refused, changed, removed; employees cannot manage them', async ({ browser, request, baseURL }) => {
  const setup = await setupCompany(request, 'rooms.test')
  await call(request, 'POST', '/api/v1/users', setup.token, { email: 'emp@rooms.test', name: '李娜', department_id: setup.root.id, title: '销售',
    phone: '13900002222', roles: [], password: PASSWORD })
  const opts = { viewport: { width: 1280, height: 800 }, locale: 'zh-CN' }

  const admin = await signedInPage(browser, baseURL!, 'admin@rooms.test', opts)
  await admin.goto('/meetings')
  await admin.click('[data-test=manage-rooms]')
  const table = admin.locator('[data-test=rooms-table]')
  await addRoom(admin, '松山厅', 8, '3 楼东侧', '投影仪，白板')
  await expect(table.locator('.el-table__row', { hasText: '松山厅' })).toContainText('投影仪、白板')
  await expect(table.locator('.el-table__row', { hasText: '松山厅' })).toContainText('3 楼东侧')

  // The same name again: refused, said in Chinese, nothing added.
  await addRoom(admin, '松山厅', 4)
  await expect(admin.locator('[data-test=room-error]')).toContainText('已有同名会议室')
  await expect(table.locator('.el-table__row')).toHaveCount(1)
  await admin.screenshot({ path: 'artifacts/meetings-rooms-taken.png' })

  // Another room, changed, then removed.
  await addRoom(admin, '电话间', 2, '3 楼')
  await expect(admin.locator('[data-test=room-error]')).toBeHidden()
  await expect(table.locator('.el-table__row')).toHaveCount(2)
  await admin.click('[data-test="room-edit-电话间"]')
  await expect(admin.locator('[data-test=room-name]')).toHaveValue('电话间')
  await admin.locator('[data-test=room-capacity] input').fill('3')
  await admin.click('[data-test=room-add]')
  await expect(table.locator('.el-table__row', { hasText: '电话间' })).toContainText('3')
  const rooms = (await call(request, 'GET', '/api/v1/rooms', setup.token)).items as { name: string; capacity: number }[]
  expect(rooms.find((r) => r.name === '电话间')?.capacity).toBe(3)
  await admin.screenshot({ path: 'artifacts/meetings-rooms.png' })
  await admin.click('[data-test="room-remove-电话间"]')
  await admin.locator('.el-message-box .el-button--primary').click()
  await expect(table.locator('.el-table__row')).toHaveCount(1)
  await admin.keyboard.press('Escape')

  // The room calendar offers the room that is left.
  await admin.locator('[data-test=source]').getByText('会议室', { exact: true }).click()
  await admin.locator('[data-test=room-pick]').click()
  await expect(admin.locator('.el-select-dropdown__item:visible')).toHaveText(['松山厅 (8)'])

  // An employee books rooms but does not manage them.
  const emp = await signedInPage(browser, baseURL!, 'emp@rooms.test', opts)
  await emp.goto('/meetings')
  await expect(emp.locator('[data-test=book]')).toBeVisible()
  await expect(emp.locator('[data-test=manage-rooms]')).toHaveCount(0)
  const r = await emp.request.post('/api/v1/rooms', { data: { name: '私人会议室', capacity: 2 } })
  expect(r.status()).toBe(403)
  expect((await call(request, 'GET', '/api/v1/rooms', setup.token)).items).toHaveLength(1)
})
