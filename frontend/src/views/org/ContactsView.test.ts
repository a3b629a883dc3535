import { afterEach, describe, expect, it, vi } from 'vitest'
import { settle } from '../../test/mount'
import { mountOrg } from '../../test/org'
import ContactsView from './ContactsView.vue'

// The people list (contacts): the whole company at first, heads first, a
// department narrows it to its subtree, and search spans the whole company.
describe('ContactsView', { timeout: 30_000 }, () => {
  afterEach(() => { vi.unstubAllGlobals(); document.body.innerHTML = '' })

  const open = () => mountOrg(ContactsView, {}, { at: '/contacts' })
  const names = (wrapper: Awaited<ReturnType<typeof open>>['wrapper']) =>
    wrapper.findAll('[data-test=contacts-list] tbody tr .cv-name').map((n) => n.text().replace('部门负责人', ''))

  it('lists the active people of the company, heads first, each with department and title', async () => {
    const { wrapper, calls } = await open()
    expect(calls.map((c) => c.path.split('?')[0]).sort()).toEqual(['/api/v1/departments', '/api/v1/roles', '/api/v1/users'])
    expect(names(wrapper)).toEqual(['李娜', '赵总', '王芳'])
    const wang = wrapper.findAll('[data-test=contacts-list] tbody tr').find((r) => r.text().includes('王芳'))!
    expect(wang.text()).toContain('华东组')
    expect(wang.text()).toContain('销售代表')
  })

  it('narrows to a department and everything below it', async () => {
    const { wrapper } = await open()
    await wrapper.find('[data-test="dept-销售部"]').trigger('click')
    await settle()
    expect(wrapper.find('h2').text()).toBe('销售部')
    expect(names(wrapper)).toEqual(['李娜', '王芳'])
  })

  it('searches the whole company by title, whatever department is picked', async () => {
    const { wrapper } = await open()
    await wrapper.find('[data-test="dept-华东组"]').trigger('click')
    await settle()
    await wrapper.find('input[data-test=contacts-search]').setValue('总监')
    await settle()
    expect(names(wrapper)).toEqual(['李娜'])
  })
})
