// Computer backups for administrators: two desktops report their sync
// agents' status over the heartbeat API (one backed up an hour ago, one with
// a folder that stopped and no backup for two days), and the admin page
// (Admin → 电脑备份) lists the one behind first, with the reason, and filters
// to the computers behind. A member is kept out of the page and the API.
import { test, expect } from '@playwright/test'
import { call, salesTeam, signedInPage } from '../lib'

test('an admin sees which desktops have not backed up for a day', async ({ browser, baseURL, request }) => {
  const team = await salesTeam(request, 'backup.test')
  const hour = 3600e3
  await call(request, 'POST', '/api/v1/sync/devices/heartbeat', team.empToken, {
    device_key: 'lina-laptop-0001', name: 'LINA-LAPTOP', client: 'desktop 1.0',
    pairs: [{ pair_id: 'p1', local_path: 'C:\\Users\\lina\\Documents', state: 'stopped', error: 'sync: load index: primary key required',
      last_sync: new Date(Date.now() - 48 * hour).toISOString(), skipped: 2, pending_delete: 0 }],
  })
  await call(request, 'POST', '/api/v1/sync/devices/heartbeat', team.token, {
    device_key: 'front-desk-0001', name: 'FRONT-DESK', client: 'tack sync 1.0',
    pairs: [{ pair_id: 'p2', local_path: '/home/wang/合同', state: 'synced', last_sync: new Date(Date.now() - hour).toISOString(), skipped: 0, pending_delete: 0 }],
  })

  const page = await signedInPage(browser, baseURL!, 'admin@backup.test')
  await page.goto('/admin/users')
  await page.click('[data-test=admin-tab-backups]')
  await expect(page).toHaveURL(/\/admin\/backups$/)
  const rows = page.locator('[data-test=devices-table] .el-table__body tr')
  await expect(rows).toHaveCount(2)
  await expect(rows.nth(0)).toContainText('李娜')
  await expect(rows.nth(0)).toContainText('LINA-LAPTOP')
  await expect(rows.nth(0)).toContainText('超过一天未备份')
  await expect(rows.nth(0)).toContainText('1 个文件夹已停止')
  await expect(rows.nth(0)).toContainText('2 个文件未能备份')
  await expect(rows.nth(0)).toContainText('原因：sync: load index: primary key required')
  await expect(rows.nth(1)).toContainText('FRONT-DESK')
  await expect(rows.nth(1)).toContainText('正常')
  await expect(page.locator('body')).not.toContainText(/\bsync\.[a-z]+\.[a-z]/)
  await page.screenshot({ path: 'artifacts/sync-devices.png', fullPage: true })
  await page.click('[data-test=devices-behind]')
  await expect(rows).toHaveCount(1)
  await expect(rows.nth(0)).toContainText('LINA-LAPTOP')

  // On a phone.
  const phone = await signedInPage(browser, baseURL!, 'admin@backup.test', { viewport: { width: 390, height: 844 }, isMobile: true })
  await phone.goto('/admin/backups')
  await expect(phone.locator('[data-test=devices-table] .el-table__body tr').nth(0)).toContainText('李娜')
  await phone.screenshot({ path: 'artifacts/sync-devices-phone.png', fullPage: true })

  // A member: no page, no API.
  const emp = await signedInPage(browser, baseURL!, 'emp@backup.test')
  await emp.goto('/admin/backups')
  await expect(emp).not.toHaveURL(/\/admin\/backups$/)
  const r = await request.get('/api/v1/sync/devices', { headers: { Authorization: 'Bearer ' + team.empToken } })
  expect(r.status()).toBe(403)
})
