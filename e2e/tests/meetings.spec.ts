// Meetings end to end, in zh-CN through the UI: an organizer books a room for
// three colleagues in the booking dialog (free/busy shown, a "find a time"
// suggestion taken), a second booking of the room at an overlapping time is
// refused with the translated clash message naming the meeting, an attendee
// answers the invitation from the notification, the minute-taker writes and
// publishes the minutes into the drive, an attendee reads the drive document
// (read-only: the drive API refuses an edit), the action item's owner closes
// the task under 我的待办, and a colleague from another department who was
// not invited can read neither the minutes nor the document.
// Self-contained against the harness's baseURL (fresh data dir per spec).
import { readFileSync } from 'node:fs'
import { test, expect, type Browser, type Page } from '@playwright/test'
import { call, cspViolations, PASSWORD, pickPerson, setupCompany, shanghai, signedInPage } from '../lib'

const TITLE = '产品评审会'

// Nothing the meeting pages need is blocked by the Content-Security-Policy.
test.afterEach(() => { expect(cspViolations, 'blocked by the Content-Security-Policy').toEqual([]) })

const signedIn = (browser: Browser, baseURL: string, email: string) =>
  signedInPage(browser, baseURL, email, { viewport: { width: 1280, height: 860 } })

// Catalog keys leaking into the page mean a missing translation.
async function noRawKeys(page: Page) {
  await expect(page.locator('body')).not.toContainText(/\b(meetings|notify|errors|common)\.[a-zA-Z_]+(\.[a-zA-Z_]+)?\b/)
}

async function pickOption(page: Page, select: string, text: string) {
  await page.click(`[data-test=${select}]`)
  await page.locator('.el-select-dropdown__item:visible', { hasText: text }).first().click()
}

async function openBell(page: Page, text: string) {
  await page.click('[data-test=bell]')
  await page.locator('[data-test=bell-item]', { hasText: text }).first().click()
}

