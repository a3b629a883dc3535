import { afterEach, describe, expect, it, vi } from 'vitest'
import { fetchReplies, mountView, settle } from '../../test/mount'
import EmailSettingsView from './EmailSettingsView.vue'

const saved = { enabled: true, host: 'smtp.corp.test', port: 465, security: 'tls', user: 'tack', password: '', from: 'tack@corp.test',
  site_url: 'https://tack.corp.test', password_set: true }
const click = async (sel: string) => { (document.querySelector(sel) as HTMLElement).click(); await settle() }

describe('email settings', () => {
  afterEach(() => { vi.unstubAllGlobals(); document.body.innerHTML = '' })

  it('tries the settings on screen and says which step failed', async () => {
    const calls = fetchReplies([200, saved],
      [400, { error: { code: 'invalid', key: 'settings.email_failed', message: 'notify: mail auth: 535 authentication failed', fields: { smtp: 'auth' } } }],
      [204, null])
    await mountView(EmailSettingsView)
    await settle()
    expect((document.querySelector('[data-test=email-site-url]') as HTMLInputElement).value).toBe('https://tack.corp.test')
    await click('[data-test=email-test]')
    expect(calls[1].path).toBe('/api/v1/settings/email/test')
    expect(calls[1].body).toMatchObject({ host: 'smtp.corp.test', port: 465, security: 'tls', user: 'tack', password: '' })
    const result = document.querySelector('[data-test=email-test-result]')!.textContent!
    expect(result).toContain('登录邮件服务器失败（检查用户名和密码）')
    expect(result).toContain('535 authentication failed')
    await click('[data-test=email-test]')
    expect(document.querySelector('[data-test=email-test-result]')!.textContent).toContain('测试邮件已发出')
  }, 30_000)
})
