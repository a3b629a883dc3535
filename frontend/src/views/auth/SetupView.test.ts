import { afterEach, describe, expect, it, vi } from 'vitest'
import { fetchReplies, mountView, settle } from '../../test/mount'
import SetupView from './SetupView.vue'

describe('SetupView', () => {
  afterEach(() => { vi.unstubAllGlobals(); document.body.innerHTML = '' })

  async function fill(wrapper: Awaited<ReturnType<typeof mountView>>['wrapper'], pw2 = 'password123') {
    await wrapper.find('[data-test=setup-company]').setValue('示例科技')
    await wrapper.find('[data-test=setup-name]').setValue('王管理')
    await wrapper.find('[data-test=setup-title]').setValue('行政经理')
    await wrapper.find('[data-test=setup-email]').setValue('bad')
    await wrapper.find('[data-test=setup-password]').setValue('password123')
    await wrapper.find('[data-test=setup-password2]').setValue(pw2)
  }
  function itemError(wrapper: Awaited<ReturnType<typeof mountView>>['wrapper'], field: string): string {
    const item = wrapper.findAll('.el-form-item').find((i) => i.find(`[data-test=${field}]`).exists())
    if (!item) throw new Error('no form item holds ' + field)
    const e = item.find('.el-form-item__error')
    return e.exists() ? e.text() : ''
  }

  it('shows each server field error, translated, next to its field', async () => {
    const calls = fetchReplies([400, { error: { code: 'invalid', key: 'setup.invalid', message: 'the setup form is not valid',
      fields: { 'admin.email': 'invalid_email', 'admin.phone': 'required', 'admin.password': 'too_short' } } }])
    const { wrapper, router } = await mountView(SetupView, '/setup')
    await fill(wrapper)
    await wrapper.find('form').trigger('submit')
    await settle()
    expect(calls[0].path).toBe('/api/v1/setup')
    expect(calls[0].body).toMatchObject({ company_name: '示例科技', admin: { name: '王管理', email: 'bad', title: '行政经理' } })
    expect(itemError(wrapper, 'setup-email')).toBe('邮箱格式不正确')
    expect(itemError(wrapper, 'setup-phone')).toBe('必填')
    expect(itemError(wrapper, 'setup-password')).toBe('密码至少 8 位')
    expect(itemError(wrapper, 'setup-company')).toBe('')
    // The field errors explain it: no second, generic banner.
    expect(wrapper.find('[data-test=setup-error]').exists()).toBe(false)
    expect(router.currentRoute.value.path).toBe('/setup')
    // Editing a field clears its error, and only its error.
    await wrapper.find('[data-test=setup-phone]').setValue('13800000000')
    await settle()
    expect(itemError(wrapper, 'setup-phone')).toBe('')
    expect(itemError(wrapper, 'setup-email')).toBe('邮箱格式不正确')
  })

  it('refuses mismatched passwords before calling the server', async () => {
    const calls = fetchReplies()
    const { wrapper } = await mountView(SetupView, '/setup')
    await fill(wrapper, 'different1')
    await wrapper.find('form').trigger('submit')
    await settle()
    expect(calls).toHaveLength(0)
    expect(itemError(wrapper, 'setup-password2')).toBe('两次输入的密码不一致')
  })

  it('says so when the workspace was set up meanwhile', async () => {
    fetchReplies([409, { error: { code: 'conflict', key: 'setup.already_done', message: 'this workspace is already set up' } }], [200, { needed: false }], [401, { error: { code: 'unauthenticated', key: 'auth.required', message: '' } }])
    const { wrapper } = await mountView(SetupView, '/setup')
    await fill(wrapper)
    await wrapper.find('[data-test=setup-email]').setValue('a@x.test')
    await wrapper.find('form').trigger('submit')
    await settle()
    expect(wrapper.find('[data-test=setup-error]').text()).toContain('工作台已经创建，请直接登录')
  })
})
