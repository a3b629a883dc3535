import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { h } from 'vue'
import { i18n, setLocale } from '@/locales'
import type { Entry } from '@/api/drive'
import EntryCards from './EntryCards.vue'

const entry = (id: string, name: string, kind: Entry['kind'], role: Entry['role'] = 'manager'): Entry => ({
  id, space_id: 's1', parent_id: 'root', kind, name, description: '', size: kind === 'file' ? 2048 : 0, hash: '', version: 1,
  created_by: 'u1', created_at: '2026-12-01T08:00:00Z', modified_by: 'u1', modified_by_name: '王芳', modified_at: '2026-12-01T08:00:00Z',
  deleted: false, role,
})
const folder = entry('f1', '方案', 'folder')
const file = entry('e1', '报价单.txt', 'file')

function mountCards(props: Record<string, unknown> = {}, slots: Record<string, unknown> = {}) {
  setLocale('zh-CN')
  return mount(EntryCards, { props: { items: [folder, file], ...props }, slots: slots as never, global: { plugins: [i18n, ElementPlus] } })
}

describe('EntryCards', () => {
  it('shows one card per entry with its name, size, time and who changed it, and its actions', () => {
    const w = mountCards()
    const rows = w.findAll('[data-test=entry-row]')
    expect(rows.map((r) => r.attributes('data-name'))).toEqual(['方案', '报价单.txt'])
    const cards = w.findAll('[data-test=card]')
    expect(cards[1].find('.tk-card-meta').text()).toContain('2 KB')
    expect(cards[1].find('.tk-card-meta').text()).toContain('王芳')
    expect(cards[0].find('.tk-card-meta').text()).not.toContain('KB')
    // A file has download and share a tap away; a folder has no download.
    expect(cards[1].find('[data-test=row-download]').exists()).toBe(true)
    expect(cards[1].find('[data-test=row-share]').exists()).toBe(true)
    expect(cards[0].find('[data-test=row-download]').exists()).toBe(false)
    expect(w.find('[data-test=entry-select]').exists()).toBe(false)
  })

  it('opens an entry on a tap and runs an action from its buttons', async () => {
    const w = mountCards()
    await w.findAll('[data-test=card]')[0].trigger('click')
    expect(w.emitted('open')).toEqual([[folder]])
    await w.findAll('[data-test=card]')[1].find('[data-test=row-download]').trigger('click')
    expect(w.emitted('run')).toEqual([['download', file]])
    expect(w.emitted('open')).toHaveLength(1) // the button did not open the card
  })

  it('selects with the checkbox through v-model:selected', async () => {
    const w = mountCards({ selectable: true, selected: [], 'onUpdate:selected': (v: Entry[]) => w.setProps({ selected: v }) })
    const boxes = w.findAll('[data-test=entry-select] input')
    expect(boxes).toHaveLength(2)
    await boxes[1].setValue(true)
    expect(w.emitted('update:selected')!.at(-1)).toEqual([[file]])
    await boxes[0].setValue(true)
    expect(w.emitted('update:selected')!.at(-1)).toEqual([[file, folder]])
    await w.findAll('[data-test=entry-select] input')[1].setValue(false)
    expect(w.emitted('update:selected')!.at(-1)).toEqual([[folder]])
  })

  it('plain (the trash): no link, no ⋯ menu, a tap opens nothing, the view\'s own meta and actions', async () => {
    const w = mountCards({ plain: true, listTest: 'trash-list', rowTest: 'trash-row' }, {
      meta: () => '剩 3 天',
      actions: (p: { item: Entry }) => h('button', { class: 'restore', 'data-id': p.item.id }, '恢复'),
    })
    expect(w.find('[data-test=trash-list]').exists()).toBe(true)
    expect(w.findAll('[data-test=trash-row]')).toHaveLength(2)
    expect(w.find('[data-test=entry-open]').exists()).toBe(false)
    expect(w.find('[data-test=row-more]').exists()).toBe(false)
    expect(w.findAll('.tk-card-meta')[0].text()).toBe('剩 3 天')
    await w.findAll('[data-test=card]')[0].trigger('click')
    expect(w.emitted('open')).toBeUndefined()
    expect(w.findAll('.restore').map((b) => b.attributes('data-id'))).toEqual(['f1', 'e1'])
  })

  it('shows the empty state with the view\'s text', () => {
    const w = mountCards({ items: [], emptyText: '没有与你共享的文件' })
    expect(w.find('[data-test=empty-state]').text()).toContain('没有与你共享的文件')
  })
})
