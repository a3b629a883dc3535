// The email channel's settings end to end: an administrator enters the
// company's mail server, sends a test email (a real SMTP server in this
// spec receives it, in Chinese), sees a clear reason when the server cannot
// be reached, and saves. Self-contained against the harness's baseURL.
import { test, expect } from '@playwright/test'
import net from 'node:net'
import { setupCompany, signedInPage } from '../lib'

interface Mail { from: string; to: string[]; data: string }

/** smtpSink is a minimal SMTP server on 127.0.0.1 that keeps what it receives. */
async function smtpSink() {
  const mails: Mail[] = []
  const server = net.createServer((sock) => {
    let buf = ''
    let inData = false
    let cur: Mail = { from: '', to: [], data: '' }
    const say = (l: string) => sock.write(l + '\r\n')
    say('220 sink ESMTP')
    sock.on('data', (chunk) => {
      buf += chunk.toString('utf8')
      let i: number
      while ((i = buf.indexOf('\r\n')) >= 0) {
        const line = buf.slice(0, i)
        buf = buf.slice(i + 2)
        if (inData) {
          if (line === '.') { inData = false; mails.push(cur); cur = { from: '', to: [], data: '' }; say('250 queued') } else cur.data += line.replace(/^\./, '') + '\n'
          continue
        }
        const cmd = line.toUpperCase()
        if (cmd.startsWith('EHLO') || cmd.startsWith('HELO')) say('250 sink')
        else if (cmd.startsWith('MAIL FROM:')) { cur.from = line.slice(10).replace(/[<> ]/g, ''); say('250 ok') }
        else if (cmd.startsWith('RCPT TO:')) { cur.to.push(line.slice(8).replace(/[<> ]/g, '')); say('250 ok') }
        else if (cmd === 'DATA') { inData = true; say('354 go on') }
        else if (cmd === 'QUIT') { say('221 bye'); sock.end() }
        else say('250 ok')
      }
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  return { port: (server.address() as net.AddressInfo).port, mails, close: () => server.close() }
}

/** decodeSubject reads a Q-encoded UTF-8 Subject header. */
function decodeSubject(data: string) {
  const m = /^Subject: (.*)$/m.exec(data)
  return (m?.[1] ?? '').replace(/=\?UTF-8\?q\?(.*?)\?=/gi, (_, q: string) =>
    Buffer.from(q.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_h, x: string) => String.fromCharCode(parseInt(x, 16))), 'latin1').toString('utf8'))
    .replace(/\?=\s+=\?/g, '')
}

test('an administrator sets up the email channel with a test email', async ({ browser, request, baseURL }) => {
  const setup = await setupCompany(request, 'mail.test')
  expect(setup.token).toBeTruthy()
  const sink = await smtpSink()
  const closed = await smtpSink()
  closed.close() // a port nobody listens on

  const page = await signedInPage(browser, baseURL!, 'admin@mail.test', { viewport: { width: 1280, height: 900 } })
  await page.goto('/notifications')
  await page.click('text=邮件通知设置')
  await expect(page).toHaveURL(/\/settings\/email$/)
  await page.locator('.el-switch').click()
  await page.locator('.el-form-item', { hasText: 'SMTP 服务器' }).locator('input').fill('127.0.0.1')
  await page.click('.el-select[data-test=email-security]')
  await page.locator('.el-select-dropdown__item:visible', { hasText: '不加密' }).click()
  await page.locator('[data-test=email-port] input').fill(String(closed.port))
  await page.fill('[data-test=email-from]', 'Tack <tack@mail.test>')
  await page.fill('[data-test=email-site-url]', baseURL!)

  // The server is not there: the reason, in Chinese.
  await page.click('[data-test=email-test]')
  await expect(page.locator('[data-test=email-test-result]')).toContainText('连不上邮件服务器', { timeout: 30_000 })
  await page.screenshot({ path: 'artifacts/notify-email-test-failed.png' })

  // The right port: a test email arrives at the administrator's address.
  await page.locator('[data-test=email-port] input').fill(String(sink.port))
  await page.click('[data-test=email-test]')
  await expect(page.locator('[data-test=email-test-result]')).toContainText('测试邮件已发出')
  expect(sink.mails).toHaveLength(1)
  expect(sink.mails[0].to).toEqual(['admin@mail.test'])
  expect(decodeSubject(sink.mails[0].data)).toBe('Tack 邮件通知测试')
  await page.screenshot({ path: 'artifacts/notify-email-settings.png' })

  // Nothing was saved by testing; saving keeps it, without giving the password back.
  let saved = await (await page.request.get('/api/v1/settings/email')).json()
  expect(saved.enabled).toBe(false)
  await page.click('[data-test=email-save]')
  await expect(page.locator('.el-message--success')).toContainText('已保存')
  saved = await (await page.request.get('/api/v1/settings/email')).json()
  expect(saved).toMatchObject({ enabled: true, host: '127.0.0.1', port: sink.port, security: 'none', site_url: baseURL })
  await expect(page.locator('body')).not.toContainText(/\b(notify|errors)\.[a-zA-Z_]+\.[a-zA-Z_]/)
  sink.close()
})
