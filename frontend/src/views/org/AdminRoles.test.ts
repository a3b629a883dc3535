import { afterEach, describe, expect, it, vi } from 'vitest'
import { settle, typeInto } from '../../test/mount'
import { mountOrg } from '../../test/org'
import AdminRoles from './AdminRoles.vue'

// The roles page: built-in roles by their translated names and read-only,
// custom roles editable, and the server's field problems next to the input.
describe('AdminRoles', { timeout: 30_000 }, () => {
  afterEach(() => { vi.unstubAllGlobals(); document.body.innerHTML = '' })

  const open = (table: Parameters<typeof mountOrg>[1] = {}) => mountOrg(AdminRoles, table)
  const row = (wrapper: Awaited<ReturnType<typeof open>>['wrapper'], id: string) =>
    wrapper.findAll('[data-test=roles-table] tbody tr').find((r) => r.findAll('td')[1]?.text() === id)!

  it('lists the built-in roles in Chinese with their active holders, and offers changes only on custom roles', async () => {
    const { wrapper } = await open()
    const admin = row(wrapper, 'admin')
    expect(admin.text()).toContain('管理员')
    expect(admin.text()).toContain('管理整个工作台')
    expect(admin.find('[data-test=role-privileged-admin]').exists()).toBe(true)
    expect(admin.findAll('button')).toHaveLength(0)
    expect(row(wrapper, 'member').findAll('td')[3].text()).toBe('3') // 周离 is deactivated
    const custom = row(wrapper, 'fire_warden')
    expect(custom.text()).toContain('消防员')
    expect(custom.findAll('button').map((b) => b.text())).toEqual(['编辑', '删除'])
  })

  it('creates a role, showing the server\'s refusal of its id next to the id', async () => {
    let answer: [number, unknown] = [400, { error: { code: 'invalid', key: 'org.invalid_role', message: 'x', fields: { id: 'invalid' } } }]
    const { wrapper, calls } = await open({ 'POST /api/v1/roles': () => answer })
    await wrapper.find('[data-test=role-new]').trigger('click')
    await settle()
    typeInto('[data-test=role-id]', 'Safety')
    typeInto('[data-test=role-name]', '安全员')
    ;(document.querySelector('[data-test=role-save]') as HTMLElement).click()
    await settle()
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ id: 'Safety', name: '安全员', description: '', privileged: true })
    expect(document.body.textContent).toContain('小写字母开头，2–32 位小写字母、数字或下划线')

    answer = [201, { id: 'safety', name: '安全员', description: '', builtin: false, privileged: true, created_at: '' }]
    typeInto('[data-test=role-id]', 'safety')
    await settle()
    expect(document.body.textContent).not.toContain('小写字母开头，2–32 位') // the edit clears the field's problem
    ;(document.querySelector('[data-test=role-save]') as HTMLElement).click()
    await settle()
    expect(calls.filter((c) => c.method === 'POST').map((c) => (c.body as { id: string }).id)).toEqual(['Safety', 'safety'])
    expect(calls.filter((c) => c.path.startsWith('/api/v1/roles') && c.method === 'GET')).toHaveLength(2) // reloaded after saving
  })
})
