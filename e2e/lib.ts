// What the specs share: API calls with a bearer token, the first-run setup
// of a fresh server, and browser contexts signed in through the API.
import { expect, type APIRequestContext, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from '@playwright/test'

/** PASSWORD is every account's password in the specs. */
export const PASSWORD = 'password123'

/** call sends one API request (token '' for none), fails the test unless it succeeds, and returns its JSON. */
export async function call(req: APIRequestContext, method: string, path: string, token: string, data?: unknown) {
  const r = await req.fetch(path, { method, data, headers: token ? { Authorization: 'Bearer ' + token } : {} })
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

/** signedIn is a new browser context (opts plus baseURL) whose cookie jar is signed in as email. */
export async function signedIn(browser: Browser, baseURL: string, email: string, opts: BrowserContextOptions = {}): Promise<BrowserContext> {
  const ctx = await browser.newContext({ ...opts, baseURL })
  const r = await ctx.request.post('/api/v1/auth/login', { data: { email, password: PASSWORD } })
  expect(r.ok(), `login ${email}: ${r.status()}`).toBeTruthy()
  return ctx
}

/** shanghai formats an instant (ISO text or epoch ms) as the date pickers show it in Asia/Shanghai, the specs' time zone. */
export function shanghai(t: string | number, withTime = true) {
  const d = new Date(new Date(t).getTime() + 8 * 3600e3).toISOString()
  return withTime ? d.slice(0, 10) + ' ' + d.slice(11, 16) : d.slice(0, 10)
}

/** entryRow is the row of the file or folder name in the drive's entry list. */
export const entryRow = (page: Page, name: string) =>
  page.locator(`[data-test=entry-list] .el-table__row`, { has: page.locator(`[data-test=entry-row][data-name="${name}"]`) })

/** signedInPage is a page of a new signedIn context. */
export async function signedInPage(browser: Browser, baseURL: string, email: string, opts: BrowserContextOptions = {}): Promise<Page> {
  return (await signedIn(browser, baseURL, email, opts)).newPage()
}
