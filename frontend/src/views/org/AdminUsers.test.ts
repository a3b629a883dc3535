import { afterEach, describe, expect, it, vi } from 'vitest'
import { fetchReplies, mountView, settle } from '../../test/mount'
import { useSession } from '../../stores/session'
import AdminUsers from './AdminUsers.vue'

// The members page offers only what the server allows: HR resets the password
// of plain members, never of an approver (a privileged role or a department
// head) nor of an admin, and leaves admins alone; nobody edits their own roles
// and only admins tick a privileged role; HR edits and offboards only people
// without power.
const person = (id: string, roles: string[]) => ({ id, name: id, email: id + '@x.test', department_id: 'd1', title: 'T', phone: '1',
  manager_id: null, active: true, totp_enabled: false, locale: '', version: 1, created_at: '', updated_at: '', deactivated_at: null, roles: ['member', ...roles] })
const users = [person('hr', ['hr']), person('gm', ['general_manager']), person('head', []), person('plain', []),
  person('warden', ['fire_warden']), person('boss', ['admin']), person('lead', []), { ...person('report', []), manager_id: 'lead' }]
const role = (id: string, privileged: boolean) => ({ id, name: id, description: '', builtin: id !== 'fire_warden', privileged, created_at: '' })
const roles = [role('admin', true), role('hr', true), role('dept_head', true), role('member', false), role('general_manager', true), role('fire_warden', false)]
const departments = [{ id: 'd1', name: '销售部', parent_id: null, head_id: 'head', sort_order: 0, version: 1 }]

async function mountAs(me: string) {
  fetchReplies([200, { items: departments, next_cursor: '' }], [200, { items: users, next_cursor: '' }], [200, { items: roles, next_cursor: '' }])
  const m = await mountView(AdminUsers, '/')
  useSession().setMe(users.find((u) => u.id === me) as never)
  await settle()
  return m
}

describe('AdminUsers', { timeout: 30_000 }, () => {
  afterEach(() => { vi.unstubAllGlobals(); document.body.innerHTML = '' })

  it('offers HR the reset only for people without power, and nothing on admins', async () => {
    const { wrapper } = await mountAs('hr')
    const has = (sel: string) => wrapper.find(`[data-test="${sel}"]`).exists()
    expect(has('user-reset-plain@x.test')).toBe(true)
    expect(has('user-reset-warden@x.test')).toBe(true)
    for (const who of ['gm', 'head', 'hr', 'lead']) expect(has(`user-reset-${who}@x.test`), who).toBe(false)
    expect(has('user-edit-boss@x.test')).toBe(false)
    expect(has('user-deactivate-boss@x.test')).toBe(false)
  })

  it('offers HR edit and deactivate only for people who hold no privileged role and head no department', async () => {
    const { wrapper } = await mountAs('hr')
    const has = (sel: string) => wrapper.find(`[data-test="${sel}"]`).exists()
    for (const who of ['plain', 'warden', 'lead', 'report']) {
      expect(has(`user-edit-${who}@x.test`), who).toBe(true)
      expect(has(`user-deactivate-${who}@x.test`), who).toBe(true)
    }
    for (const who of ['gm', 'head', 'hr', 'boss']) {
      expect(has(`user-edit-${who}@x.test`), who).toBe(false)
      expect(has(`user-deactivate-${who}@x.test`), who).toBe(false)
    }
  })

  it('offers an admin every reset', async () => {
    const { wrapper } = await mountAs('boss')
    for (const who of ['gm', 'head', 'hr', 'plain', 'lead']) expect(wrapper.find(`[data-test="user-reset-${who}@x.test"]`).exists(), who).toBe(true)
  })

  it('lets HR tick only roles without power', async () => {
    const { wrapper } = await mountAs('hr')
    await wrapper.find('[data-test="user-edit-plain@x.test"]').trigger('click')
    await settle()
    const disabled = (id: string) => document.querySelector(`[data-test=role-${id}] input`)?.hasAttribute('disabled')
    expect(disabled('fire_warden')).toBe(false)
    for (const id of ['admin', 'hr', 'dept_head', 'general_manager', 'member']) expect(disabled(id), id).toBe(true)
    expect(document.body.textContent).toContain('特权角色（标 🔒）只能由管理员授予或取消')
  })

  it('lets nobody tick their own roles', async () => {
    const { wrapper } = await mountAs('boss')
    await wrapper.find('[data-test="user-edit-boss@x.test"]').trigger('click')
    await settle()
    const disabled = (id: string) => document.querySelector(`[data-test=role-${id}] input`)?.hasAttribute('disabled')
    expect(disabled('fire_warden')).toBe(true)
    expect(document.body.textContent).toContain('不能修改自己的角色')
  })
})
