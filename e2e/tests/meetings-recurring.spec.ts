// A recurring meeting end to end: the organizer moves one sitting of a
// weekly series from its detail page (a time when the room is taken is
// refused, naming the other meeting), the attendee is told, the rest of the
// series stays where it was; then one other sitting is cancelled alone.
// Self-contained against the harness's baseURL (fresh data dir per spec).
import { test, expect } from '@playwright/test'
import { call, PASSWORD, setupCompany, shanghai, signedInPage } from '../lib'

const HOUR = 3600e3
const DAY = 24 * HOUR

test('move one sitting of a weekly meeting (a taken room refused), cancel another, the rest stays', async ({ browser, request, baseURL }) => {
  test.setTimeout(360_000)
  const setup = await setupCompany(request, 'rec.test')
  const tok = setup.token
  const root = setup.root
  const li = (await call(request, 'POST', '/api/v1/users', tok, {
    email: 'li@rec.test', name: '李娜', department_id: root.id, title: '销售', phone: '13900000001', roles: [], password: PASSWORD,
  })).user
  const room = await call(request, 'POST', '/api/v1/rooms', tok, { name: '松山厅', capacity: 8, location: '3 楼东侧' })

  // Mondays 10:00 Shanghai (02:00 UTC), four weeks from next Monday.
  const now = new Date()
  const today10 = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 2, 0)
  const monday = today10 + (((8 - new Date(today10).getUTCDay()) % 7) || 7) * DAY
  const series = (await call(request, 'POST', '/api/v1/meetings', tok, {
    title: '销售周例会', start: new Date(monday).toISOString(), end: new Date(monday + HOUR).toISOString(), time_zone: 'Asia/Shanghai',
    room_id: room.id, attendee_ids: [li.id], rrule: 'FREQ=WEEKLY;COUNT=4',
  })).meeting
  // The room is taken on the second week's Wednesday 14:00.
  const week2 = monday + 7 * DAY
  const taken = week2 + 2 * DAY + 4 * HOUR
  await call(request, 'POST', '/api/v1/meetings', tok, {
    title: '客户来访', start: new Date(taken).toISOString(), end: new Date(taken + HOUR).toISOString(), time_zone: 'Asia/Shanghai', room_id: room.id,
  })
  const sittings = async () => {
    const q = `user_id=${setup.user.id}&from=${encodeURIComponent(new Date(monday - DAY).toISOString())}&to=${encodeURIComponent(new Date(monday + 30 * DAY).toISOString())}`
    return ((await call(request, 'GET', '/api/v1/meetings?' + q, tok)).items as { meeting_id: string; original_start: string; start: string; moved: boolean }[])
      .filter((o) => o.meeting_id === series.id)
  }
  const before = await sittings()
  expect(before.map((o) => Date.parse(o.start))).toEqual([0, 1, 2, 3].map((w) => monday + w * 7 * DAY))

  // The organizer opens the second sitting (what clicking it in the calendar opens).
  const page = await signedInPage(browser, baseURL!, 'admin@rec.test', { viewport: { width: 1280, height: 900 }, locale: 'zh-CN' })
  await page.goto(`/meetings/${series.id}?occurrence=${encodeURIComponent(before[1].original_start)}`)
  await expect(page.locator('body')).toContainText('销售周例会')
  await page.click('[data-test=move-occurrence]')
  const setTime = async (field: 'occ-start' | 'occ-end', t: number) => {
    const input = page.locator(`[data-test=${field}] input`)
    await input.click()
    await input.fill(shanghai(t))
    await input.press('Enter')
    await expect(input).toHaveValue(shanghai(t))
  }
  await setTime('occ-start', taken)
  await setTime('occ-end', taken + HOUR)
  await page.click('[data-test=occ-save]')
  await expect(page.locator('[data-test=occ-error]')).toContainText('会议室已被「客户来访」占用')
  await expect(page.locator('body')).not.toContainText(/\b(meetings|errors)\.[a-z_]+\.[a-z_]/)
  await page.screenshot({ path: 'artifacts/meetings-occurrence-clash.png' })
  expect((await sittings()).map((o) => o.start)).toEqual(before.map((o) => o.start)) // nothing moved

  // Two hours later that day the room is free.
  const moved = taken + 2 * HOUR
  await setTime('occ-start', moved)
  await setTime('occ-end', moved + HOUR)
  await page.click('[data-test=occ-save]')
  await expect(page.locator('.el-message--success')).toContainText('本次会议已改期')
  // The page shows the sitting where it is now, and when it was due.
  const fmt = (t: number) => shanghai(t).replace(/-/g, '/')
  await expect(page.locator('[data-test=this-occurrence]')).toContainText(`${fmt(moved)}`)
  await expect(page.locator('[data-test=this-occurrence]')).toContainText(`已改期，原定 ${fmt(week2)}`)
  await expect(page.locator('[data-test=occ-save]')).toBeHidden()
  await page.waitForTimeout(400) // the dialog's fade-out
  await page.screenshot({ path: 'artifacts/meetings-occurrence-moved.png' })
  const after = await sittings()
  expect(after.map((o) => Date.parse(o.start))).toEqual([monday, moved, monday + 14 * DAY, monday + 21 * DAY])
  expect(after.map((o) => o.moved)).toEqual([false, true, false, false])

  // 李娜 is told about the change of that one sitting.
  const liTok = (await call(request, 'POST', '/api/v1/auth/login', '', { email: 'li@rec.test', password: PASSWORD })).token
  const notes = (await call(request, 'GET', '/api/v1/notifications?limit=50', liTok)).items as { type: string; subject_id: string }[]
  expect(notes.some((n) => n.type === 'meeting.changed' && n.subject_id === series.id)).toBeTruthy()

  // The third sitting is cancelled on its own.
  await page.goto(`/meetings/${series.id}?occurrence=${encodeURIComponent(before[2].original_start)}`)
  await page.getByRole('button', { name: '仅取消本次' }).click()
  await page.locator('.el-message-box .el-button--primary').click()
  await expect(page.locator('.el-message--success').last()).toContainText('本次会议已取消')
  await expect(page.locator('[data-test=this-occurrence]')).toContainText('已取消')
  expect((await sittings()).map((o) => Date.parse(o.start))).toEqual([monday, moved, monday + 21 * DAY])
  await page.context().close()
})
