// The layout walk: every main page at one viewport, a phone (390×844, touch)
// or a desktop (1280×800): nothing scrolls sideways, the phone has the bottom
// tab bar instead of the sidebar (and 我的 holds the other sections), lists are
// cards, the leave form keeps its route visible below it, dialogs are
// full-screen sheets; the desktop keeps the sidebar and remembers folding it.
// Screenshots go to artifacts/layout-<viewport>-<page>.png.
// phone-layout.spec.ts walks the phone and desktop-layout.spec.ts the desktop:
// two spec files run at once, each on its own server with its own copy of the
// data (one walk of both took 5 min at load 37, the longest spec of the run).
import { expect, type APIRequestContext, type Browser, type BrowserContextOptions, type Page } from '@playwright/test'
import { call, entryRow, noSideScroll, salesTeam, signedInPage, submitLeave } from './lib'

// The pages an admin walks, and what shows once each has loaded.
export const PAGES: [name: string, path: string, ready: string][] = [
  ['home', '/', '[data-test=company-name]'],
  ['approvals', '/approvals?box=all', '[data-test=row-title]'],
  ['drive', '/drive', '.tk-main'],
  ['notifications', '/notifications', '.tk-main'],
  ['chat', '/chat', '[data-test=chat]'],
  ['attendance', '/attendance', '.tk-main'],
  ['attendance-team', '/attendance/team', '.tk-main'],
  ['attendance-settings', '/attendance/settings', '.tk-main'],
  ['reports', '/reports', '.tk-main'],
  ['reports-write', '/reports/write', '.tk-main'],
  ['reports-week', '/reports/week', '.tk-main'],
  ['ding', '/ding', '[data-test=dings]'],
  ['announcements', '/announcements', '[data-test=announcements]'],
  ['contacts', '/contacts', '.tk-main'],
  ['meetings', '/meetings', '.tk-main'],
  ['tasks', '/tasks', '.tk-main'],
  ['profile', '/profile', '.tk-main'],
  ['admin-users', '/admin/users', '.tk-main'],
  ['admin-departments', '/admin/departments', '.tk-main'],
  ['admin-roles', '/admin/roles', '.tk-main'],
  ['admin-audit', '/admin/audit', '[data-test=audit-table]'],
  ['admin-calendar', '/admin/calendar', '[data-test=work-week]'],
]

export async function settled(page: Page, ready: string) {
  await expect(page.locator(ready).first()).toBeVisible()
  // Wait for the page's requests to finish (the live event stream is not counted once connected).
  await page.waitForLoadState('networkidle', { timeout: 15_000 }).catch(() => undefined)
  await expect(page.locator('.el-loading-mask:visible')).toHaveCount(0)
}

/** seedLayout sets up the company the walk shows: a leave, an announcement with a reminder, the drive's folder, files, a share and the trash. */
export async function seedLayout(request: APIRequestContext) {
  const team = await salesTeam(request, 'layout.test')
  await submitLeave(request, team.empToken, '2027-03-01', '2027-03-02', '家中有事')
  const an = await call(request, 'POST', '/api/v1/announcements', team.token, { title: '消防演练通知', body: '周五下午', format: 'plain', everyone: true })
  await call(request, 'POST', `/api/v1/announcements/${an.id}/remind`, team.token)
  const leave = (await call(request, 'GET', '/api/v1/approval/templates', team.token)).items.find((x: { builtin_key: string }) => x.builtin_key === 'leave')
  const space = (await call(request, 'GET', '/api/v1/drive/spaces', team.token)).items.find((s: { kind: string }) => s.kind === 'company')
  await call(request, 'POST', '/api/v1/drive/folders', team.token, { parent_id: space.root_id, name: '方案' })
  const up = await request.post('/api/v1/drive/files?parent_id=' + space.root_id, { headers: { Authorization: 'Bearer ' + team.token },
    multipart: { file: { name: '报价单.txt', mimeType: 'text/plain', buffer: Buffer.from('单价 100 元') } } })
  expect(up.status()).toBe(201)
  // For shared with me, search and the trash: 李娜 shares a draft from her own
  // space with the admin; an old contract is in the company space's trash.
  const upload = async (token: string, parent: string, name: string, text: string) => {
    const r = await request.post('/api/v1/drive/files?parent_id=' + parent, { headers: { Authorization: 'Bearer ' + token },
      multipart: { file: { name, mimeType: 'text/plain', buffer: Buffer.from(text) } } })
    expect(r.status()).toBe(201)
    return (await r.json()) as { id: string; version: number }
  }
  const mine = (await call(request, 'GET', '/api/v1/drive/spaces', team.empToken)).items.find((s: { kind: string }) => s.kind === 'personal')
  const draft = await upload(team.empToken, mine.root_id, '周报草稿.txt', '本周完成三家客户拜访')
  await call(request, 'POST', `/api/v1/drive/entries/${draft.id}/permissions`, team.empToken, { principal_type: 'user', principal_id: team.user.id, role: 'viewer' })
  const old = await upload(team.token, space.root_id, '旧合同.txt', '作废')
  const trashOld = async () => {
    const e = await call(request, 'GET', '/api/v1/drive/entries/' + old.id, team.token)
    const r = await request.delete(`/api/v1/drive/entries/${old.id}?version=${e.version}`, { headers: { Authorization: 'Bearer ' + team.token } })
    expect(r.status()).toBe(204)
  }
  await trashOld()
  return { team, leave, space, old, trashOld }
}

