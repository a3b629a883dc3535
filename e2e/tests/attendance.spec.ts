// Attendance on a phone (390×844) and a desktop (1280×800): the admin sets
// up the office (a place pasted from a Chinese map app in GCJ-02); 李娜
// punches inside the fence with Playwright's geolocation; outside it the
// punch turns into a field punch with a photo and a note; her head 林主管
// sees both on today's team board, with the photo, and confirms it.
// Screenshots: artifacts/attendance-<viewport>-<page>.png.
import { test, expect } from '@playwright/test'
import { call, salesTeam, signedIn, PHONE, DESKTOP, noSideScroll, PHOTO } from '../lib'

// The office in WGS-84 (what a phone's GPS reports)…
const OFFICE = { latitude: 31.2304, longitude: 121.4737 }
// …and as Amap shows it (GCJ-02, ~500 m away): what the admin pastes.
const OFFICE_GCJ = { lat: 31.228458, lng: 121.478223 }

test('punch inside the fence, a field punch outside, the head sees both', async ({ browser, request, baseURL }) => {
  const team = await salesTeam(request, 'att.test')
  const place = await call(request, 'POST', '/api/v1/attendance/places', team.token,
    { name: '总部大楼', lat: OFFICE_GCJ.lat, lng: OFFICE_GCJ.lng, coords: 'gcj02', radius_m: 200 })
  // Converted once: the stored point is the GPS one, within a few metres.
  expect(Math.abs(place.lat - OFFICE.latitude)).toBeLessThan(0.0002)
  expect(Math.abs(place.lng - OFFICE.longitude)).toBeLessThan(0.0002)
  // The default shift (08:30–17:30) counts punches from 06:00 to midnight, Shanghai
  // time; the board's "punched" counts only those. The run may be at any hour
  // (00:00–06:00 in Shanghai is 16:00–22:00 UTC): widen the window to the most a
  // shift allows (12 h each side), so today's punches count whenever it runs.
  const shift = (await call(request, 'GET', '/api/v1/attendance/shifts', team.token)).items[0]
  await call(request, 'PUT', '/api/v1/attendance/shifts/' + shift.id, team.token, { ...shift, earliest_in_min: 720, latest_out_min: 720 })

  // 李娜 on her phone, 80 m from the office.
  const emp = await signedIn(browser, baseURL!, 'emp@att.test', { ...PHONE, permissions: ['geolocation'],
    geolocation: { latitude: OFFICE.latitude + 0.0007, longitude: OFFICE.longitude, accuracy: 25 } })
  const page = await emp.newPage()
  await page.goto('/attendance')
  await expect(page.locator('[data-test="shift-text"]')).toContainText('08:30')
  await page.screenshot({ path: 'artifacts/attendance-phone-before.png', fullPage: true })
  await page.locator('[data-test="punch-btn"]').click()
  await expect(page.locator('[data-test="punch-message"]')).toContainText('打卡成功')
  await expect(page.locator('[data-test="punch-row"]')).toHaveCount(1)
  await expect(page.locator('[data-test="punch-row"]').first()).toContainText('总部大楼')
  await noSideScroll(page, 'attendance: office punch')
  await page.screenshot({ path: 'artifacts/attendance-phone-punched.png', fullPage: true })

  // At the customer's, 3 km away: refused as outside, the field form opens.
  await emp.setGeolocation({ latitude: OFFICE.latitude + 0.027, longitude: OFFICE.longitude, accuracy: 15 })
  await page.locator('[data-test="punch-btn"]').click()
  await expect(page.locator('[data-test="punch-message"]')).toContainText('不在任何办公地点')
  await expect(page.locator('[data-test="field-form"]')).toBeVisible()
  await page.locator('[data-test="field-note"]').fill('客户现场安装调试')
  await page.locator('[data-test="field-photo"]').setInputFiles({ name: 'site.jpg', mimeType: 'image/jpeg', buffer: PHOTO })
  await page.locator('[data-test="field-submit"]').click()
  await expect(page.locator('[data-test="punch-message"]')).toContainText('外勤打卡已提交')
  await expect(page.locator('[data-test="punch-row"]')).toHaveCount(2)
  await expect(page.locator('[data-test="punch-row"]').nth(1)).toContainText('待查看')
  await noSideScroll(page, 'attendance: field punch')
  await page.screenshot({ path: 'artifacts/attendance-phone-field.png', fullPage: true })

  // The head's board on his phone: 李娜 punched, with the field punch and its photo.
  const head = await signedIn(browser, baseURL!, 'head@att.test', PHONE)
  const hp = await head.newPage()
  await hp.goto('/attendance/team')
  const row = hp.locator(`[data-test="board-row-${team.emp.id}"]`)
  await expect(row).toBeVisible()
  await expect(row.locator('[data-test="board-field"]')).toBeVisible()
  await expect(hp.locator('[data-test="count-punched"]')).toContainText('1')
  await expect(hp.locator('[data-test="count-field"]')).toContainText('1')
  const img = row.locator('img.tb-photo')
  await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth > 0)).toBe(true)
  await noSideScroll(hp, 'attendance: team board')
  await hp.screenshot({ path: 'artifacts/attendance-phone-board.png', fullPage: true })
  await row.locator('[data-test="review-approve"]').click()
  await expect(row.locator('[data-test="board-field-punch"]')).toContainText('已确认')

  // Desktop: the head's board and 李娜's month, and the admin's settings.
  const headDesk = await signedIn(browser, baseURL!, 'head@att.test', DESKTOP)
  const hd = await headDesk.newPage()
  await hd.goto('/attendance/team')
  await expect(hd.locator(`[data-test="board-row-${team.emp.id}"]`).locator('[data-test="board-field-punch"]')).toContainText('已确认')
  await hd.screenshot({ path: 'artifacts/attendance-desktop-board.png', fullPage: true })
  const empDesk = await signedIn(browser, baseURL!, 'emp@att.test', DESKTOP)
  const ed = await empDesk.newPage()
  await ed.goto('/attendance')
  await expect(ed.locator('[data-test="punch-row"]')).toHaveCount(2)
  await expect(ed.locator('[data-test="makeup-left"]')).toContainText('3/3')
  await ed.screenshot({ path: 'artifacts/attendance-desktop-mine.png', fullPage: true })
  const admin = await signedIn(browser, baseURL!, 'admin@att.test', DESKTOP)
  const ad = await admin.newPage()
  await ad.goto('/attendance/settings')
  await expect(ad.locator('[data-test="place-row"]')).toContainText('总部大楼')
  await ad.screenshot({ path: 'artifacts/attendance-desktop-settings.png', fullPage: true })
  const adminPhone = await signedIn(browser, baseURL!, 'admin@att.test', PHONE)
  const ap = await adminPhone.newPage()
  await ap.goto('/attendance/settings')
  await expect(ap.locator('[data-test="place-row"]')).toContainText('总部大楼')
  await noSideScroll(ap, 'attendance: attendance settings')
  await ap.screenshot({ path: 'artifacts/attendance-phone-settings.png', fullPage: true })
  // The job's settings and the balance check, on the phone.
  await ap.locator('#tab-rules').click()
  await expect(ap.locator('[data-test="rules-form"]')).toBeVisible()
  await expect(ap.locator('[data-test="rule-confirm_by_day"] input')).toHaveValue('5')
  await noSideScroll(ap, 'attendance: rules tab')
  await ap.screenshot({ path: 'artifacts/attendance-phone-rules.png', fullPage: true })

  // 李娜 on a new phone, inside the fence: an ordinary punch elsewhere, but a
  // browser she never punched from, so the server asks for a photo first.
  const newPhone = await signedIn(browser, baseURL!, 'emp@att.test', { ...PHONE, permissions: ['geolocation'],
    geolocation: { latitude: OFFICE.latitude + 0.0005, longitude: OFFICE.longitude, accuracy: 20 } })
  const np = await newPhone.newPage()
  await np.goto('/attendance')
  await np.locator('[data-test="punch-btn"]').click()
  await expect(np.locator('[data-test="photo-needed"]')).toContainText('第一次用这台手机或浏览器打卡')
  await noSideScroll(np, 'attendance: photo asked')
  await np.screenshot({ path: 'artifacts/attendance-phone-photo-needed.png', fullPage: true })
  await np.locator('[data-test="punch-photo"]').setInputFiles({ name: 'me.jpg', mimeType: 'image/jpeg', buffer: PHOTO })
  await np.locator('[data-test="punch-photo-send"]').click()
  await expect(np.locator('[data-test="punch-message"]')).toContainText('打卡成功')
  await expect(np.locator('[data-test="punch-checks"]')).toContainText('第一次用这台手机')
  // Her first phone is still known: no photo asked there.
  await emp.setGeolocation({ latitude: OFFICE.latitude + 0.0007, longitude: OFFICE.longitude, accuracy: 25 })
  await page.locator('[data-test="punch-btn"]').click()
  await expect(page.locator('[data-test="punch-message"]')).toContainText('打卡成功')
  await expect(page.locator('[data-test="photo-needed"]')).toHaveCount(0)
})
