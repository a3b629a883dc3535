import { afterEach, describe, expect, it, vi } from 'vitest'
import { settle, typeInto } from '../../test/mount'
import { mountOrg, users } from '../../test/org'
import AdminUsers from './AdminUsers.vue'

// Editing a person and onboarding one, from the members page: the change goes
// with the version read, the server's field problems show next to their
// inputs and keep the dialog open, and a new account's password is shown once.
describe('UserDialog', { timeout: 60_000 }, () => {
  afterEach(() => { vi.unstubAllGlobals(); document.body.innerHTML = '' })

  const open = (table: Parameters<typeof mountOrg>[1]) => mountOrg(AdminUsers, table, { me: users[0] }) // 赵总, an admin
  const dialog = () => document.querySelector('[data-test=user-dialog]')?.closest('.el-overlay') as HTMLElement | null
  const save = () => (document.querySelector('[data-test=user-save]') as HTMLElement).click()

  it('edits a person with their version, and shows a taken email next to the email', async () => {
    let answer: [number, unknown] = [409, { error: { code: 'conflict', key: 'org.invalid_user', message: 'x', fields: { email: 'duplicate' } } }]
    const { wrapper, calls } = await open({ 'PATCH /api/v1/users/wang': () => answer })
    await wrapper.find('[data-test="user-edit-wang@x.test"]').trigger('click')
    await settle()
    expect((document.querySelector('[data-test=user-title]') as HTMLInputElement).value).toBe('销售代表')
    typeInto('[data-test=user-title]', '高级销售代表')
    typeInto('[data-test=user-email]', 'li@x.test')
    save()
    await settle()
    expect(calls.find((c) => c.method === 'PATCH')?.body).toEqual({ name: '王芳', email: 'li@x.test', department_id: 'east',
      title: '高级销售代表', phone: users[2].phone, manager_id: '', roles: ['member'], version: 1 })
    expect(dialog()).not.toBeNull()
    expect(dialog()?.textContent).toContain('该邮箱已被使用')
    expect(dialog()?.style.display).not.toBe('none')

    answer = [200, { ...users[2], email: 'wf@x.test', title: '高级销售代表', version: 2 }]
    typeInto('[data-test=user-email]', 'wf@x.test')
    save()
    await settle()
    expect(calls.filter((c) => c.method === 'PATCH').map((c) => (c.body as { email: string }).email)).toEqual(['li@x.test', 'wf@x.test'])
    expect(document.body.textContent).not.toContain('该邮箱已被使用')
  })

  it('onboards a person into the department picked and shows the initial password once', async () => {
    const made = { ...users[2], id: 'chen', name: '陈晨', email: 'chen@x.test' }
    const { wrapper, calls } = await open({ 'POST /api/v1/users': [201, { user: made, initial_password: 'Kx7-pe2m-Qa' }] })
    await wrapper.find('[data-test=user-new]').trigger('click')
    await settle()
    typeInto('[data-test=user-name]', '陈晨')
    typeInto('[data-test=user-email]', 'chen@x.test')
    typeInto('[data-test=user-title]', '销售代表')
    typeInto('[data-test=user-phone]', '13800001234')
    save()
    await settle()
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ name: '陈晨', email: 'chen@x.test', department_id: 'root', title: '销售代表',
      phone: '13800001234', manager_id: null, roles: ['member'] })
    expect(document.body.textContent).toContain('Kx7-pe2m-Qa')
  })
})
