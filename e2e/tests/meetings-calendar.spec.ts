// Meetings across time zones, changes and calendar apps, end to end in zh-CN:
// the organizer (in Shanghai) books a call in Tokyo time; the detail page
// shows Tokyo's clock and the reader's own; the attendee accepts, the time
// changes, the bell says what changed, when and where, and the answer is
// asked again; the organizer DINGs the attendees from the meeting; the
// attendee subscribes a calendar app to a private feed that works without a
// session, shows when it was last fetched, and stops when replaced or
// turned off. Self-contained against the harness's baseURL.
import { test, expect, type Page } from '@playwright/test'
import { call, PASSWORD, setupCompany, signedInPage } from '../lib'

const HOUR = 3600e3
const DAY = 24 * HOUR

/** tokyo formats an instant as the pickers show it for a meeting in Asia/Tokyo (UTC+9, no DST). */
const tokyo = (t: number) => {
  const d = new Date(t + 9 * HOUR).toISOString()
  return d.slice(0, 10) + ' ' + d.slice(11, 16)
}

async function setPicker(page: Page, field: string, value: string) {
  const input = page.locator(`[data-test=${field}] input`)
  await input.click()
  await input.fill(value)
  await input.press('Enter')
  await expect(input).toHaveValue(value)
}

test('a Tokyo call: booked in its zone, changed, DINGed, and subscribed to from a calendar app', async ({ browser, request, baseURL }) => {
  test.setTimeout(360_000)
  const setup = await setupCompany(request, 'cal.test')
  const tok = setup.token
  const person = async (email: string, name: string, phone: string) =>
    (await call(request, 'POST', '/api/v1/users', tok, { email, name, department_id: setup.root.id, title: '职员', phone, roles: [], password: PASSWORD })).user
  await person('zhang@cal.test', '张伟', '13900000001')
  const li = await person('li@cal.test', '李娜', '13900000002')
  await call(request, 'POST', '/api/v1/rooms', tok, { name: '松山厅', capacity: 8, location: '3 楼东侧', equipment: ['视频会议'] })

  // Next week's Tuesday 10:00–11:00 in Tokyo (01:00–02:00 UTC).
  const now = new Date()
  const tue = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 1, 0) + (((9 - now.getUTCDay()) % 7) + 7) * DAY
  const zhang = await signedInPage(browser, baseURL!, 'zhang@cal.test', { viewport: { width: 1280, height: 1000 } })
  await zhang.goto('/meetings')
  await zhang.click('[data-test=book]')
  await zhang.fill('[data-test=title]', '东京分公司周会')
  await zhang.click('.el-select[data-test=time-zone]')
  await zhang.keyboard.type('Asia/Tokyo')
  await zhang.locator('.el-select-dropdown__item:visible', { hasText: /^日本标准时间 \(GMT\+09:00\)$/ }).click()
  await setPicker(zhang, 'start', tokyo(tue))
  await setPicker(zhang, 'end', tokyo(tue + HOUR))
  await zhang.click('[data-test=attendees]')
  await zhang.keyboard.type('李')
  await zhang.locator('.el-select-dropdown__item:visible', { hasText: '李娜' }).click()
  await zhang.keyboard.press('Escape')
  await zhang.click('[data-test=room]')
  await zhang.locator('.el-select-dropdown__item:visible', { hasText: '松山厅' }).click()
  await zhang.locator('.el-dialog').screenshot({ path: 'artifacts/meetings-timezone-booking.png' })
  await zhang.click('[data-test=save]')
  await expect(zhang.locator('.el-message--success')).toContainText('会议已预订')

  const liTok = (await call(request, 'POST', '/api/v1/auth/login', '', { email: 'li@cal.test', password: PASSWORD })).token
  const window = `from=${encodeURIComponent(new Date(tue - DAY).toISOString())}&to=${encodeURIComponent(new Date(tue + 3 * DAY).toISOString())}`
  const occ = (await call(request, 'GET', '/api/v1/meetings?' + window, liTok)).items[0]
  expect(Date.parse(occ.start)).toBe(tue) // 10:00 in Tokyo, not in Shanghai
  const id: string = occ.meeting_id
  const m = await call(request, 'GET', '/api/v1/meetings/' + id, liTok)
  expect(m.time_zone).toBe('Asia/Tokyo')

  // The detail page reads Tokyo's clock, and the reader's.
  await zhang.goto('/meetings/' + id)
  await expect(zhang.locator('[data-test=meeting-time]')).toContainText('10:00 – 11:00 (日本标准时间 (GMT+09:00))')
  await expect(zhang.locator('[data-test=meeting-local-time]')).toContainText('你的时间')
  await expect(zhang.locator('[data-test=meeting-local-time]')).toContainText('09:00 – 10:00（中国标准时间 (GMT+08:00)）')
  await expect(zhang.locator('[data-test=repeat]')).toHaveText('不重复')

  // 李娜 accepts.
  const liPage = await signedInPage(browser, baseURL!, 'li@cal.test', { viewport: { width: 1280, height: 900 } })
  await liPage.goto('/meetings/' + id)
  await liPage.locator('[data-test=rsvp] label', { hasText: '接受' }).click()
  await expect(liPage.locator('[data-test=attendee]', { hasText: '李娜' })).toContainText('接受')

  // 张伟 moves it an hour later: 李娜 is asked again and told what changed, when and where.
  await zhang.click('[data-test=edit-meeting]')
  await expect(zhang.locator('[data-test=start] input')).toHaveValue(tokyo(tue)) // the dialog too reads Tokyo's clock
  await setPicker(zhang, 'start', tokyo(tue + HOUR))
  await setPicker(zhang, 'end', tokyo(tue + 2 * HOUR))
  await zhang.click('[data-test=save]')
  await expect(zhang.locator('.el-message--success').last()).toContainText('会议已更新')
  await expect(zhang.locator('[data-test=meeting-time]')).toContainText('11:00 – 12:00 (日本标准时间 (GMT+09:00))')
  await expect(zhang.locator('[data-test=attendee]', { hasText: '李娜' })).toContainText('未答复')

  await liPage.goto('/')
  await expect(liPage.locator('[data-test=bell-badge] .el-badge__content')).toHaveText('2')
  await liPage.click('[data-test=bell]')
  const changed = liPage.locator('[data-test=bell-item]', { hasText: '会议有变更：东京分公司周会' })
  await expect(changed.locator('[data-test=bell-detail]')).toContainText('时间有变')
  await expect(changed.locator('[data-test=bell-detail]')).toContainText('10:00–11:00 (Asia/Shanghai)') // 李娜's browser reads Shanghai time: Tokyo's 11:00 is 10:00 here, and says so
  await expect(changed.locator('[data-test=bell-detail]')).toContainText('松山厅 3 楼东侧')
  await expect(liPage.locator('[data-test=bell-item]', { hasText: '你被邀请参加会议：东京分公司周会' }).locator('[data-test=bell-detail]'))
    .toContainText('09:00–10:00') // the invitation was for the first time
  await liPage.screenshot({ path: 'artifacts/notify-bell-meeting-detail.png' })
  await liPage.keyboard.press('Escape')

  // 张伟 DINGs the attendees from the meeting; 李娜 must acknowledge, and can open the meeting from it.
  await zhang.click('[data-test=ding-about]')
  await expect(zhang.locator('[data-test=ding-recipients]')).toContainText('李娜')
  await expect(zhang.locator('[data-test=ding-text]')).toHaveValue(/请准时参加会议「东京分公司周会」：.*11:00 – 12:00 \(日本标准时间 \(GMT\+09:00\)\)$/)
  await zhang.waitForTimeout(400)
  await zhang.screenshot({ path: 'artifacts/meetings-ding.png' })
  await zhang.click('[data-test=ding-send]')
  await expect(liPage.locator('[data-test=ding-message]')).toContainText('请准时参加会议「东京分公司周会」')
  await liPage.getByRole('button', { name: '确认并查看' }).click()
  await expect(liPage).toHaveURL(new RegExp('/meetings/' + id))
  const sent = await call(request, 'GET', '/api/v1/ding?box=sent', (await call(request, 'POST', '/api/v1/auth/login', '', { email: 'zhang@cal.test', password: PASSWORD })).token)
  expect(sent.items[0].subject_type).toBe('meeting')
  expect(sent.items[0].receipts[0].acked_at).toBeTruthy()

  // 李娜 subscribes a calendar app: the address shows once; opening the dialog again does not replace it.
  await liPage.goto('/meetings')
  await liPage.click('[data-test=subscribe]')
  await expect(liPage.locator('[data-test=feed-status]')).toContainText('你还没有订阅网址')
  await liPage.click('[data-test=feed-create]')
  const url = await liPage.locator('[data-test=feed-url]').inputValue()
  expect(url).toMatch(new RegExp('^' + baseURL + '/api/v1/calendar/[\\w-]+\\.ics$'))
  await expect(liPage.locator('[data-test=feed-webcal]')).toHaveAttribute('href', url.replace(/^http:/, 'webcal:'))
  await liPage.waitForTimeout(400)
  await liPage.screenshot({ path: 'artifacts/meetings-feed-created.png' })
  // A calendar app fetches it with no session at all.
  const fetchFeed = async (u: string) => {
    const r = await request.get(u.slice(baseURL!.length))
    return { status: r.status(), type: r.headers()['content-type'] ?? '', body: await r.text() }
  }
  const feed = await fetchFeed(url)
  expect(feed.status).toBe(200)
  expect(feed.type).toContain('text/calendar')
  expect(feed.body).toContain('SUMMARY:东京分公司周会')
  expect(feed.body).toContain('DTSTART;TZID=Asia/Tokyo:')
  await liPage.keyboard.press('Escape')
  await liPage.click('[data-test=subscribe]')
  await expect(liPage.locator('[data-test=feed-url]')).toBeHidden()
  await expect(liPage.locator('[data-test=feed-status]')).toContainText('日历应用最近一次同步')
  await liPage.waitForTimeout(400) // the dialog's fade-in
  await liPage.screenshot({ path: 'artifacts/meetings-feed-status.png' })
  expect((await fetchFeed(url)).status).toBe(200) // still the same address

  // A new address replaces it; turning it off stops the new one too.
  await liPage.click('[data-test=feed-reset]')
  await liPage.locator('.el-message-box .el-button--primary').click()
  const url2 = await liPage.locator('[data-test=feed-url]').inputValue()
  expect(url2).not.toBe(url)
  expect((await fetchFeed(url)).status).toBe(404)
  expect((await fetchFeed(url2)).status).toBe(200)
  await liPage.click('[data-test=feed-revoke]')
  await liPage.locator('.el-message-box .el-button--primary').click()
  await expect(liPage.locator('[data-test=feed-status]')).toContainText('你还没有订阅网址')
  expect((await fetchFeed(url2)).status).toBe(404)
  await expect(liPage.locator('body')).not.toContainText(/\b(meetings|notify|errors)\.[a-zA-Z_]+\.[a-zA-Z_]/)
})
