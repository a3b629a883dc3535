import { afterEach, describe, expect, it, vi } from 'vitest'
import { fetchReplies, mountView, settle } from '../../test/mount'
import LoginView from './LoginView.vue'

const user = { id: 'u1', name: '王管理', email: 'a@x.test', roles: ['admin', 'member'] }
const err = (status: number, key: string, fields?: Record<string, string>) =>
  [status, { error: { code: status === 401 ? 'unauthenticated' : 'invalid', key, message: 'english text', fields } }] as [number, unknown]

describe('LoginView', () => {
  afterEach(() => { vi.unstubAllGlobals(); document.body.innerHTML = '' })

  it('shows a wrong password in Chinese and stays on the page', async () => {
    const calls = fetchReplies(err(401, 'auth.bad_credentials'))
    const { wrapper, router } = await mountView(LoginView, '/login')
    await wrapper.find('[data-test=login-email]').setValue('a@x.test')
    await wrapper.find('[data-test=login-password]').setValue('nope')
    await wrapper.find('form').trigger('submit')
    await settle()
    expect(calls[0]).toEqual({ path: '/api/v1/auth/login', body: { login: 'a@x.test', password: 'nope', totp_code: '' } })
    expect(wrapper.find('[data-test=login-error]').text()).toContain('邮箱或密码错误')
    expect(router.currentRoute.value.path).toBe('/login')
  })

  it('marks empty fields without calling the server', async () => {
    const calls = fetchReplies()
    const { wrapper } = await mountView(LoginView, '/login')
    await wrapper.find('form').trigger('submit')
    await settle()
    expect(calls).toHaveLength(0)
    expect(wrapper.findAll('.el-form-item__error').map((e) => e.text())).toEqual(['必填', '必填'])
  })

  it('asks for the TOTP code when the server wants it, then signs in and goes to next', async () => {
    const calls = fetchReplies(err(401, 'auth.totp_required'), [200, { token: 't', user, expires_at: '' }], [200, { id: 'company', name: '示例科技' }])
    const { wrapper, router } = await mountView(LoginView, '/login?next=/contacts')
    await wrapper.find('[data-test=login-email]').setValue('a@x.test')
    await wrapper.find('[data-test=login-password]').setValue('password123')
    await wrapper.find('form').trigger('submit')
    await settle()
    expect(wrapper.find('[data-test=login-totp]').exists()).toBe(true)
    expect(wrapper.text()).toContain('两步验证')
    await wrapper.find('[data-test=login-totp]').setValue('123456')
    await wrapper.find('form').trigger('submit')
    await settle()
    expect(calls[1].body).toEqual({ login: 'a@x.test', password: 'password123', totp_code: '123456' })
    expect(router.currentRoute.value.fullPath).toBe('/contacts')
  })
})
