// The head's decision on a field punch reaches the employee: 李娜 sends a
// field punch from her phone and keeps 我的考勤 open; 林主管 rejects it on
// his desktop board with a reason; her page says so at once (event stream),
// the punch shows 已驳回 with his words, and the bell has the notice. Then
// on her desktop the same record. Screenshots: artifacts/attendance-review-*.png.
import { test, expect } from '@playwright/test'
import { call, salesTeam, signedIn, PHONE, DESKTOP, noSideScroll, PHOTO } from '../lib'

const OFFICE = { latitude: 31.2304, longitude: 121.4737 }
test('the employee is told the head rejected her field punch, with his reason', async ({ browser, request, baseURL }) => {
  const team = await salesTeam(request, 'attr.test')
  await call(request, 'POST', '/api/v1/attendance/places', team.token,
    { name: '总部大楼', lat: OFFICE.latitude, lng: OFFICE.longitude, coords: 'wgs84', radius_m: 200 })

  // 李娜 at the customer's, 3 km away: a field punch with a photo and a note.
  const emp = await signedIn(browser, baseURL!, 'emp@attr.test', { ...PHONE, permissions: ['geolocation'],
    geolocation: { latitude: OFFICE.latitude + 0.027, longitude: OFFICE.longitude, accuracy: 15 } })
  const page = await emp.newPage()
  await page.goto('/attendance')
  await page.locator('[data-test="punch-btn"]').click()
  await expect(page.locator('[data-test="field-form"]')).toBeVisible()
  await page.locator('[data-test="field-note"]').fill('客户现场安装调试')
  await page.locator('[data-test="field-photo"]').setInputFiles({ name: 'site.jpg', mimeType: 'image/jpeg', buffer: PHOTO })
  await page.locator('[data-test="field-submit"]').click()
  await expect(page.locator('[data-test="punch-row"]')).toHaveCount(1)
  await expect(page.locator('[data-test="punch-row"]').first()).toContainText('待查看')

  // 林主管 rejects it on his desktop board and says why.
  const head = await signedIn(browser, baseURL!, 'head@attr.test', DESKTOP)
  const hd = await head.newPage()
  await hd.goto('/attendance/team')
  const row = hd.locator(`[data-test="board-row-${team.emp.id}"]`)
  await row.locator('[data-test="review-reject"]').click()
  const box = hd.locator('.el-message-box')
  await expect(box).toContainText('驳回后员工会收到通知')
  await box.locator('textarea').fill('照片看不清地点，请重新拍一张门牌')
  await hd.screenshot({ path: 'artifacts/attendance-review-desktop-reject.png' })
  await box.getByRole('button', { name: '驳回' }).click()
  await expect(row.locator('[data-test="board-field-punch"]')).toContainText('已驳回')

  // Her open page hears it without a reload.
  await expect(page.locator('[data-test="punch-message"]')).toContainText('主管驳回了你的外勤打卡')
  await expect(page.locator('[data-test="punch-row"]').first()).toContainText('已驳回')
  await expect(page.locator('[data-test="review-reason"]')).toContainText('主管意见：照片看不清地点，请重新拍一张门牌')
  await noSideScroll(page, 'attendance-review: my attendance, rejected field punch')
  await page.screenshot({ path: 'artifacts/attendance-review-phone-told.png', fullPage: true })

  // The bell: the notice in her words.
  await page.goto('/notifications')
  await expect(page.getByText('你的外勤打卡已驳回：').first()).toBeVisible()
  await noSideScroll(page, 'attendance-review: notifications')
  await page.screenshot({ path: 'artifacts/attendance-review-phone-bell.png', fullPage: true })

  // Her desktop shows the same record.
  const empDesk = await signedIn(browser, baseURL!, 'emp@attr.test', DESKTOP)
  const ed = await empDesk.newPage()
  await ed.goto('/attendance')
  await expect(ed.locator('[data-test="review-reason"]')).toContainText('照片看不清地点')
  await ed.screenshot({ path: 'artifacts/attendance-review-desktop-mine.png', fullPage: true })
})
