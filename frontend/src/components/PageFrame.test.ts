import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { h } from 'vue'
import { createMemoryHistory, createRouter } from 'vue-router'
import PageFrame from './PageFrame.vue'

const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:p(.*)*', component: { render: () => null } }] })

function mountFrame(props: Record<string, unknown>, slots: Record<string, () => unknown> = {}) {
  return mount(PageFrame, { props, slots: { default: () => h('p', { class: 'content' }, '内容'), ...slots }, global: { plugins: [router] } })
}

describe('PageFrame', () => {
  it('renders the title as the h2 of a title row inside the content card', () => {
    const w = mountFrame({ title: '审批', subtitle: '待我审批 3', titleTest: 'page-title' })
    expect(w.classes()).toContain('tk-page')
    const card = w.find('.tk-card')
    expect(card.exists()).toBe(true)
    expect(card.find('.tk-head h2').text()).toBe('审批')
    expect(card.find('h2').attributes('data-test')).toBe('page-title')
    expect(card.find('[data-test=page-subtitle]').text()).toBe('待我审批 3')
    expect(card.find('.content').text()).toBe('内容')
    expect(w.find('[data-test=page-actions]').exists()).toBe(false)
    expect(w.find('[data-test=page-back]').exists()).toBe(false)
  })

  it('puts the actions slot in the title row, after the title', () => {
    const w = mountFrame({ title: 'DING' }, { actions: () => h('button', { 'data-test': 'ding-new' }, '发DING') })
    const head = w.find('.tk-head')
    const actions = head.find('[data-test=page-actions]')
    expect(actions.find('[data-test=ding-new]').text()).toBe('发DING')
    const kids = head.element.children
    expect(kids[kids.length - 1]).toBe(actions.element)
  })

  it('lets the title slot carry markup and shows a back link', () => {
    const w = mountFrame({ back: '/reports', backLabel: '日志' }, { title: () => ['周报', h('span', { class: 'sub' }, ' · 第 3 周')] })
    expect(w.find('h2').text()).toBe('周报 · 第 3 周')
    expect(w.find('h2 .sub').exists()).toBe(true)
    const back = w.find('[data-test=page-back]')
    expect(back.text()).toContain('日志')
    expect(back.attributes('href')).toBe('/reports')
  })

  it('the back slot replaces the back link', () => {
    const w = mountFrame({ title: '审批统计' }, { back: () => h('button', { class: 'go-back' }, '← 返回') })
    const kids = w.find('.tk-head').element.children
    expect(kids[0].textContent).toBe('← 返回')
    expect(w.find('[data-test=page-back]').exists()).toBe(false)
  })

  it('flush drops the card but keeps the title row', () => {
    const w = mountFrame({ title: '会议', flush: true }, { actions: () => h('button', '新建') })
    expect(w.find('.tk-card').exists()).toBe(false)
    expect(w.classes()).toContain('tk-frame-flush')
    expect(w.find('.tk-head h2').text()).toBe('会议')
    expect(w.find('.content').exists()).toBe(true)
  })

  it('draws no title row for a page without title, back or actions', () => {
    const w = mountFrame({ flush: true })
    expect(w.find('.tk-head').exists()).toBe(false)
    expect(w.find('h2').exists()).toBe(false)
    expect(w.find('.content').exists()).toBe(true)
  })
})
