// The report page: a report one may not read says so (403), a missing one
// says it does not exist (404), both in the shared DetailState with the way
// back; the comment box's @ picker closes after a pick and writes "@name".
import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import ElementPlus from 'element-plus'
import { i18n, setLocale } from '../../locales'
import { fetchRoutes, memoryRouter, settle } from '../../test/mount'
import DetailView from './DetailView.vue'

const report = {
  id: 'r1', template_id: 't1', writer_id: 'u1', department_id: 'd1', period: '2026-12-07', form: { done: '拜访客户' }, status: 'submitted',
  due_at: '2026-12-07T12:00:00Z', submitted_at: '2026-12-07T10:00:00Z', late: false, edited_at: null, version: 2,
  created_at: '2026-12-07T08:00:00Z', updated_at: '2026-12-07T10:00:00Z', template_name: '日报', template_name_en: 'Daily report',
  fields: [{ key: 'done', type: 'textarea', label_zh: '今日完成工作', label_en: 'Done today', required: true }],
  writer_name: '李娜', recipients: [], likes: 0, liked_by_me: false, comments: 0, revisions: 0, read_by_me: true, can_edit: false, edit_until: null,
}

async function open(id: string) {
  setLocale('zh-CN')
  const pinia = createPinia()
  setActivePinia(pinia)
  const router = memoryRouter()
  router.addRoute({ path: '/reports', component: { template: '<div />' } })
  router.addRoute({ path: '/reports/:id', component: { template: '<div />' } })
  await router.push('/reports/' + id)
  await router.isReady()
  const wrapper = mount(DetailView, { global: { plugins: [pinia, i18n, ElementPlus, router], stubs: { transition: false } }, attachTo: document.body })
  return { wrapper, router }
}

const dropdownOpen = () => [...document.querySelectorAll<HTMLElement>('.el-select-dropdown')].some((d) => {
  const popper = d.closest<HTMLElement>('.el-popper')
  return !!popper && popper.style.display !== 'none'
})

describe('the report page', () => {
  afterEach(() => { vi.unstubAllGlobals(); document.body.innerHTML = '' })

  it('tells a report one may not read from one that does not exist', async () => {
    fetchRoutes({
      'GET /api/v1/reports/theirs': [403, { error: { code: 'forbidden', key: 'report.not_reader', message: 'you may not read this report' } }],
      'GET /api/v1/reports/gone': [404, { error: { code: 'not_found', key: 'report.not_found', message: 'report not found' } }],
    })
    const { router } = await open('theirs')
    await vi.waitFor(() => expect(document.querySelector('[data-test=detail-error]')?.textContent).toContain('你无权查看这份日志'))
    expect(document.querySelector('[data-test=form-values]')).toBeNull()
    await router.push('/reports/gone')
    await vi.waitFor(() => expect(document.querySelector('[data-test=detail-error]')?.textContent).toContain('日志不存在'))
    expect(document.querySelector('[data-test=detail-error]')?.textContent).not.toContain('无权')
    ;(document.querySelector('[data-test=detail-back]') as HTMLElement).click()
    await vi.waitFor(() => expect(router.currentRoute.value.path).toBe('/reports'))
  })

  it('shows the skeleton while loading, then the report', async () => {
    let answer: (r: Response) => void = () => undefined
    vi.stubGlobal('fetch', vi.fn((path: string) => {
      if (path === '/api/v1/reports/r1') return new Promise<Response>((res) => { answer = res })
      return Promise.resolve(new Response(JSON.stringify({ items: [] }), { status: 200, headers: { 'Content-Type': 'application/json' } }))
    }))
    await open('r1')
    await vi.waitFor(() => expect(document.querySelector('[data-test=detail-skeleton]')).not.toBeNull())
    answer(new Response(JSON.stringify(report), { status: 200, headers: { 'Content-Type': 'application/json' } }))
    await vi.waitFor(() => expect(document.querySelector('[data-test=form-values]')?.textContent).toContain('拜访客户'))
    expect(document.querySelector('[data-test=detail-skeleton]')).toBeNull()
  })

  it('closes the @ picker after a pick and writes the mention into the comment', async () => {
    const calls = fetchRoutes({
      'GET /api/v1/reports/r1': [200, report],
      'GET /api/v1/reports/r1/comments': [200, { items: [] }],
      'GET /api/v1/users': [200, { items: [{ id: 'u7', name: '张伟', title: '财务' }, { id: 'u8', name: '陈静', title: '销售' }] }],
      'POST /api/v1/reports/r1/comments': [201, { id: 'c1' }],
    })
    await open('r1')
    await vi.waitFor(() => expect(document.querySelector('[data-test=comment-input]')).not.toBeNull())
    const input = document.querySelector('[data-test=comment-input]') as HTMLTextAreaElement
    input.value = '请一起看一下'
    input.dispatchEvent(new Event('input'))
    const pickOne = async (name: string) => {
      ;(document.querySelector('[data-test=comment-mentions] .el-select__wrapper') as HTMLElement).click()
      await vi.waitFor(() => expect(dropdownOpen()).toBe(true))
      await vi.waitFor(() => expect([...document.querySelectorAll('.el-select-dropdown__item')].some((o) => o.textContent?.includes(name))).toBe(true))
      ;([...document.querySelectorAll<HTMLElement>('.el-select-dropdown__item')].find((o) => o.textContent?.includes(name)))!.click()
      await flushPromises()
      await vi.waitFor(() => expect(dropdownOpen()).toBe(false))
    }
    await pickOne('张伟')
    expect(input.value).toBe('请一起看一下 @张伟 ')
    expect(document.querySelector('[data-test=mentioned-u7]')?.textContent).toContain('@张伟')
    await pickOne('陈静')
    expect(input.value).toBe('请一起看一下 @张伟 @陈静 ')
    ;(document.querySelector('[data-test=comment-send]') as HTMLElement).click()
    await settle()
    expect(calls.find((c) => c.method === 'POST')?.body).toMatchObject({ body: '请一起看一下 @张伟 @陈静 ', mentions: ['u7', 'u8'] })
    expect(document.querySelector('[data-test=comment-mentioned]')).toBeNull()
  }, 20_000)
})
