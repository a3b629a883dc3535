// The report template designer: the approval FieldsEditor's fields, the
// cycle and due time go to the server as one template; its field errors
// land under their fields and nothing is closed.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import ElementPlus from 'element-plus'
import { i18n, setLocale } from '../../locales'
import { fetchRoutes, memoryRouter, settle, typeInto } from '../../test/mount'
import TemplatesView from './TemplatesView.vue'

async function mountView() {
  setLocale('zh-CN')
  setActivePinia(createPinia())
  const router = memoryRouter()
  router.addRoute({ path: '/reports', component: TemplatesView })
  await router.push('/reports')
  await router.isReady()
  return mount(TemplatesView, { global: { plugins: [createPinia(), i18n, ElementPlus, router], stubs: { transition: false } }, attachTo: document.body })
}

describe('report template designer', () => {
  afterEach(() => { vi.unstubAllGlobals(); document.body.innerHTML = '' })

  it('saves the designer form and shows the server field errors', async () => {
    const calls = fetchRoutes({
      'GET /api/v1/report/templates/manage': [200, { items: [] }],
      'GET /api/v1/departments': [200, { items: [{ id: 'd1', name: '销售部' }] }],
      'GET /api/v1/users': [200, { items: [] }],
      'POST /api/v1/report/templates': [400, { error: { code: 'invalid', key: 'report.invalid', message: 'x', fields: { due_time: 'invalid' } } }],
    })
    const wrapper = await mountView()
    await settle()
    document.querySelector<HTMLElement>('[data-test=new-template]')!.click()
    await settle()
    typeInto('[data-test=tpl-name]', '销售日报')
    typeInto('[data-test=field-label-0]', '今日完成')
    await settle()
    document.querySelector<HTMLElement>('[data-test=tpl-save]')!.click()
    await settle()
    const post = calls.find((c) => c.method === 'POST')
    expect(post?.body).toMatchObject({ name_zh: '销售日报', cycle: 'daily', due_time: '18:00', departments: [],
      fields: [{ type: 'textarea', label_zh: '今日完成' }] })
    await vi.waitFor(() => expect(document.querySelector('[data-test=template-form]')?.textContent).toContain('格式有误'))
    wrapper.unmount()
  }, 20_000)
})