test('book a room, clash refused, RSVP, minutes into the drive, task closed, outsider kept out', async ({ browser, request, baseURL }) => {
  test.setTimeout(360_000) // six people in six browser contexts on a small machine
  // The company: 销售部 (the organizer and the minute-taker), 研发部 (two attendees and an outsider).
  const setup = await setupCompany(request, 'meet.test')
  const tok = setup.token
  const root = setup.root
  const sales = await call(request, 'POST', '/api/v1/departments', tok, { name: '销售部', parent_id: root.id })
  const rnd = await call(request, 'POST', '/api/v1/departments', tok, { name: '研发部', parent_id: root.id })
  const person = async (email: string, name: string, dept: string, phone: string) =>
    (await call(request, 'POST', '/api/v1/users', tok, { email, name, department_id: dept, title: '职员', phone, roles: [], password: PASSWORD })).user
  await person('zhang@meet.test', '张伟', sales.id, '13900000001')
  const li = await person('li@meet.test', '李娜', sales.id, '13900000002')
  const wang = await person('wang@meet.test', '王芳', rnd.id, '13900000003')
  const liu = await person('liu@meet.test', '刘洋', rnd.id, '13900000004')
  await person('chen@meet.test', '陈静', rnd.id, '13900000005')
  await call(request, 'POST', '/api/v1/rooms', tok, { name: '松山厅', capacity: 8, location: '3 楼东侧', equipment: ['投影仪', '白板'] })
  await call(request, 'POST', '/api/v1/rooms', tok, { name: '电话间', capacity: 2, location: '3 楼' })

  // 王芳 is already busy at the first slot that would suit everyone, so "find a time" must skip it.
  const now = new Date()
  const probe = await call(request, 'POST', '/api/v1/meetings/find-time', tok, {
    attendee_ids: [li.id, wang.id, liu.id], duration_minutes: 60, from: now.toISOString(),
    to: new Date(now.getTime() + 14 * 24 * 3600e3).toISOString(), time_zone: 'Asia/Shanghai', limit: 1,
  })
  const busy = probe.items[0]
  await call(request, 'POST', '/api/v1/meetings', tok, {
    title: '研发周会', start: busy.start, end: busy.end, time_zone: 'Asia/Shanghai', place: '研发区', attendee_ids: [wang.id],
  })

  // The organizer books through the dialog.
  const zhang = await signedIn(browser, baseURL!, 'zhang@meet.test')
  await zhang.setViewportSize({ width: 1280, height: 1000 }) // the whole booking dialog in its screenshot
  await zhang.goto('/meetings')
  await expect(zhang.locator('.fc-timeGridWeek-button')).toHaveText('周')
  await zhang.click('[data-test=book]')
  await zhang.fill('[data-test=title]', TITLE)
  for (const n of ['李娜', '王芳', '刘洋']) await pickPerson(zhang, zhang.locator('[data-test=attendees]'), n)
  await zhang.keyboard.press('Escape')
  await pickOption(zhang, 'minute-taker', '李娜')
  await zhang.click('[data-test=find-time]')
  const suggestions = zhang.locator('[data-test=suggestions] button')
  await expect(suggestions.first()).toContainText('松山厅')
  await suggestions.first().click()
  // Taking the suggestion shows that day's free/busy: one row per person and one for the room.
  const grid = zhang.locator('[data-test=freebusy]')
  await expect(grid.locator('.fb-row')).toHaveCount(5)
  await expect(grid).toContainText('王芳')
  const start = await zhang.locator('[data-test=start] input').inputValue()
  expect(start).not.toBe(shanghai(busy.start)) // 王芳's busy hour was skipped
  expect(new Date(start.replace(' ', 'T') + ':00+08:00').getTime()).toBeGreaterThanOrEqual(new Date(busy.end).getTime())
  if (start.slice(0, 10) === shanghai(busy.start, false)) {
    await expect(grid.locator('.fb-row', { hasText: '王芳' }).locator('.fb-busy')).toHaveCount(1)
  }
  await expect(zhang.locator('[data-test=room]')).toContainText('松山厅')
  // The agenda goes along as a file: uploaded into 张伟's drive, attached by name.
  await zhang.locator('[data-test=attachment-file]').setInputFiles({ name: '评审议程.md', mimeType: 'text/markdown', buffer: Buffer.from('# 2.0 评审议程\n') })
  await expect(zhang.locator('[data-test=attachment]')).toHaveText('评审议程.md')
  await noRawKeys(zhang)
  await zhang.locator('.el-dialog').screenshot({ path: 'artifacts/meetings-booking.png' })
  await zhang.click('[data-test=save]')
  await expect(zhang.locator('.el-message--success')).toContainText('会议已预订')
  const mine = await call(request, 'GET', `/api/v1/meetings?user_id=${li.id}&from=${encodeURIComponent(now.toISOString())}&to=${encodeURIComponent(new Date(now.getTime() + 20 * 24 * 3600e3).toISOString())}`, tok)
  const occ = mine.items.find((o: { title: string }) => o.title === TITLE)
  expect(occ, 'the booked meeting is in 李娜\'s calendar').toBeTruthy()
  const meetingId: string = occ.meeting_id
  // The week (or the next one, late in the week) shows the meeting. Page on until
  // the meeting's day is on screen (each click waits for the new week's title),
  // then wait for its events: a guessed wait for a slow fetch used to page past it.
  const day = zhang.locator(`.fc [data-date="${shanghai(occ.start, false)}"]`)
  for (let i = 0; i < 3 && (await day.count()) === 0; i++) {
    const title = await zhang.locator('.fc-toolbar-title').innerText()
    await zhang.click('.fc-next-button')
    await expect(zhang.locator('.fc-toolbar-title')).not.toHaveText(title)
  }
  await expect(day.first()).toBeVisible()
  await expect(zhang.locator('.fc-event', { hasText: TITLE })).toBeVisible()
  await zhang.screenshot({ path: 'artifacts/meetings-calendar.png' })
  // The room's own calendar shows the booking too.
  await zhang.locator('[data-test=source] label', { hasText: '会议室' }).click()
  await expect(zhang.locator('.mt-toolbar .el-select')).toContainText('松山厅')
  await expect(zhang.locator('.fc-event', { hasText: TITLE })).toBeVisible()
  await zhang.screenshot({ path: 'artifacts/meetings-room.png' })

  // 刘洋 tries the same room half an hour later: refused, naming the meeting.
  const liuPage = await signedIn(browser, baseURL!, 'liu@meet.test')
  await liuPage.goto('/meetings')
  await liuPage.click('[data-test=book]')
  await liuPage.fill('[data-test=title]', '客户沟通会')
  const later = (iso: string, min: number) => shanghai(new Date(new Date(iso).getTime() + min * 60e3).toISOString())
  for (const [field, value] of [['start', later(occ.start, 30)], ['end', later(occ.start, 90)]]) {
    const input = liuPage.locator(`[data-test=${field}] input`)
    await input.click()
    await input.fill(value)
    await input.press('Enter')
    await expect(input).toHaveValue(value)
  }
  await pickOption(liuPage, 'room', '松山厅')
  await liuPage.click('[data-test=save]')
  const clash = liuPage.locator('[data-test=booking-error]')
  await expect(clash).toContainText(`会议室已被「${TITLE}」占用`)
  await noRawKeys(liuPage)
  await liuPage.locator('.el-dialog').screenshot({ path: 'artifacts/meetings-clash.png' })
  const booked = await call(request, 'GET', `/api/v1/meetings?user_id=${liu.id}&from=${encodeURIComponent(now.toISOString())}&to=${encodeURIComponent(new Date(now.getTime() + 20 * 24 * 3600e3).toISOString())}`, tok)
  expect(booked.items.map((o: { title: string }) => o.title)).not.toContain('客户沟通会')

  // 王芳 sees the invitation in the bell and accepts.
  const wangPage = await signedIn(browser, baseURL!, 'wang@meet.test')
  await wangPage.goto('/')
  await openBell(wangPage, `你被邀请参加会议：${TITLE}`)
  await expect(wangPage).toHaveURL(new RegExp('/meetings/' + meetingId))
  await expect(wangPage.locator('[data-test=meeting-title]')).toHaveText(TITLE)
  // The attachment opens for her, read-only, though it lives in 张伟's own drive.
  const att = wangPage.locator('[data-test=attachment] a')
  await expect(att).toHaveText('评审议程.md')
  const attId = (await att.getAttribute('href'))!.replace('/drive/entries/', '')
  expect((await (await wangPage.request.get('/api/v1/drive/entries/' + attId)).json()).role).toBe('viewer')
  await wangPage.locator('[data-test=rsvp] label', { hasText: '接受' }).click()
  await expect(wangPage.locator('[data-test=attendee]', { hasText: '王芳' })).toContainText('接受')
  await expect(wangPage.locator('[data-test=minutes]')).toContainText('纪要尚未发布')
  await noRawKeys(wangPage)
  await wangPage.screenshot({ path: 'artifacts/meetings-rsvp.png' })

  // 李娜, the minute-taker, writes the minutes: 刘洋 absent, discussion, a decision, an action item for 王芳.
  const due = new Date(Date.now() + 7 * 24 * 3600e3 + 8 * 3600e3).toISOString().slice(0, 10)
  const liPage = await signedIn(browser, baseURL!, 'li@meet.test')
  await liPage.goto('/meetings/' + meetingId)
  await liPage.locator('.mt-att', { hasText: '刘洋' }).locator('label', { hasText: '缺席' }).click()
  // With markup that must stay text in the rendered document (no XSS).
  await liPage.fill('[data-test=discussion]', '评审了 2.0 版本的需求范围和上线计划。<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2">')
  await liPage.click('[data-test=add-decision]')
  await liPage.locator('[data-test=decision]').fill('2.0 版本 12 月底上线')
  await liPage.click('[data-test=add-action]')
  const item = liPage.locator('[data-test=action-item]')
  await item.locator('input').first().fill('整理上线检查清单')
  await item.locator('.el-select').click()
  await liPage.locator('.el-select-dropdown__item:visible', { hasText: '王芳' }).click()
  const dueInput = item.locator('.el-date-editor input')
  await dueInput.fill(due)
  await dueInput.press('Enter')
  await noRawKeys(liPage)
  await liPage.setViewportSize({ width: 1280, height: 1000 })
  await liPage.screenshot({ path: 'artifacts/meetings-minutes.png' })
  await liPage.click('[data-test=publish-minutes]')
  await expect(liPage.locator('[data-test=minutes-published]')).toHaveText('已发布')
  await expect(liPage.locator('[data-test=minutes-document-body]')).toContainText('2.0 版本 12 月底上线')

  // 王芳 opens the published minutes from the notification: the drive's document, read-only.
  await wangPage.goto('/')
  await openBell(wangPage, `会议纪要已发布：${TITLE}`)
  await expect(wangPage).toHaveURL(new RegExp('/meetings/' + meetingId))
  const doc = wangPage.locator('[data-test=minutes-document]')
  await expect(doc.locator('[data-test=minutes-document-name]')).toContainText(`${TITLE} 纪要.md`)
  await expect(doc.locator('[data-test=minutes-document-role]')).toHaveText('只读')
  const body = doc.locator('[data-test=minutes-document-body]')
  for (const s of ['出席：张伟、李娜、王芳', '缺席：刘洋', '评审了 2.0 版本', '2.0 版本 12 月底上线']) {
    await expect(body).toContainText(s)
  }
  // Rendered as a document, not Markdown source: a heading, lists and the action-item table.
  await expect(body.locator('h2')).toContainText(`${TITLE} 纪要`)
  await expect(body.locator('h3', { hasText: '决议' })).toBeVisible()
  await expect(body.locator('ol li')).toContainText(['2.0 版本 12 月底上线'])
  await expect(body.locator('table tr', { hasText: '整理上线检查清单' }).locator('td')).toHaveText(['整理上线检查清单', '王芳', due])
  await expect(body).not.toContainText('## ')
  // The markup in the discussion is shown as text and never ran.
  await expect(body).toContainText('<script>window.__xss = 1</script>')
  expect(await body.locator('script, img').count()).toBe(0)
  expect(await wangPage.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined()
  const minutes = await (await wangPage.request.get(`/api/v1/meetings/${meetingId}/minutes`)).json()
  const docId: string = minutes.document_id
  await expect(doc.locator('[data-test=minutes-document-open]')).toHaveAttribute('href', '/drive/entries/' + docId)
  await noRawKeys(wangPage)
  await wangPage.setViewportSize({ width: 1280, height: 1500 }) // the page scrolls inside the shell, so grow the window
  await wangPage.screenshot({ path: 'artifacts/meetings-document.png' })
  await wangPage.setViewportSize({ width: 1280, height: 860 })
  const entry = await (await wangPage.request.get('/api/v1/drive/entries/' + docId)).json()
  expect(entry.role).toBe('viewer')
  const headers = { 'X-Tack-Request': '1' }
  const rename = await wangPage.request.patch('/api/v1/drive/entries/' + docId, { headers, data: { name: '我的.md', version: entry.version } })
  expect(rename.status()).toBe(403)
  const overwrite = await wangPage.request.post(`/api/v1/drive/files?entry_id=${docId}&base_version=${entry.version}`,
    { headers: { ...headers, 'Content-Type': 'text/markdown' }, data: '改掉纪要' })
  expect(overwrite.status()).toBe(403)
  expect(await (await wangPage.request.get(`/api/v1/drive/files/${docId}/content`)).text()).toContain('2.0 版本 12 月底上线')

  // The task is under 王芳's 我的待办; she closes it.
  await wangPage.click('text=我的待办')
  await expect(wangPage).toHaveURL(/\/tasks$/)
  const row = wangPage.locator('[data-test=tasks] .el-table__row', { hasText: '整理上线检查清单' })
  await expect(row).toContainText('王芳')
  await expect(row.locator('.el-date-editor input')).toHaveValue(due)
  await noRawKeys(wangPage)
  await wangPage.screenshot({ path: 'artifacts/meetings-tasks.png' })
  await row.locator('button', { hasText: '完成' }).click()
  await expect(row).toBeHidden()
  await wangPage.locator('.mt-toolbar label', { hasText: '已完成' }).click()
  await expect(wangPage.locator('[data-test=tasks] .el-table__row', { hasText: '整理上线检查清单' })).toBeVisible()
  const tasks = await (await wangPage.request.get('/api/v1/tasks?mine=1')).json()
  expect(tasks.items.map((x: { title: string; status: string }) => x.title + ':' + x.status)).toEqual(['整理上线检查清单:done'])

  // 陈静 (研发部, not invited) can read neither the minutes nor the document.
  const chen = await signedIn(browser, baseURL!, 'chen@meet.test')
  expect((await chen.request.get(`/api/v1/meetings/${meetingId}/minutes`)).status()).toBe(404)
  expect((await chen.request.get('/api/v1/drive/entries/' + docId)).status()).toBe(404)
  expect((await chen.request.get(`/api/v1/drive/files/${docId}/content`)).status()).toBe(404)
  expect((await chen.request.get('/api/v1/drive/entries/' + attId)).status()).toBe(404)
  await chen.goto('/meetings/' + meetingId)
  await expect(chen.locator('[data-test=detail-error]')).toContainText('会议不存在')
  await expect(chen.locator('body')).not.toContainText('2.0 版本')
})

// The calendar file downloads from the meeting page through a plain link, so
// the API's Content-Security-Policy sandbox must allow downloads (Chromium
// cancels a download whose answer is sandboxed without allow-downloads).
test('the meeting page downloads its calendar file', async ({ browser, request, baseURL }) => {
  const tok = (await call(request, 'POST', '/api/v1/auth/login', '', { email: 'zhang@meet.test', password: PASSWORD })).token
  const day = new Date(Date.now() + 3 * 24 * 3600e3).toISOString().slice(0, 10)
  const id = (await call(request, 'POST', '/api/v1/meetings', tok, { title: '日历文件', start: day + 'T15:00', end: day + 'T16:00', time_zone: 'Asia/Shanghai' })).meeting.id
  const page = await signedIn(browser, baseURL!, 'zhang@meet.test')
  await page.goto('/meetings/' + id)
  await expect(page.locator('[data-test=meeting-title]')).toHaveText('日历文件')
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator(`a[href="/api/v1/meetings/${id}.ics"]`).click()])
  expect(await download.failure()).toBeNull()
  expect(readFileSync((await download.path())!, 'utf8')).toContain('BEGIN:VCALENDAR')
})
