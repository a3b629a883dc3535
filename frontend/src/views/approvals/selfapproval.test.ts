// The "approver is the applicant" setting in the template designer and how
// the route shows a step that went up from the applicant (issue 12, item 22).
import { afterEach, describe, expect, it, vi } from 'vitest'
import { mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { i18n, setLocale } from '../../locales'
import { fetchReplies, mountView, settle } from '../../test/mount'
import RouteSteps from './RouteSteps.vue'
import SelfApprovalSetting from './SelfApprovalSetting.vue'
import TemplateAdmin from './TemplateAdmin.vue'
import DetailView from './DetailView.vue'

const leave = {
  id: 't1', builtin_key: 'leave', prefix: 'QJ', name_zh: '请假', name_en: 'Leave', description_zh: '', description_en: '', category: 'attendance', icon: '',
  starters: { everyone: true, departments: [], roles: [] }, sla_hours: 4, skip_self: false, skip_repeat: true, self_approval: 'up', self_approval_user: '',
  active: true, current_version: 2, version: 3, fields: [{ key: 'reason', type: 'textarea', label_zh: '事由', label_en: 'Reason', required: true }],
  flow: { nodes: [{ id: 'head', type: 'approver', name_zh: '部门负责人', name_en: 'Department head', approvers: { kind: 'dept_head' }, mode: 'sequential' }] },
}

describe('self approval', () => {
  afterEach(() => { vi.unstubAllGlobals(); setLocale('zh-CN'); document.body.innerHTML = '' })

  it('the designer shows the rule and saves the one chosen', async () => {
    const calls = fetchReplies([200, { items: [leave] }], [200, { items: [] }], [200, { items: [] }],
      [200, { ...leave, self_approval: 'auto', skip_self: true, version: 4 }], [200, { items: [{ ...leave, self_approval: 'auto', version: 4 }] }])
    const { wrapper } = await mountView(TemplateAdmin)
    await settle()
    const setting = wrapper.find('[data-test=self-approval]')
    expect(setting.text()).toContain('转给申请人的上级审批')
    expect(wrapper.find('[data-test=self-up] input').element).toHaveProperty('checked', true)
    expect(wrapper.find('[data-test=self-user-pick]').exists()).toBe(false)
    await wrapper.find('[data-test=self-auto] input').setValue(true)
    await wrapper.find('[data-test=save-template]').trigger('click')
    await settle()
    const patch = calls.find((c) => c.path === '/api/v1/approval/templates/t1')
    expect(patch?.body).toMatchObject({ self_approval: 'auto', self_approval_user: '', version: 3 })
    expect(patch?.body).not.toHaveProperty('skip_self')
    wrapper.unmount()
  }, 20_000)

  it('a named approver needs a person; the picker shows their name', async () => {
    setLocale('zh-CN')
    fetchReplies([200, { items: [{ id: 'u9', name: '张总', title: '总经理', active: true }], next_cursor: '' }])
    const wrapper = mount(SelfApprovalSetting, { props: { modelValue: 'user', user: 'u9' }, global: { plugins: [i18n, ElementPlus] }, attachTo: document.body })
    await settle()
    expect(wrapper.find('[data-test=self-user-pick]').exists()).toBe(true)
    expect(wrapper.text()).toContain('指定人员本人提交的申请转给其上级')
    expect(wrapper.find('[data-test=self-user-pick]').text()).toBe('张总')
    await wrapper.find('[data-test=self-up] input').setValue(true)
    expect(wrapper.emitted('update:modelValue')?.[0]).toEqual(['up'])
    wrapper.unmount()
  }, 20_000)

  it('the route says where a step that would land on the applicant went', async () => {
    setLocale('zh-CN')
    const nodes = [{ id: 'head', type: 'approver', name_zh: '部门负责人', name_en: 'Department head', mode: 'sequential', approvers: ['u9'], skipped: false,
      notes: ['applicant_self_up'], self: 'up' }]
    const users = { u9: { id: 'u9', name: '张总', title: '总经理', active: true } }
    const wrapper = mount(RouteSteps, { props: { nodes, users }, global: { plugins: [i18n, ElementPlus] } })
    expect(wrapper.text()).toContain('部门负责人（本人）')
    expect(wrapper.find('[data-test=route-self]').text()).toBe('→ 上级：张总')
    expect(wrapper.text()).not.toContain('已转给其上级') // said once, not twice
    setLocale('en')
    await wrapper.vm.$nextTick()
    expect(wrapper.text()).toContain('Department head (applicant)')
    expect(wrapper.find('[data-test=route-self]').text()).toBe('→ their leader: 张总')
  })

  it('transfer never offers the applicant', async () => {
    const detail = {
      id: 'i1', number: 'QJ-2026-000001', template_id: 't1', template_name: '请假', template_name_en: 'Leave', title: '李娜的请假', title_en: "李娜's Leave",
      applicant_id: 'u1', department_id: 'd1', form: {}, route: [{ id: 'head', type: 'approver', name_zh: '部门负责人', name_en: 'Department head', mode: 'sequential', approvers: ['u2'], skipped: false }],
      current_node: 0, status: 'pending', archived: false, version: 2, submitted_at: '2026-12-01T02:00:00Z', finished_at: null, fields: [],
      tasks: [{ id: 'k1', node_index: 0, stage: 0, kind: 'approve', assignee_id: 'u2', status: 'pending', comment: '', assigned_at: null, acted_at: null, due_at: null, overdue: false }],
      timeline: [], comments: [], users: { u1: { id: 'u1', name: '李娜', title: '', active: true }, u2: { id: 'u2', name: '林主管', title: '', active: true } },
      departments: {}, department_name: '销售部', my_task_id: 'k1',
      permissions: { can_approve: true, can_reject: true, can_transfer: true, can_add_approver: true, can_return: false, can_withdraw: false, can_remind: false, can_comment: true },
    }
    fetchReplies([200, detail], [200, { items: [{ id: 'u1', name: '李娜', title: '销售', active: true }, { id: 'u3', name: '张三', title: '销售', active: true }], next_cursor: '' }])
    const { wrapper } = await mountView(DetailView)
    await settle()
    await wrapper.find('[data-test=transfer]').trigger('click')
    await settle()
    await (document.querySelector('[data-test=pick-user] .el-select__wrapper') as HTMLElement).click()
    await settle()
    const options = [...document.querySelectorAll('.el-select-dropdown__item')].map((o) => o.textContent ?? '')
    expect(options.some((o) => o.includes('张三'))).toBe(true)
    expect(options.some((o) => o.includes('李娜'))).toBe(false)
    wrapper.unmount()
  }, 20_000)
})
