// Playwright drives Debian's /usr/bin/chromium (browsers are never downloaded:
// PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1). One project and one server per spec
// file; see harness.ts. servers.ts starts the servers, all at once.
import { defineConfig } from '@playwright/test'
import { ensureBinary, specServers } from './harness'

ensureBinary()
// The longest specs first (a spec's tests run in order in one worker): two
// workers then finish together, instead of one running a long spec alone at
// the end (zh-latin, last by name, ran alone for its 2 minutes). Measured on
// the loaded 2-core machine, longest first; the other specs follow by name.
const LONGEST_FIRST = ['main-flows', 'phone-layout', 'desktop-layout', 'drive-large', 'zh-latin', 'meetings', 'drive',
  'meetings-calendar', 'notify', 'org', 'csp', 'offboard', 'approvals-admin', 'approvals', 'attendance-month', 'chat', 'report']
const rank = (name: string) => { const i = LONGEST_FIRST.indexOf(name); return i < 0 ? LONGEST_FIRST.length : i }
const servers = specServers().sort((a, b) => rank(a.name) - rank(b.name)) // stable: the rest stay in name order

export default defineConfig({
  testDir: 'tests',
  outputDir: 'test-results',
  // 2 cores run two specs, their servers and Chromium at once, and `make test`
  // may share them with other heavy jobs (load average ~20): be patient. A
  // longer wait hides nothing: a step still fails unless its condition holds.
  timeout: 300_000,
  expect: { timeout: 30_000 },
  // Never retry: a spec runs the first-run setup, which succeeds only once per data dir.
  retries: 0,
  workers: 2,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  use: {
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    viewport: { width: 1280, height: 800 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.TACK_CHROMIUM ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
  projects: servers.map((s) => ({ name: s.name, testMatch: '**/' + s.file, use: { baseURL: s.baseURL } })),
  globalSetup: './servers.ts',
})
