import { afterEach, describe, expect, it, vi } from 'vitest'
import { fetchReplies, mountView, settle } from '../../test/mount'
import AdminWorkCalendar from './AdminWorkCalendar.vue'
import { zoneName } from '../meetings/zone'

const calendar = (over: Record<string, unknown> = {}) => ({
  time_zone: 'Asia/Shanghai', work_start: '09:00', work_end: '18:00', work_days: [1, 2, 3, 4, 5],
  days: [{ date: String(new Date().getFullYear()) + '-10-01', working: false, note: '国庆节' }], ...over,
})

describe('AdminWorkCalendar', { timeout: 30_000 }, () => {
  afterEach(() => { vi.unstubAllGlobals(); document.body.innerHTML = '' })

  it('shows the company calendar, saves the week, and shows the server\'s refusal in words', async () => {
    const calls = fetchReplies([200, calendar()],
      [400, { error: { code: 'invalid', key: 'workcal.invalid_week', message: 'x', fields: { work_days: 'required' } } }],
      [200, { work_days: [1, 2, 3, 4, 5, 6], work_start: '09:00', work_end: '18:00' }],
      [200, calendar({ work_days: [1, 2, 3, 4, 5, 6] })])
    const { wrapper } = await mountView(AdminWorkCalendar, '/')
    await settle()
    expect(calls[0].path).toBe('/api/v1/workcal')
    // The zone reads as its localized name (中国标准时间), not its IANA id.
    expect(wrapper.text()).toContain(zoneName('Asia/Shanghai', 'zh-CN'))
    expect(wrapper.text()).not.toContain('Asia/Shanghai')
    expect(wrapper.find('[data-test=calendar-days]').text()).toContain('国庆节')

    await wrapper.find('[data-test=save-week]').trigger('click')
    await settle()
    expect(calls[1]).toEqual({ path: '/api/v1/workcal/settings', body: { work_days: [1, 2, 3, 4, 5], work_start: '09:00', work_end: '18:00' } })
    expect(wrapper.find('[data-test=week-error]').text()).toBe('请至少选择一天')

    await wrapper.find('[data-test=save-week]').trigger('click')
    await settle()
    expect(calls[2].path).toBe('/api/v1/workcal/settings')
    expect(calls[3].path).toBe('/api/v1/workcal')
    expect(wrapper.find('[data-test=week-error]').exists()).toBe(false)
  })
})
