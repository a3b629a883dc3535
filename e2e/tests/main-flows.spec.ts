// The main flows of issue 15 that phone-layout.spec.ts only opens, carried
// through to their end on a phone (390×844, touch) and on a desktop
// (1280×800), in zh-CN:
// - a DING: 林主管 sends it, 李娜 reads it where she is (the DING list) and
//   confirms; the list and the DING's page say so, and 林主管 sees it confirmed;
// - an announcement: 李娜 opens it from the bell, reads the rendered text and
//   acknowledges it; the publisher's receipts name her;
// - the drive: 李娜 browses the company space into a folder and downloads a
//   file; the bytes she gets are the bytes uploaded;
// - a meeting: 李娜, who sits in the organizer's department, opens the meeting
//   from the "minutes published" notification; the minutes are a document
//   (heading, list, table) she can read but not edit.
// Nothing scrolls sideways on the way. Screenshots: artifacts/<flow>-<viewport>.png
// (copied to docs/screenshots/).
import { createHash, randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { test, expect, type APIRequestContext, type Browser, type BrowserContext, type BrowserContextOptions, type Locator, type Page } from '@playwright/test'
import { call, cspViolations, entryRow, noSideScroll, PASSWORD, pickPerson, salesTeam, signedInPage, VIEWPORTS } from '../lib'

const DOMAIN = 'flows.test'

test.afterEach(() => { expect(cspViolations, 'blocked by the Content-Security-Policy').toEqual([]) })

// The browser outlives a test: close each test's people (their pages hold
// live event streams) so the next test's pages load on an idle browser.
const people: BrowserContext[] = []
test.afterEach(async () => { for (const c of people.splice(0)) await c.close() })
async function as(browser: Browser, baseURL: string, who: string, opts: BrowserContextOptions) {
  const page = await signedInPage(browser, baseURL, who + '@' + DOMAIN, opts)
  people.push(page.context())
  return page
}

// The company of the first test that runs (tests in a file share one server,
// in order); set up when it is not there yet, so each test also runs alone (-g).
async function team(request: APIRequestContext) {
  const login = (email: string) => request.post('/api/v1/auth/login', { data: { email, password: PASSWORD }, headers: { 'X-Tack-Request': '1' } })
  const r = await login('admin@' + DOMAIN)
  if (!r.ok()) await salesTeam(request, DOMAIN)
  const token = async (who: string) => ((await (await login(who + '@' + DOMAIN)).json()).token as string)
  const users = (await call(request, 'GET', '/api/v1/users?limit=100', await token('admin'))).items as { id: string; email: string }[]
  const id = (who: string) => users.find((u) => u.email === who + '@' + DOMAIN)!.id
  return { token, id }
}

// A list entry is a card on a phone and a table row on a desktop.
async function isCardOrRow(phone: boolean, entry: Locator) {
  if (phone) await expect(entry).toHaveAttribute('data-test', 'card')
  else await expect(entry).toHaveClass(/el-table__row/)
}

// A tap on a phone, a click on a desktop.
const press = (phone: boolean, l: Locator) => (phone ? l.tap() : l.click())

async function shot(page: Page, name: string) {
  await page.waitForLoadState('networkidle', { timeout: 10_000 }).catch(() => undefined)
  await page.screenshot({ path: `artifacts/${name}.png`, animations: 'disabled' })
}

for (const [kind, opts] of VIEWPORTS) {
  const phone = kind === 'phone'

  test(`${kind}: a DING is read and confirmed, and its sender sees it confirmed`, async ({ browser, request, baseURL }) => {
    const { id } = await team(request)
    const text = `${phone ? '手机' : '电脑'}：下午 3 点客户来访，请到前台接待`
    // 李娜 has her DING list open when it arrives.
    const li = await as(browser, baseURL!, 'emp', opts)
    await li.goto('/ding')
    await expect(li.locator('[data-test=dings]')).toBeVisible()

    const lin = await as(browser, baseURL!, 'head', opts)
    await lin.goto('/ding')
    await press(phone, lin.locator('[data-test=ding-new]'))
    await pickPerson(lin, lin.locator('[data-test=ding-recipients]'), '李娜')
    await lin.locator('[data-test=ding-text]').fill(text)
    await press(phone, lin.locator('[data-test=ding-send]'))
    await expect(lin.locator('.el-dialog:visible')).toHaveCount(0)

    // She reads it in the DING sheet (full screen on the phone) and confirms.
    const modal = li.locator('.el-dialog:visible', { has: li.locator('[data-test=ding-message]') })
    await expect(modal.locator('[data-test=ding-message]')).toHaveText(text)
    await expect(modal).toContainText('林主管')
    if (phone) await expect(modal).toHaveClass(/is-fullscreen/)
    await noSideScroll(li, kind + ' ding received')
    await shot(li, `ding-read-${kind}`)
    await press(phone, modal.locator('[data-test=ding-ack]'))
    await expect(li.locator('[data-test=ding-message]')).toBeHidden()
    // The list she had open shows the DING, confirmed, without a reload.
    const mine = li.locator('[data-test=dings] :is(.el-table__row, [data-test=card])', { hasText: text })
    await expect(mine).toContainText('已确认')
    await isCardOrRow(phone, mine)
    await noSideScroll(li, kind + ' ding list')
    await press(phone, mine.locator('a', { hasText: text }))
    await expect(li.locator('[data-test=ding-detail-message]')).toHaveText(text)
    await expect(li.locator('[data-test=ding-my-ack]')).toContainText('已确认')
    await noSideScroll(li, kind + ' ding page')

    // 林主管's sent box: confirmed by one; the DING's page names her, confirmed.
    await lin.goto('/ding')
    await press(phone, lin.locator('[data-test=ding-box] label', { hasText: '我发出的' }))
    const sent = lin.locator('[data-test=dings] :is(.el-table__row, [data-test=card])', { hasText: text })
    await expect(sent).toContainText('1 人已确认')
    await press(phone, sent.locator('a', { hasText: text }))
    const receipts = lin.locator('[data-test=ding-receipts]')
    await expect(receipts.locator('.el-table__row', { hasText: '李娜' })).toContainText('已确认')
    await noSideScroll(lin, kind + ' ding receipts')
    await shot(lin, `ding-ack-${kind}`)
    const api = (await (await lin.request.get('/api/v1/ding?box=sent')).json()).items.find((d: { message: string }) => d.message === text)
    expect(api.receipts).toEqual([expect.objectContaining({ user_id: id('emp'), acked_at: expect.any(String) })])
  })

  test(`${kind}: an announcement is read from the bell and acknowledged; the receipt shows`, async ({ browser, request, baseURL }) => {
    const { token, id } = await team(request)
    const title = `${phone ? '手机' : '电脑'}：关于元旦放假安排的通知`
    const li = await as(browser, baseURL!, 'emp', opts)
    await li.goto('/')
    await expect(li.locator('[data-test=bell]')).toBeVisible()
    const an = await call(request, 'POST', '/api/v1/announcements', await token('admin'), {
      title, everyone: true, require_ack: true, format: 'markdown',
      body: '## 放假时间\n\n**1月1日至1月3日**放假，共 3 天。\n\n- 1月4日（周日）上班\n- 值班安排见附表',
    })

    // The bell counts it live; she opens it from there.
    await expect(li.locator('[data-test=bell-badge] .el-badge__content')).toBeVisible()
    await press(phone, li.locator('[data-test=bell]'))
    const item = li.locator('[data-test=bell-item]', { hasText: title })
    await expect(item).toBeVisible()
    await noSideScroll(li, kind + ' bell')
    await press(phone, item)
    await expect(li).toHaveURL(new RegExp('/announcements/' + an.id))
    await expect(li.locator('[data-test=announcement-detail-title]')).toHaveText(title)
    // Rendered, not Markdown source.
    const body = li.locator('.ad-body')
    await expect(body.locator('h2, h3').first()).toHaveText('放假时间')
    await expect(body.locator('strong')).toHaveText('1月1日至1月3日')
    await expect(body.locator('li')).toHaveText(['1月4日（周日）上班', '值班安排见附表'])
    await expect(body).not.toContainText('**')
    await noSideScroll(li, kind + ' announcement')
    await press(phone, li.locator('[data-test=announcement-ack]'))
    await expect(li.locator('[data-test=announcement-acked]')).toHaveText(/^已于 .+ 确认$/)
    await shot(li, `announcement-ack-${kind}`)
    // Her list says so too.
    await li.goto('/announcements')
    const listed = li.locator('[data-test=announcements] :is(.el-table__row, [data-test=card])', { hasText: title })
    await expect(listed).toContainText('已确认')
    await isCardOrRow(phone, listed)

    // The publisher's receipts: 李娜 under 已确认, with the time.
    const admin = await as(browser, baseURL!, 'admin', opts)
    await admin.goto('/announcements/' + an.id)
    const receipts = admin.locator('[data-test=announcement-receipts]')
    await press(phone, receipts.locator('.el-tabs__item', { hasText: '已确认 (1)' }))
    await expect(receipts.locator('.el-tab-pane:visible .el-table__row', { hasText: '李娜' })).toContainText(/\d{4}/)
    await noSideScroll(admin, kind + ' announcement receipts')
    await shot(admin, `announcement-receipts-${kind}`)
    const r = await call(request, 'GET', `/api/v1/announcements/${an.id}/receipts`, await token('admin'))
    expect(r.acknowledged.map((x: { user_id: string }) => x.user_id)).toEqual([id('emp')])
  })

  test(`${kind}: browse the drive to a file and download it; the bytes are the uploaded ones`, async ({ browser, request, baseURL }) => {
    const { token } = await team(request)
    const admin = await token('admin')
    const space = (await call(request, 'GET', '/api/v1/drive/spaces', admin)).items.find((s: { kind: string }) => s.kind === 'company')
    const folder = `${phone ? '手机' : '电脑'}合同`
    const f = await call(request, 'POST', '/api/v1/drive/folders', admin, { parent_id: space.root_id, name: folder })
    // Binary, not text: nothing on the way (compression, charset) may change a byte.
    const bytes = randomBytes(300 * 1024 + 17)
    const name = '2027 年框架合同（扫描件）.pdf'
    const up = await request.post('/api/v1/drive/files?parent_id=' + f.id, { headers: { Authorization: 'Bearer ' + admin },
      multipart: { file: { name, mimeType: 'application/pdf', buffer: bytes } } })
    expect(up.status()).toBe(201)

    const li = await as(browser, baseURL!, 'emp', opts)
    await li.goto('/drive')
    await press(phone, li.locator('[data-test=space-company]'))
    await press(phone, entryRow(li, folder).locator('[data-test=entry-open]'))
    await expect(li).toHaveURL(new RegExp('/drive/f/' + f.id))
    const row = entryRow(li, name)
    await expect(row).toContainText('300')
    await noSideScroll(li, kind + ' drive folder')
    await shot(li, `drive-download-${kind}`)
    const [download] = await Promise.all([li.waitForEvent('download'), press(phone, row.locator('[data-test=row-download]'))])
    expect(await download.failure()).toBeNull()
    expect(download.suggestedFilename()).toBe(name)
    const got = readFileSync((await download.path())!)
    expect(got.length).toBe(bytes.length)
    expect(createHash('sha256').update(got).digest('hex')).toBe(createHash('sha256').update(bytes).digest('hex'))
  })

  test(`${kind}: a meeting's published minutes open as a read-only document`, async ({ browser, request, baseURL }) => {
    const { token, id } = await team(request)
    const head = await token('head')
    const title = `${phone ? '手机' : '电脑'}：销售周会`
    const day = new Date(Date.now() + 2 * 24 * 3600e3).toISOString().slice(0, 10)
    // 林主管 organizes and takes the minutes; 李娜 sits in his department, 王总 does not.
    const m = (await call(request, 'POST', '/api/v1/meetings', head, {
      title, start: day + 'T10:00', end: day + 'T11:00', time_zone: 'Asia/Shanghai', place: '3 楼会议室',
      attendee_ids: [id('emp'), id('gm')], minute_taker_id: id('head'),
    })).meeting
    const due = new Date(Date.now() + 7 * 24 * 3600e3).toISOString().slice(0, 10)
    const saved = await call(request, 'PUT', `/api/v1/meetings/${m.id}/minutes`, head, {
      present: [id('head'), id('emp')], absent: [id('gm')], version: 0,
      discussion: '回顾了本周的客户拜访和报价进度。',
      decisions: ['下周起报价单统一用新模板', '大客户拜访由林主管陪同'],
      action_items: [{ title: '整理新报价模板', owner_id: id('emp'), due }],
    })
    await call(request, 'POST', `/api/v1/meetings/${m.id}/minutes/publish`, head, { version: saved.version })

    const li = await as(browser, baseURL!, 'emp', opts)
    // Her calendar: one day at a time on the phone, the week on the desktop.
    await li.goto('/meetings')
    await expect(li.locator(phone ? '.fc-timeGridDay-view' : '.fc-timeGridWeek-view')).toBeVisible()
    await noSideScroll(li, kind + ' calendar')
    await press(phone, li.locator('[data-test=bell]'))
    await press(phone, li.locator('[data-test=bell-item]', { hasText: `会议纪要已发布：${title}` }).first())
    await expect(li).toHaveURL(new RegExp('/meetings/' + m.id))
    await expect(li.locator('[data-test=meeting-title]')).toHaveText(title)
    const doc = li.locator('[data-test=minutes-document]')
    await expect(doc.locator('[data-test=minutes-document-name]')).toContainText(`${title} 纪要.md`)
    await expect(doc.locator('[data-test=minutes-document-role]')).toHaveText('只读')
    const body = doc.locator('[data-test=minutes-document-body]')
    // A document: heading, the decisions as a list, the action items as a table; no Markdown marks.
    await expect(body.locator('h2')).toContainText(`${title} 纪要`)
    await expect(body.locator('h3', { hasText: '决议' })).toBeVisible()
    await expect(body.locator('ol li')).toHaveText(['下周起报价单统一用新模板', '大客户拜访由林主管陪同'])
    await expect(body.locator('table tr', { hasText: '整理新报价模板' }).locator('td')).toHaveText(['整理新报价模板', '李娜', due])
    await expect(body).toContainText('缺席：王总')
    // Its links read as words on the phone too, each on one line (not a character per line).
    for (const link of [doc.locator('[data-test=minutes-document-open]'), doc.getByRole('link', { name: '下载' })]) {
      expect((await link.boundingBox())!.height, 'one line').toBeLessThan(30)
    }
    await expect(body).not.toContainText('## ')
    await expect(body).not.toContainText('|')
    // Hers to read, not to write: no editor, and the drive refuses a change.
    await expect(li.locator('[data-test=publish-minutes]')).toHaveCount(0)
    await expect(li.locator('[data-test=discussion]')).toHaveCount(0)
    await noSideScroll(li, kind + ' minutes')
    await doc.scrollIntoViewIfNeeded()
    await shot(li, `meeting-minutes-${kind}`)
    const docId = (await call(request, 'GET', `/api/v1/meetings/${m.id}/minutes`, await token('emp'))).document_id as string
    const entry = await (await li.request.get('/api/v1/drive/entries/' + docId)).json()
    expect(entry.role).toBe('viewer')
    const rename = await li.request.patch('/api/v1/drive/entries/' + docId, { headers: { 'X-Tack-Request': '1' }, data: { name: '改名.md', version: entry.version } })
    expect(rename.status()).toBe(403)
  })

  test(`${kind}: a detail page shows a skeleton while it loads, and says what is wrong with the way back`, async ({ browser, request, baseURL }) => {
    await team(request)
    const li = await as(browser, baseURL!, 'emp', opts)
    // The announcement's answer is held until the skeleton has been seen.
    let release!: () => void
    const held = new Promise<void>((r) => { release = r })
    await li.route('**/api/v1/announcements/*', async (route) => { await held; await route.continue() })
    await li.goto('/announcements/no-such-announcement')
    await expect(li.locator('[data-test=detail-skeleton]')).toBeVisible()
    await noSideScroll(li, kind + ' skeleton')
    await shot(li, `detail-skeleton-${kind}`)
    release()
    // Not there: said in words, with the way back to the list, never a blank page.
    for (const [list, text] of [['/announcements', '公告不存在'], ['/ding', 'DING 不存在'], ['/approvals', '审批不存在或无权查看'], ['/meetings', '会议不存在']]) {
      if (list !== '/announcements') await li.goto(list + '/no-such-' + list.slice(1))
      await expect(li.locator('[data-test=detail-error]')).toContainText(text)
      await noSideScroll(li, `${kind} ${list} missing`)
      if (list === '/ding') await shot(li, `detail-missing-${kind}`)
      await press(phone, li.locator('[data-test=detail-back]'))
      await expect(li).toHaveURL(new RegExp(list + '$'))
    }
  })

  test(`${kind}: the app shell paints before any script and while the session check runs`, async ({ browser, request, baseURL }) => {
    await team(request)
    const li = await as(browser, baseURL!, 'emp', opts)
    // Scripts and the session check are held: index.html alone must paint.
    const gate = () => { let open!: () => void; const p = new Promise<void>((r) => { open = r }); return { p, open } }
    const scripts = gate()
    const me = gate()
    await li.route('**/assets/*.js', async (route) => { await scripts.p; await route.continue() })
    await li.route('**/api/v1/me', async (route) => { await me.p; await route.continue() })
    await li.goto('/approvals', { waitUntil: 'commit' })
    await expect(li.locator('[data-test=app-shell]')).toBeVisible()
    await noSideScroll(li, kind + ' app shell')
    await shot(li, `app-shell-${kind}`)
    const asked = li.waitForRequest('**/api/v1/me')
    scripts.open()
    await asked
    await expect(li.locator('[data-test=app-shell]')).toBeVisible() // still there, not a blank page
    me.open()
    await expect(li.locator('[data-test=app-shell]')).toHaveCount(0)
    await expect(li.locator(phone ? '[data-test=tabbar]' : '[data-test=sidebar]')).toBeVisible()
  })
}
