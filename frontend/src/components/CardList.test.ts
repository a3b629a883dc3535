import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { h } from 'vue'
import { i18n, setLocale } from '../locales'
import CardList from './CardList.vue'

type Row = { id: string; title: string; who: string }
const rows: Row[] = [{ id: 'a', title: '年假申请', who: '王芳' }, { id: 'b', title: '报销', who: '李雷' }]

function mountList(items: Row[], extra: Record<string, unknown> = {}) {
  setLocale('zh-CN')
  return mount(CardList, {
    props: { items, rowKey: 'id', ...extra },
    slots: {
      title: (p: { item: unknown }) => (p.item as Row).title,
      meta: (p: { item: unknown }) => (p.item as Row).who,
      tag: () => h('b', { class: 'tag' }, '审批中'),
      actions: (p: { item: unknown }) => h('button', { class: 'act', 'data-id': (p.item as Row).id }, '同意'),
    },
    global: { plugins: [i18n, ElementPlus] },
  })
}

describe('CardList', () => {
  it('renders one card per row with title, meta, tag and actions', () => {
    const w = mountList(rows)
    const cards = w.findAll('[data-test=card]')
    expect(cards).toHaveLength(2)
    expect(cards[0].find('[data-test=card-title]').text()).toBe('年假申请')
    expect(cards[0].find('.tk-card-meta').text()).toBe('王芳')
    expect(cards[1].find('.tag').text()).toBe('审批中')
    expect(w.find('[data-test=empty-state]').exists()).toBe(false)
  })

  it('opens the row on a tap, but not when an action is tapped', async () => {
    const w = mountList(rows)
    await w.findAll('[data-test=card]')[1].trigger('click')
    expect(w.emitted('open')).toEqual([[rows[1]]])
    await w.find('.act').trigger('click')
    expect(w.emitted('open')).toHaveLength(1)
  })

  it('shows the shared empty state with its hint when there is nothing', () => {
    const w = mountList([], { emptyText: '暂无审批', emptyHint: '点击「发起审批」提交一份申请。' })
    expect(w.find('[data-test=empty-state]').text()).toContain('暂无审批')
    expect(w.find('[data-test=empty-hint]').text()).toBe('点击「发起审批」提交一份申请。')
  })

  it('shows no empty state while loading', () => {
    expect(mountList([], { loading: true }).find('[data-test=empty-state]').exists()).toBe(false)
  })
})
