import { afterEach, describe, expect, it, vi } from 'vitest'
import { fetchReplies, mountView, settle } from '../../test/mount'
import AdminSecurity from './AdminSecurity.vue'

describe('AdminSecurity', { timeout: 30_000 }, () => {
  afterEach(() => { vi.unstubAllGlobals(); document.body.innerHTML = '' })

  it('saves the workspace\'s own sign-in lifetime, and shows the server\'s refusal next to the field', async () => {
    const calls = fetchReplies([200, { session_days: 0, default_days: 30 }],
      [400, { error: { code: 'invalid', key: 'org.invalid_settings', message: 'x', fields: { session_days: 'invalid' } } }],
      [200, { session_days: 7, default_days: 30 }])
    const { wrapper } = await mountView(AdminSecurity, '/')
    await settle()
    expect(wrapper.text()).toContain('服务器默认（30 天）')
    await wrapper.find('[data-test=security-own] input[type=radio]').setValue(true)
    await wrapper.find('[data-test=security-days] input').setValue('7')
    await wrapper.find('form').trigger('submit')
    await settle()
    expect(calls[1]).toEqual({ path: '/api/v1/settings/security', body: { session_days: 7 } })
    expect(wrapper.text()).toContain('须在 1 到 365 天之间')
    await wrapper.find('form').trigger('submit')
    await settle()
    expect(calls[2].body).toEqual({ session_days: 7 })
  })
})
