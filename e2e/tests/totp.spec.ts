// Two-step sign-in end to end: an employee turns TOTP on from their profile
// (the secret shown on the page feeds an authenticator computed here, RFC
// 6238), then signs in again: password, then the code. A wrong code and a
// replayed code are refused with translated errors and do not sign in.
import { createHmac } from 'node:crypto'
import { test, expect, type Page } from '@playwright/test'
import { call, PASSWORD, setupCompany } from '../lib'

const EMAIL = 'li@totp.test'

// base32 (RFC 4648, no padding) as authenticator apps read the secret.
function base32(s: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  let bits = 0, value = 0
  const out: number[] = []
  for (const ch of s.replace(/=+$/, '').toUpperCase()) {
    const i = alphabet.indexOf(ch)
    if (i < 0) throw new Error(`not base32: ${ch}`)
    value = (value << 5) | i
    bits += 5
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff)
      bits -= 8
    }
  }
  return Buffer.from(out)
}

// totpAt is the 6-digit SHA-1 code of one 30-second step.
function totpAt(secret: string, step: number): string {
  const msg = Buffer.alloc(8)
  msg.writeBigUInt64BE(BigInt(step))
  const h = createHmac('sha1', base32(secret)).update(msg).digest()
  const off = h[h.length - 1] & 0x0f
  const n = ((h[off] & 0x7f) << 24) | (h[off + 1] << 16) | (h[off + 2] << 8) | h[off + 3]
  return String(n % 1_000_000).padStart(6, '0')
}

const stepNow = () => Math.floor(Date.now() / 30_000)

async function signInWithPassword(page: Page) {
  await page.fill('[data-test=login-email]', EMAIL)
  await page.fill('[data-test=login-password]', PASSWORD)
  await page.click('[data-test=login-submit]')
}

test('turn on two-step sign-in, then sign in with password and code; wrong and replayed codes are refused', async ({ page, request }) => {
  const setup = await setupCompany(request, 'totp.test')
  await call(request, 'POST', '/api/v1/users', setup.token, {
    email: EMAIL, name: '李娜', department_id: setup.root.id, title: '销售', phone: '13900000001', roles: [], password: PASSWORD,
  })

  // Sign in (password only so far) and open the profile.
  await page.goto('/profile')
  await expect(page).toHaveURL(/\/login/)
  await signInWithPassword(page)
  await expect(page).toHaveURL(/\/profile$/, { timeout: 30_000 })
  await expect(page.locator('[data-test=totp-state]')).toHaveText('未开启')

  // Set up: QR code and secret; a wrong code is refused and nothing changes.
  await page.click('[data-test=totp-setup]')
  await expect(page.locator('[data-test=totp-qr]')).toBeVisible()
  const secret = (await page.locator('[data-test=totp-secret]').innerText()).replace(/\s+/g, '')
  expect(secret).toMatch(/^[A-Z2-7]{16,}$/)
  const valid = new Set([-1, 0, 1].map((d) => totpAt(secret, stepNow() + d)))
  const wrong = ['123456', '654321', '111111'].find((c) => !valid.has(c))!
  await page.fill('[data-test=totp-code]', wrong)
  await page.click('[data-test=totp-enable]')
  await expect(page.locator('.el-form-item', { has: page.locator('[data-test=totp-code]') })).toContainText('验证码不正确')
  await expect(page.locator('[data-test=totp-state]')).toHaveText('未开启')
  await page.screenshot({ path: 'artifacts/totp-setup.png' })

  const enableCode = totpAt(secret, stepNow())
  await page.fill('[data-test=totp-code]', enableCode)
  await page.click('[data-test=totp-enable]')
  await expect(page.locator('[data-test=totp-state]')).toHaveText('已开启')
  await expect(page.locator('[data-test=totp-secret]')).toBeHidden()

  // Sign out; signing in now asks for the code after the password.
  await page.click('[data-test=user-menu]')
  await page.click('[data-test=logout]')
  await expect(page).toHaveURL(/\/login/)
  await signInWithPassword(page)
  await expect(page.locator('[data-test=login-totp]')).toBeVisible()
  await expect(page.locator('.lv-title')).toHaveText('两步验证')

  // The code already used to turn it on is spent: a replay does not sign in.
  await page.fill('[data-test=login-totp]', enableCode)
  await page.click('[data-test=login-submit]')
  await expect(page.locator('[data-test=login-error]')).toContainText('验证码不正确')
  await expect(page).toHaveURL(/\/login/)
  await expect(page.locator('body')).not.toContainText(/\bauth\.[a-z_]+/)
  await page.screenshot({ path: 'artifacts/totp-login-refused.png' })
  expect((await page.request.get('/api/v1/me')).status()).toBe(401)

  // The next step's code (within the allowed skew, never used) signs in.
  await page.fill('[data-test=login-totp]', totpAt(secret, stepNow() + 1))
  await page.click('[data-test=login-submit]')
  await expect(page.locator('[data-test=user-menu]')).toContainText('李娜', { timeout: 30_000 })
  await expect(page).not.toHaveURL(/\/login/)
  expect((await page.request.get('/api/v1/me')).status()).toBe(200)
})
