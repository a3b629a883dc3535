import { afterEach, describe, expect, it, vi } from 'vitest'
import { settle, typeInto } from '../../test/mount'
import { mountOrg } from '../../test/org'
import AdminDepartments from './AdminDepartments.vue'

// The departments page: the tree, a department's head and direct members, and
// its changes sent with the version read (the server refuses a stale one).
describe('AdminDepartments', { timeout: 30_000 }, () => {
  afterEach(() => { vi.unstubAllGlobals(); document.body.innerHTML = '' })

  const open = (table: Parameters<typeof mountOrg>[1] = {}) => mountOrg(AdminDepartments, table)
  async function saveDialog(name: string) {
    typeInto('[data-test=dept-name]', name)
    ;(document.querySelector('[data-test=dept-save]') as HTMLElement).click()
    await settle()
  }
  async function pick(wrapper: Awaited<ReturnType<typeof open>>['wrapper'], name: string) {
    await wrapper.find(`[data-test="dept-${name}"]`).trigger('click')
    await settle()
  }

  it('starts on the company, and shows a department\'s path, head and active direct members', async () => {
    const { wrapper } = await open()
    expect(wrapper.find('[data-test=dept-detail] h2').text()).toBe('示例科技')
    await pick(wrapper, '销售部')
    const detail = wrapper.find('[data-test=dept-detail]').text()
    expect(detail).toContain('示例科技 / 销售部')
    expect(detail).toContain('李娜')
    expect(detail).not.toContain('周离') // deactivated: not a member any more
    expect(detail).not.toContain('王芳') // a member of 华东组, not a direct one
  })

  it('makes a member the head with the department\'s version', async () => {
    const { wrapper, calls } = await open({ 'PATCH /api/v1/departments/east': [200, {}] })
    await pick(wrapper, '华东组')
    expect(wrapper.find('[data-test=dept-detail]').text()).toContain('未设置负责人')
    const make = wrapper.findAll('[data-test=dept-detail] button').find((b) => b.text() === '设为负责人')
    await make!.trigger('click')
    await settle()
    expect(calls.find((c) => c.method === 'PATCH')).toEqual({ method: 'PATCH', path: '/api/v1/departments/east', body: { head_id: 'wang', version: 2 } })
  })

  it('renames with the version read, and says so in Chinese when someone changed it first', async () => {
    const { wrapper, calls } = await open({
      'PATCH /api/v1/departments/sales': [409, { error: { code: 'conflict', key: 'org.stale_version', message: 'stale' } }],
    })
    await pick(wrapper, '销售部')
    await wrapper.find('[data-test=dept-edit]').trigger('click')
    await settle()
    await saveDialog('销售中心')
    expect(calls.find((c) => c.method === 'PATCH')?.body).toEqual({ name: '销售中心', sort_order: 1, head_id: 'li', version: 4 })
    expect(document.querySelector('[data-test=dept-dialog]')?.textContent).toContain('该记录已被他人修改，请刷新后重试')
  })

  it('shows the server\'s refusal of a parent next to the parent field', async () => {
    const { wrapper, calls } = await open({
      'POST /api/v1/departments': [400, { error: { code: 'invalid', key: 'org.invalid_department', message: 'x', fields: { parent_id: 'not_found' } } }],
    })
    await pick(wrapper, '销售部')
    await wrapper.find('[data-test=dept-new-sub]').trigger('click')
    await settle()
    await saveDialog('华南组')
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ name: '华南组', parent_id: 'sales', head_id: null, sort_order: 0 })
    const dialog = document.querySelector('[data-test=dept-dialog]')!.textContent
    expect(dialog).toContain('上级部门不存在')
    expect(dialog).not.toContain('请检查标红的内容') // the field says it; no banner on top
  })
})
