// The report form: a draft is saved as its writer types (one PUT after a
// pause, naming the version the last save returned), the indicator says so,
// and the server's field errors land under their fields.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import ElementPlus from 'element-plus'
import { i18n, setLocale } from '../../locales'
import { fetchRoutes, memoryRouter, settle, typeInto } from '../../test/mount'
import WriteView from './WriteView.vue'

const fields = [
  { key: 'done', type: 'textarea', label_zh: '今日完成工作', label_en: 'Done today', required: true },
  { key: 'plan', type: 'textarea', label_zh: '明日计划', label_en: 'Plan', required: false },
]
const draft = {
  id: 'r1', template_id: 't1', writer_id: 'u1', department_id: 'd1', period: '2026-12-07', form: {}, status: 'draft',
  due_at: '2026-12-07T12:00:00Z', submitted_at: null, late: false, edited_at: null, version: 1, created_at: '2026-12-07T08:00:00Z', updated_at: '2026-12-07T08:00:00Z',
  template_name: '日报', template_name_en: 'Daily report', fields, writer_name: '李娜', recipients: [], likes: 0, liked_by_me: false,
  comments: 0, revisions: 0, read_by_me: true, can_edit: true, edit_until: null,
}

async function mountWrite() {
  setLocale('zh-CN')
  setActivePinia(createPinia())
  const router = memoryRouter()
  router.addRoute({ path: '/reports/write/:templateId?', component: WriteView })
  router.addRoute({ path: '/reports/:id', component: { template: '<div />' } })
  await router.push('/reports/write/t1')
  await router.isReady()
  const wrapper = mount(WriteView, { global: { plugins: [createPinia(), i18n, ElementPlus, router], stubs: { transition: false } }, attachTo: document.body })
  return { wrapper, router }
}

describe('writing a report', () => {
  afterEach(() => { vi.unstubAllGlobals(); document.body.innerHTML = '' })

  it('saves the draft as you type and shows the server field errors', async () => {
    let version = 1
    const calls = fetchRoutes({
      'POST /api/v1/reports': [200, draft],
      'PUT /api/v1/reports/r1': () => [200, { ...draft, version: ++version }],
      'POST /api/v1/reports/r1/submit': [400, { error: { code: 'invalid', key: 'report.invalid', message: 'x', fields: { 'form.plan': 'too_long' } } }],
    })
    const { wrapper } = await mountWrite()
    await settle()
    expect(calls[0]).toMatchObject({ method: 'POST', body: { template_id: 't1', period: '' } })
    typeInto('[data-test=field-done]', '拜访客户')
    typeInto('[data-test=field-plan]', '写方案')
    await vi.waitFor(() => expect(wrapper.find('[data-test=autosave]').text()).toContain('草稿已保存'), { timeout: 3000 })
    const puts = calls.filter((c) => c.method === 'PUT')
    expect(puts).toHaveLength(1) // two keystrokes, one save
    expect(puts[0].body).toEqual({ form: { done: '拜访客户', plan: '写方案' }, version: 1 })

    await wrapper.find('[data-test=submit-report]').trigger('click')
    await settle()
    const submit = calls.find((c) => c.path.endsWith('/submit'))
    expect(submit?.body).toMatchObject({ form: { done: '拜访客户', plan: '写方案' }, version: 2 })
    expect(wrapper.find('[data-test=field-plan]').element.closest('.el-form-item')?.textContent).toContain('太长')
  }, 20_000)

  it('asks for the required fields before sending anything', async () => {
    const calls = fetchRoutes({ 'POST /api/v1/reports': [200, draft] })
    const { wrapper } = await mountWrite()
    await settle()
    await wrapper.find('[data-test=submit-report]').trigger('click')
    await settle()
    expect(calls.filter((c) => c.path.endsWith('/submit'))).toHaveLength(0)
    expect(wrapper.find('[data-test=field-done]').element.closest('.el-form-item')?.textContent).toContain('必填')
  }, 20_000)
})
