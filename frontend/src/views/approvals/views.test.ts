// The approval pages as people read them: option labels, not stored values
// (the old "李娜的请假 · annual · 5天"), in the UI language.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { setLocale } from '../../locales'
import { fetchReplies, mountView, settle } from '../../test/mount'
import DetailView from './DetailView.vue'
import InboxView from './InboxView.vue'
import PrintView from './PrintView.vue'

const leaveFields = [
  { key: 'leave_type', type: 'select', label_zh: '请假类型', label_en: 'Leave type', required: true, title: true,
    options: [{ value: 'annual', label_zh: '年假', label_en: 'Annual leave' }] },
  { key: 'period', type: 'daterange', label_zh: '请假时间', label_en: 'Period', required: true, half_day: true },
  { key: 'handover', type: 'person', label_zh: '工作交接人', label_en: 'Handover to', required: false },
  { key: 'attachments', type: 'attachment', label_zh: '附件', label_en: 'Attachments', required: false },
]
const detail = {
  id: 'i1', number: 'QJ-2026-000001', template_id: 't1', template_name: '请假', template_name_en: 'Leave',
  title: '李娜的请假 · 年假 · 5天', title_en: "李娜's Leave · Annual leave · 5 days", applicant_id: 'u1', department_id: 'd1',
  form: { leave_type: 'annual', period: { start: '2026-12-07', end: '2026-12-11', start_half: 'am', end_half: 'pm', days: 5 }, handover: 'u3',
    attachments: [{ id: 'f1', name: '交接清单.xlsx', size: 2048 }] },
  route: [{ id: 'head', type: 'approver', name_zh: '部门负责人', name_en: 'Department head', mode: 'sequential', approvers: ['u2'], skipped: false }],
  current_node: 0, status: 'pending', archived: false, version: 2, submitted_at: '2026-12-01T02:00:00Z', finished_at: null,
  fields: leaveFields, tasks: [{ id: 'k1', node_index: 0, stage: 0, kind: 'approve', assignee_id: 'u2', status: 'pending', comment: '', assigned_at: null, acted_at: null, due_at: null, overdue: false }],
  timeline: [{ id: 'e1', actor_id: 'u1', action: 'submitted', node_index: 0, comment: '', data: {}, created_at: '2026-12-01T02:00:00Z' }],
  comments: [], users: { u1: { id: 'u1', name: '李娜', title: '', active: true }, u2: { id: 'u2', name: '林主管', title: '', active: true }, u3: { id: 'u3', name: '张三', title: '', active: true } },
  departments: {}, department_name: '销售部', my_task_id: 'k1',
  permissions: { can_approve: true, can_reject: true, can_transfer: true, can_add_approver: true, can_return: false, can_withdraw: false, can_remind: false, can_comment: true },
}

describe('approval pages show labels, not stored values', () => {
  afterEach(() => { vi.unstubAllGlobals(); setLocale('zh-CN'); document.body.innerHTML = '' })

  it('detail in Chinese and in English', async () => {
    fetchReplies([200, detail])
    const { wrapper } = await mountView(DetailView)
    await settle()
    const text = wrapper.text()
    expect(wrapper.find('[data-test=detail-title]').text()).toBe('李娜的请假 · 年假 · 5天')
    expect(wrapper.find('[data-test=value-leave_type]').text()).toBe('年假')
    expect(wrapper.find('[data-test=value-handover]').text()).toBe('张三') // a name, not u3
    expect(text).not.toContain('annual')
    expect(wrapper.find('[data-test=file-link]').attributes('href')).toBe('/api/v1/approvals/i1/attachments/f1')
    expect(wrapper.find('[data-test=waiting]').text()).toContain('等待 林主管 审批')
    setLocale('en')
    await flushPromises()
    expect(wrapper.find('[data-test=detail-title]').text()).toBe("李娜's Leave · Annual leave · 5 days")
    expect(wrapper.find('[data-test=value-leave_type]').text()).toBe('Annual leave')
    expect(wrapper.find('[data-test=value-period]').text()).toBe('2026-12-07 AM – 2026-12-11 PM (5 days)')
  }, 20_000)

  it('inbox rows and the printable sheet', async () => {
    const row = { ...detail, applicant_name: '李娜', overdue: true }
    fetchReplies([200, { items: [row], next_cursor: '' }], [200, { todo: 1, overdue: 1 }], [200, { items: [] }])
    const { wrapper } = await mountView(InboxView)
    await settle()
    expect(wrapper.find('[data-test=row-title]').text()).toBe('李娜的请假 · 年假 · 5天')
    expect(wrapper.find('[data-test=overdue]').exists()).toBe(true)
    expect(wrapper.find('[data-test=todo-count]').text()).toContain('1')
    wrapper.unmount()

    setLocale('en')
    fetchReplies([200, detail])
    const print = await mountView(PrintView, '/?noprint=1')
    setLocale('en')
    await settle()
    expect(print.wrapper.find('[data-test=print-leave_type]').text()).toBe('Annual leave')
    expect(print.wrapper.text()).not.toContain('annual')
    expect(print.wrapper.find('[data-test=print-record]').text()).toContain('林主管')
  }, 20_000)
})