/** walkLayout walks every page at one viewport, signed in as the admin of seedLayout's company. */
export async function walkLayout(browser: Browser, baseURL: string, request: APIRequestContext, kind: 'phone' | 'desktop',
  opts: BrowserContextOptions, seeded: Awaited<ReturnType<typeof seedLayout>>) {
  const { team, leave, space, old, trashOld } = seeded
  const phone = kind === 'phone'
  // The sign-in page, signed out.
  const anon = await (await browser.newContext({ ...opts, baseURL })).newPage()
  await anon.goto('/login')
  await expect(anon.locator('input').first()).toBeVisible()
  await noSideScroll(anon, kind + ' login')
  await anon.screenshot({ path: `artifacts/layout-${kind}-login.png` })

  const page = await signedInPage(browser, baseURL!, 'admin@layout.test', opts)
  for (const [name, path, ready] of PAGES) {
    await page.goto(path)
    await settled(page, ready)
    await noSideScroll(page, `${kind} ${name}`)
    if (phone) {
      await expect(page.locator('[data-test=tabbar]')).toBeVisible()
      await expect(page.locator('[data-test=sidebar]')).toHaveCount(0)
    } else {
      await expect(page.locator('[data-test=tabbar]')).toHaveCount(0)
      await expect(page.locator('[data-test=sidebar]')).toBeVisible()
    }
    await page.screenshot({ path: `artifacts/layout-${kind}-${name}.png`, fullPage: true })
  }

  // Lists are cards on a phone and tables on a desktop.
  await page.goto('/approvals?box=all')
  await expect(page.locator('[data-test=row-title]')).toContainText('李娜的请假')
  await expect(page.locator('[data-test=card-list]')).toHaveCount(phone ? 1 : 0)

  // The drive: cards on a phone with every action a tap away, the table on a desktop.
  await page.goto('/drive/s/' + space.id)
  await expect(entryRow(page, '方案')).toBeVisible()
  await expect(entryRow(page, '报价单.txt')).toContainText('14 B')
  await expect(page.locator('[data-test=entry-list] .el-table__row')).toHaveCount(phone ? 0 : 2)
  await noSideScroll(page, kind + ' drive folder')
  await page.screenshot({ path: `artifacts/layout-${kind}-drive-folder.png`, fullPage: true })
  if (phone) {
    const file = entryRow(page, '报价单.txt')
    await expect(file.locator('[data-test=row-download]')).toBeVisible()
    await expect(file.locator('[data-test=row-share]')).toBeVisible()
    await file.locator('[data-test=row-more]').tap()
    for (const a of ['rename', 'move', 'trash']) await expect(page.locator(`.el-dropdown-menu:visible [data-test=action-${a}]`)).toBeVisible()
    await page.screenshot({ path: `artifacts/layout-phone-drive-menu.png` })
    await page.locator('.el-dropdown-menu:visible [data-test=action-rename]').tap()
    await expect(page.locator('.el-dialog:visible')).toHaveClass(/is-fullscreen/)
    await page.keyboard.press('Escape')
    await expect(page.locator('.el-dialog:visible')).toHaveCount(0)
    // A tap on the checkbox selects the card; the bulk bar offers move and delete.
    await file.locator('[data-test=entry-select]').tap()
    await expect(page.locator('[data-test=selected-count]')).toBeVisible()
    await expect(page.locator('[data-test=bulk-move]')).toBeVisible()
    await expect(page.locator('[data-test=bulk-trash]')).toBeVisible()
    await page.locator('[data-test=clear-selection]').tap()
    await expect(page.locator('[data-test=selected-count]')).toHaveCount(0)
    // Tapping the folder's card opens it.
    await entryRow(page, '方案').locator('[data-test=entry-open]').tap()
    await expect(page).toHaveURL(/\/drive\/f\//)
  }

  // Shared with me, search and a space's trash: the folder's cards on a phone
  // (same actions), tables on a desktop; nothing scrolls sideways.
  const cards = (view: string) => page.locator(`[data-test=${view}] [data-test=card]`)
  const rows = (view: string) => page.locator(`[data-test=${view}] .el-table__row`)
  await page.goto('/drive/shared')
  const shared = entryRow(page, '周报草稿.txt')
  await expect(shared).toBeVisible()
  await expect(shared.locator('[data-test=entry-role]')).toHaveText('可查看')
  await expect(cards('shared-view')).toHaveCount(phone ? 1 : 0)
  await expect(rows('shared-view')).toHaveCount(phone ? 0 : 1)
  await expect(shared.locator('[data-test=row-download]')).toBeVisible()
  if (phone) await expect(shared.locator('[data-test=entry-location]')).toHaveText(/\S/)
  await noSideScroll(page, kind + ' drive shared')
  await page.screenshot({ path: `artifacts/layout-${kind}-drive-shared.png`, fullPage: true })
  if (phone) {
    // Tapping the card previews the text file.
    await shared.locator('[data-test=entry-open]').tap()
    await expect(page.locator('.el-dialog:visible')).toContainText('本周完成三家客户拜访')
    await page.keyboard.press('Escape')
    await expect(page.locator('.el-dialog:visible')).toHaveCount(0)
  }

  await page.goto('/drive/search?q=' + encodeURIComponent('报价'))
  const hit = entryRow(page, '报价单.txt')
  await expect(hit).toBeVisible()
  await expect(cards('search-view')).toHaveCount(phone ? 1 : 0)
  await expect(rows('search-view')).toHaveCount(phone ? 0 : 1)
  await noSideScroll(page, kind + ' drive search')
  await page.screenshot({ path: `artifacts/layout-${kind}-drive-search.png`, fullPage: true })
  if (phone) {
    await expect(hit.locator('[data-test=row-share]')).toBeVisible()
    await hit.locator('[data-test=row-more]').tap()
    for (const a of ['rename', 'move', 'versions', 'trash']) await expect(page.locator(`.el-dropdown-menu:visible [data-test=action-${a}]`)).toBeVisible()
    await page.keyboard.press('Escape')
  }

  await page.goto('/drive/trash/' + space.id)
  const gone = page.locator('[data-test=trash-list] :is(.el-table__row, [data-test=card])', { has: page.locator('[data-test=trash-row][data-name="旧合同.txt"]') })
  await expect(gone).toBeVisible()
  await expect(cards('trash-view')).toHaveCount(phone ? 1 : 0)
  await expect(rows('trash-view')).toHaveCount(phone ? 0 : 1)
  await expect(gone.locator('[data-test=trash-restore]')).toBeVisible()
  await expect(gone.locator('[data-test=trash-purge]')).toBeVisible()
  await noSideScroll(page, kind + ' drive trash')
  if (phone) {
    // The checkbox feeds the bulk buttons; restoring from the card brings the file back.
    await gone.locator('[data-test=entry-select]').tap()
    await expect(page.locator('[data-test=bulk-restore]')).toBeVisible()
    await expect(page.locator('[data-test=bulk-purge]')).toBeVisible()
    await page.screenshot({ path: `artifacts/layout-phone-drive-trash.png`, fullPage: true })
    await gone.locator('[data-test=trash-restore]').tap()
    await expect(gone).toHaveCount(0)
    await expect(page.locator('[data-test=trash-view] [data-test=empty-state]')).toBeVisible()
    const back = (await call(request, 'GET', '/api/v1/drive/entries/' + old.id, team.token)) as { deleted: boolean }
    expect(back.deleted).toBe(false)
    await trashOld() // back in the trash, as seeded
  } else {
    await page.screenshot({ path: `artifacts/layout-desktop-drive-trash.png`, fullPage: true })
  }

  // The leave form: full width on a phone, the route stays visible below it.
  await page.goto('/approvals/new/' + leave.id)
  const form = page.locator('[data-test=approval-form]')
  await expect(form).toBeVisible()
  await expect(page.locator('[data-test=route-preview]')).toBeVisible()
  const fw = (await form.boundingBox())!.width
  if (phone) expect(fw).toBeGreaterThan(300)
  await page.locator('[data-test=route-preview]').scrollIntoViewIfNeeded()
  await expect(page.locator('[data-test=route-preview]')).toBeInViewport()
  await noSideScroll(page, kind + ' leave form')
  await page.screenshot({ path: `artifacts/layout-${kind}-leave.png`, fullPage: true })
  if (phone) {
    // The date picker's panel fits the phone: nothing of it off screen.
    await page.locator('[data-test=field-period] .el-date-editor input').first().tap()
    const panel = page.locator('.el-picker-panel:visible').first()
    await expect(panel).toBeVisible()
    const box = (await panel.boundingBox())!
    expect(box.x, 'picker left edge').toBeGreaterThanOrEqual(0)
    expect(box.x + box.width, 'picker right edge').toBeLessThanOrEqual(390)
    await page.screenshot({ path: 'artifacts/layout-phone-leave-picker.png' })
    await page.keyboard.press('Escape')
  }

  // The DING dialog is a full-screen sheet on a phone.
  await page.goto('/ding')
  await page.click('[data-test=ding-new]')
  const dialog = page.locator('.el-dialog:visible')
  await expect(dialog).toBeVisible()
  await expect(dialog).toHaveClass(phone ? /is-fullscreen/ : /el-dialog/)
  if (!phone) await expect(dialog).not.toHaveClass(/is-fullscreen/)
  await noSideScroll(page, kind + ' ding dialog')
  await page.screenshot({ path: `artifacts/layout-${kind}-ding-dialog.png` })

  if (phone) {
    // 我的 lists profile and the sections that have no tab; one opens the admin pages.
    await page.goto('/')
    await page.locator('[data-test=tab-me]').tap()
    const sheet = page.locator('[data-test=me-sheet]')
    await expect(sheet.locator('[data-test=me-profile]')).toBeVisible()
    await expect(sheet.locator('[data-test=me-drive]')).toBeVisible()
    await page.screenshot({ path: `artifacts/layout-phone-me.png` })
    await sheet.locator('[data-test="me-/admin"]').tap()
    await expect(page).toHaveURL(/\/admin\//)
    await page.locator('[data-test=tab-approvals]').tap()
    await expect(page).toHaveURL(/\/approvals$/)
    await expect(page.locator('[data-test=tab-approvals]')).toHaveClass(/is-active/)
  } else {
    // The folded menu is remembered across a reload.
    await page.goto('/')
    await page.click('[data-test=nav-collapse]')
    await expect(page.locator('[data-test=sidebar]')).toHaveCSS('width', '64px')
    await page.reload()
    await expect(page.locator('[data-test=sidebar]')).toHaveCSS('width', '64px')
    await page.click('[data-test=nav-collapse]')
    await expect(page.locator('[data-test=sidebar]')).toHaveCSS('width', '208px')
  }
}
