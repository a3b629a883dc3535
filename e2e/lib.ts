// What the specs share: API calls with a bearer token, the first-run setup
// of a fresh server, and browser contexts signed in through the API.
import { expect, type APIRequestContext, type Browser, type BrowserContext, type BrowserContextOptions, type Locator, type Page } from '@playwright/test'

/** PASSWORD is every account's password in the specs. */
export const PASSWORD = 'password123'

/** PHONE is the phone (390×844, touch); DESKTOP the desktop window. Context options for signedIn. */
export const PHONE: BrowserContextOptions = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true }
export const DESKTOP: BrowserContextOptions = { viewport: { width: 1280, height: 800 } }
/** VIEWPORTS are both, by name, for a flow that runs on each. */
export const VIEWPORTS = [['phone', PHONE], ['desktop', DESKTOP]] as const

/** A small JPEG (a 1×1 white pixel): the photo of a field punch. */
export const PHOTO = Buffer.from(
  '/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////' +
  '2wBDAf//////////////////////////////////////////////////////////////////////////////////////wAARCAABAAEDASIAAhEBAxEB/8QAFQAB' +
  'AQAAAAAAAAAAAAAAAAAAAAP/xAAUEAEAAAAAAAAAAAAAAAAAAAAA/8QAFQEBAQAAAAAAAAAAAAAAAAAAAAL/xAAUEQEAAAAAAAAAAAAAAAAAAAAA/9oADAMBAAIRAxEAPwCwAB//2Q==',
  'base64')

/** call sends one API request (token '' for none), fails the test unless it succeeds, and returns its JSON. */
export async function call(req: APIRequestContext, method: string, path: string, token: string, data?: unknown) {
  // X-Tack-Request as the UI sends it: sign-in and setup require it.
  const headers: Record<string, string> = { 'X-Tack-Request': '1' }
  if (token) headers.Authorization = 'Bearer ' + token
  const r = await req.fetch(path, { method, data, headers })
  expect(r.ok(), `${method} ${path}: ${r.status()} ${await r.text()}`).toBeTruthy()
  return r.json()
}

/**
 * setupCompany runs the first-run setup: company 示例科技, admin 王管理
 * <admin@domain>. It returns the setup answer (token, user) and the root
 * department.
 */
export async function setupCompany(req: APIRequestContext, domain: string) {
  const setup = await call(req, 'POST', '/api/v1/setup', '', {
    company_name: '示例科技', admin: { name: '王管理', email: 'admin@' + domain, password: PASSWORD, phone: '13800000000', title: '管理员' },
  })
  const root = (await call(req, 'GET', '/api/v1/departments', setup.token)).items[0]
  return { token: setup.token as string, user: setup.user as { id: string }, root: root as { id: string } }
}

/**
 * salesTeam runs the first-run setup and adds a general manager 王总 (gm@domain) in the company
 * root, a department 销售部 headed by 林主管 (head@domain, dept_head, reporting to 王总) and an
 * employee 李娜 (emp@domain) in it. mk adds more people (root department unless given).
 */
export async function salesTeam(req: APIRequestContext, domain: string) {
  const setup = await setupCompany(req, domain)
  const mk = async (email: string, name: string, title: string, roles: string[], dept = setup.root.id) =>
    (await call(req, 'POST', '/api/v1/users', setup.token, { email, name, department_id: dept, title, phone: '139' + String(Math.random()).slice(2, 10), roles, password: PASSWORD })).user
  const gm = await mk('gm@' + domain, '王总', '总经理', ['general_manager'])
  const head = await mk('head@' + domain, '林主管', '销售总监', ['dept_head'])
  const sales = await call(req, 'POST', '/api/v1/departments', setup.token, { name: '销售部', parent_id: setup.root.id, head_id: head.id })
  await call(req, 'PATCH', '/api/v1/users/' + head.id, setup.token, { department_id: sales.id, manager_id: gm.id, version: head.version })
  const emp = await mk('emp@' + domain, '李娜', '销售', [], sales.id)
  const empToken = (await call(req, 'POST', '/api/v1/auth/login', '', { email: 'emp@' + domain, password: PASSWORD })).token as string
  return { ...setup, mk, gm, head, sales, emp, empToken }
}

