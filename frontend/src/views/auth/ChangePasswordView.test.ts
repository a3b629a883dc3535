import { afterEach, describe, expect, it, vi } from 'vitest'
import { fetchReplies, mountView, settle } from '../../test/mount'
import { useSession } from '../../stores/session'
import { decide } from '../../router/guard'
import { routes } from '../../router'
import { createMemoryHistory, createRouter, type RouteLocationNormalized } from 'vue-router'
import ChangePasswordView from './ChangePasswordView.vue'

const user = { id: 'u1', name: '李四', email: 'li@x.test', roles: ['member'], must_change_password: true }

describe('ChangePasswordView', () => {
  afterEach(() => { vi.unstubAllGlobals(); document.body.innerHTML = '' })

  it('shows a wrong given password next to its field, then saves and goes on to next', async () => {
    const calls = fetchReplies(
      [400, { error: { code: 'invalid', key: 'auth.wrong_password', message: 'x', fields: { current_password: 'invalid' } } }],
      [200, { token: 't2', user: { ...user, must_change_password: false }, expires_at: '' }])
    const { wrapper, router } = await mountView(ChangePasswordView, '/?next=/contacts')
    useSession().setMe({ ...user } as never)
    await wrapper.find('[data-test=forced-current]').setValue('given-wrong')
    await wrapper.find('[data-test=forced-new]').setValue('my-own-pass')
    await wrapper.find('[data-test=forced-again]').setValue('my-own-pass')
    await wrapper.find('form').trigger('submit')
    await settle()
    expect(calls[0]).toEqual({ path: '/api/v1/me/password', body: { current_password: 'given-wrong', new_password: 'my-own-pass' } })
    expect(wrapper.text()).toContain('当前密码不正确')
    await wrapper.find('[data-test=forced-current]').setValue('Given123abc')
    await wrapper.find('form').trigger('submit')
    await settle()
    expect(useSession().me?.must_change_password).toBe(false)
    expect(router.currentRoute.value.fullPath).toBe('/contacts')
  })

  it('refuses mismatched passwords without calling the server', async () => {
    const calls = fetchReplies()
    const { wrapper } = await mountView(ChangePasswordView, '/')
    await wrapper.find('[data-test=forced-current]').setValue('Given123abc')
    await wrapper.find('[data-test=forced-new]').setValue('my-own-pass')
    await wrapper.find('[data-test=forced-again]').setValue('my-own-pasz')
    await wrapper.find('form').trigger('submit')
    await settle()
    expect(calls).toHaveLength(0)
    expect(wrapper.text()).toContain('两次输入的密码不一致')
  })

  it('is where the guard sends a user whose password was reset, and only then', async () => {
    const r = createRouter({ history: createMemoryHistory(), routes })
    const at = (path: string) => r.resolve(path) as unknown as RouteLocationNormalized
    const s = useSession()
    s.setMe({ ...user } as never)
    s.loaded = true
    expect(await decide(at('/approvals'))).toEqual({ name: 'change-password', query: { next: '/approvals' } })
    expect(await decide(at('/password'))).toBe(true)
    s.setMe({ ...user, must_change_password: false } as never)
    expect(await decide(at('/password'))).toBe('/')
  })
})
