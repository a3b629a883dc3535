import { afterEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h, reactive } from 'vue'
import { fetchRoutes, mountView } from '../../test/mount'
import LeaveBalanceHint from './LeaveBalanceHint.vue'

const balance = { year: 2026, seniority_years: 0, annual_half_days: 10, annual_used_half_days: 2, annual_left_half_days: 8,
  overtime_minutes: 0, comp_used_minutes: 0, comp_left_minutes: 0, comp_left_half_days: 0, check: false }
const q = (sel: string) => document.querySelector(sel) as HTMLElement | null

function host(state: { type: string; period: unknown }) {
  return defineComponent({ setup: () => () => h(LeaveBalanceHint, { leaveType: state.type, period: state.period }) })
}

describe('the leave form balance', () => {
  afterEach(() => { vi.unstubAllGlobals(); document.body.innerHTML = '' })

  it('shows what is left and what the period takes, asks again when the period changes, and warns when over', async () => {
    let quote = { leave_type: 'annual', half_days: 3, hours: 12, left_hours: 32, over: false }
    let check = false
    const calls = fetchRoutes({ 'GET /api/v1/attendance/balance': () => [200, { ...balance, check, request: quote }] })
    const state = reactive({ type: 'sick', period: { start: '2026-01-12', end: '2026-01-13', start_half: 'pm', end_half: 'pm' } as unknown })
    await mountView(host(state))
    // Sick leave is not counted against a balance: nothing shown, nothing asked.
    expect(q('[data-test=leave-balance]')).toBeNull()
    state.type = 'annual'
    await vi.waitFor(() => expect(q('[data-test=leave-balance-request]')?.textContent).toContain('12 小时'))
    expect(q('[data-test=leave-balance-left]')!.textContent).toContain('年假剩余 32 小时（4 天）')
    expect(q('[data-test=leave-balance-request]')!.textContent).toContain('1.5 个工作日')
    expect(q('[data-test=leave-balance-over]')).toBeNull()
    expect(calls.at(-1)!.path).toBe('/api/v1/attendance/balance?leave_type=annual&start=2026-01-12&end=2026-01-13&start_half=pm&end_half=pm')

    quote = { leave_type: 'annual', half_days: 20, hours: 80, left_hours: 32, over: true }
    state.period = { start: '2026-01-12', end: '2026-01-23', start_half: 'am', end_half: 'pm' }
    await vi.waitFor(() => expect(q('[data-test=leave-balance-over]')?.textContent).toContain('超出剩余 48 小时'))
    expect(q('[data-test=leave-balance-over]')!.textContent).toContain('仍可提交')

    check = true
    state.type = 'compensatory'
    quote = { leave_type: 'compensatory', half_days: 20, hours: 80, left_hours: 0, over: true }
    await vi.waitFor(() => expect(q('[data-test=leave-balance-over]')?.textContent).toContain('提交将被拒绝'))
    expect(q('[data-test=leave-balance-left]')!.textContent).toContain('调休剩余 0 小时')
  }, 20_000)

})