/** submitLeave submits a leave request (type personal) as the holder of token; start and end are dates. */
export async function submitLeave(req: APIRequestContext, token: string, start: string, end: string, reason: string) {
  const leave = (await call(req, 'GET', '/api/v1/approval/templates', token)).items.find((x: { builtin_key: string }) => x.builtin_key === 'leave')
  return call(req, 'POST', '/api/v1/approvals', token, { template_id: leave.id, form: { leave_type: 'personal', period: { start, end }, reason } })
}

/**
 * cspViolations collects what the server's Content-Security-Policy blocked in
 * the pages of signedIn contexts (Chromium reports each on the console); a
 * spec asserts it stays empty (see drive.spec.ts).
 */
export const cspViolations: string[] = []

/** watchCSP records the CSP violations of every page of ctx in cspViolations. */
export function watchCSP(ctx: BrowserContext) {
  ctx.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text()) })
}

/** signedIn is a new browser context (opts plus baseURL) whose cookie jar is signed in as email. */
export async function signedIn(browser: Browser, baseURL: string, email: string, opts: BrowserContextOptions = {}): Promise<BrowserContext> {
  const ctx = await browser.newContext({ ...opts, baseURL })
  watchCSP(ctx)
  const r = await ctx.request.post('/api/v1/auth/login', { data: { email, password: PASSWORD }, headers: { 'X-Tack-Request': '1' } })
  expect(r.ok(), `login ${email}: ${r.status()}`).toBeTruthy()
  return ctx
}

/** shanghai formats an instant (ISO text or epoch ms) as the date pickers show it in Asia/Shanghai, the specs' time zone. */
export function shanghai(t: string | number, withTime = true) {
  const d = new Date(new Date(t).getTime() + 8 * 3600e3).toISOString()
  return withTime ? d.slice(0, 10) + ' ' + d.slice(11, 16) : d.slice(0, 10)
}

/** entryRow is the row (desktop table) or card (phone) of the file or folder name in the drive's entry list. */
export const entryRow = (page: Page, name: string) =>
  page.locator(`[data-test=entry-list] :is(.el-table__row, [data-test=card])`, { has: page.locator(`[data-test=entry-row][data-name="${name}"]`) })

/** noSideScroll fails unless the page and the shell's content pane fit the width (no horizontal scrolling). */
export async function noSideScroll(page: Page, what: string) {
  const [sw, iw] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth])
  expect(sw, `${what}: scrollWidth ${sw} > innerWidth ${iw}`).toBeLessThanOrEqual(iw)
  // The shell scrolls its content pane, not the document: that pane must not scroll sideways either.
  const main = await page.evaluate(() => { const m = document.querySelector('.tk-main'); return m ? [m.scrollWidth, m.clientWidth] : [0, 0] })
  expect(main[0], `${what}: content pane scrollWidth ${main[0]} > ${main[1]}`).toBeLessThanOrEqual(main[1])
}

/** signedInPage is a page of a new signedIn context. */
export async function signedInPage(browser: Browser, baseURL: string, email: string, opts: BrowserContextOptions = {}): Promise<Page> {
  return (await signedIn(browser, baseURL, email, opts)).newPage()
}

// Picks a person in a remote-search el-select (single or multiple). The search
// re-renders its option list when results arrive, so a click can land on a list
// that is being replaced: type the whole name, click, and retry until the
// choice shows in the box (a tag, or the selected label of a single select).
// It never clicks an option whose choice already shows, which would unselect it.
export async function pickPerson(page: Page, box: Locator, name: string) {
  const chosen = box.locator('.el-tag, .el-select__placeholder:not(.is-transparent)', { hasText: name })
  await expect(async () => {
    if (await chosen.count()) return
    await box.click()
    await box.locator('input').first().fill(name)
    await page.locator('.el-select-dropdown__item:visible', { hasText: name }).first().click({ timeout: 5_000 })
    await expect(chosen.first()).toBeVisible({ timeout: 3_000 })
  }).toPass({ timeout: 60_000 })
}
