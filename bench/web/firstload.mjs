// First-load benchmark: time from navigation to the login form being visible
// (the email field) and from sign-in to the approvals inbox, in Chromium on a throttled 4G profile (9 Mbps down,
// 60 ms latency, cold cache, a fresh browser context per run), for two tack
// binaries in the same run — normally today's main and this branch — plus
// the bytes that crossed the wire.
//
//   node bench/web/firstload.mjs OLD_BINARY NEW_BINARY [runs]
//   (RUNS default 7, port base BENCH_PORT_BASE default 20210)
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createRequire } from 'node:module'

const require = createRequire(new URL('../../e2e/package.json', import.meta.url))
const { chromium } = require('playwright-core')

const [oldBin, newBin, runsArg] = process.argv.slice(2)
if (!oldBin || !newBin) {
  console.error('usage: node bench/web/firstload.mjs OLD_BINARY NEW_BINARY [runs]')
  process.exit(2)
}
const RUNS = Number(runsArg ?? 7)
const base = Number(process.env.BENCH_PORT_BASE ?? 20210)
const PROFILE = { offline: false, latency: 60, downloadThroughput: (9e6 / 8), uploadThroughput: (9e6 / 8) }

async function waitHealthy(url) {
  for (let i = 0; i < 600; i++) {
    try { if ((await fetch(url + '/api/v1/healthz')).ok) return } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error('server did not come up: ' + url)
}

async function startServer(bin, port) {
  const dir = mkdtempSync(join(tmpdir(), 'tack-webbench-'))
  const p = spawn(bin, ['serve', '--addr', `127.0.0.1:${port}`, '--data-dir', dir], { stdio: 'ignore' })
  const url = `http://127.0.0.1:${port}`
  await waitHealthy(url)
  // A set-up company, so / and /login show the sign-in form (not first-run setup).
  const r = await fetch(url + '/api/v1/setup', {
    method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Tack-Request': '1', Origin: url },
    body: JSON.stringify({ company_name: 'Bench Co', admin: { name: 'Admin', email: 'admin@bench.example', password: 'Bench-passw0rd!', phone: '13800000000', title: 'Admin' } }),
  })
  if (r.status !== 201) throw new Error(`setup on ${url}: ${r.status} ${await r.text()}`)
  return { url, stop: () => { p.kill('SIGTERM'); rmSync(dir, { recursive: true, force: true }) } }
}

async function once(browser, url) {
  const ctx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 844 } })
  const page = await ctx.newPage()
  const cdp = await ctx.newCDPSession(page)
  await cdp.send('Network.enable')
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true })
  await cdp.send('Network.emulateNetworkConditions', PROFILE)
  let bytes = 0
  cdp.on('Network.loadingFinished', (e) => { bytes += e.encodedDataLength })
  const t0 = Date.now()
  await page.goto(url + '/login?next=/approvals', { waitUntil: 'commit' })
  const email = page.locator('[data-test=login-email] input, input[data-test=login-email]').first()
  await email.waitFor({ state: 'visible', timeout: 60_000 })
  const ms = Date.now() - t0
  // First paint of anything (the skeleton on the new build).
  const fp = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null)
  // Then sign in and time the approvals inbox (shell, its chunks, the list call).
  await email.fill('admin@bench.example')
  await page.locator('[data-test=login-password] input, input[data-test=login-password]').first().fill('Bench-passw0rd!')
  const t1 = Date.now()
  await page.locator('[data-test=login-submit]').click()
  await page.locator('[data-test=new-approval]').waitFor({ state: 'visible', timeout: 60_000 })
  // At 390 px the inbox is a card list (or the shared empty state) since the phone layout.
  await page.locator('.el-table__body-wrapper, .el-table__empty-block, [data-test=inbox-empty], [data-test=card], [data-test=empty-state]').first().waitFor({ state: 'visible', timeout: 60_000 })
  const inbox = Date.now() - t1
  await ctx.close()
  return { ms, bytes, fcp: fp, inbox }
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)] }

const browser = await chromium.launch({
  executablePath: process.env.TACK_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
})
const servers = { old: await startServer(oldBin, base), new: await startServer(newBin, base + 1) }
const res = { old: [], new: [] }
try {
  for (const k of ['old', 'new']) await once(browser, servers[k].url) // warm the servers, not the browser
  for (let i = 0; i < RUNS; i++) {
    for (const k of ['old', 'new']) res[k].push(await once(browser, servers[k].url))
  }
} finally {
  await browser.close()
  for (const s of Object.values(servers)) s.stop()
}
for (const k of ['old', 'new']) {
  const r = res[k]
  console.log(`${k}: login form visible median ${median(r.map((x) => x.ms))} ms (min ${Math.min(...r.map((x) => x.ms))}, max ${Math.max(...r.map((x) => x.ms))}), ` +
    `first contentful paint median ${Math.round(median(r.map((x) => x.fcp ?? NaN)))} ms, approvals inbox after sign-in median ${median(r.map((x) => x.inbox))} ms, transferred ${(median(r.map((x) => x.bytes)) / 1024).toFixed(0)} KB, runs ${r.length}`)
}
