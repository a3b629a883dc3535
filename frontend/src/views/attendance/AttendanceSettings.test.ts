import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { fetchRoutes, flush, mountView } from '../../test/mount'
import AttendanceSettings from './AttendanceSettings.vue'

const settings = { makeup_cap: 3, remind_before_min: 10, remind_after_min: 30, summary_hour: 9, compile_day: 1, confirm_by_day: 5,
  leave_balance_check: false, version: 4 }
const group = { id: 'g1', name: '销售组', schedule: 'fixed', week_shifts: ['s1', 's1', 's1', 's1', 's1', '', ''], free_minutes: 480,
  is_default: false, field_allowed: true, field_approval: false, photo_policy: 'suspicious', version: 2,
  members: [{ kind: 'department', ref_id: 'd1' }, { kind: 'exclude', ref_id: 'u9' }] }
const q = (sel: string) => document.querySelector(sel) as HTMLElement | null
const settle = async () => { await flushPromises(); await flush(); await flushPromises() }

function routes(extra: Record<string, [number, unknown]> = {}) {
  return fetchRoutes({
    'GET /api/v1/attendance/places': [200, { items: [] }], 'GET /api/v1/attendance/networks': [200, { items: [] }],
    'GET /api/v1/attendance/shifts': [200, { items: [{ id: 's1', name: '默认班次', start_min: 510, end_min: 1050 }] }],
    'GET /api/v1/attendance/groups': [200, { items: [group] }], 'GET /api/v1/attendance/settings': [200, settings],
    'GET /api/v1/departments': [200, { items: [{ id: 'd1', name: '销售部' }] }],
    ...extra,
  })
}

describe('attendance settings', () => {
  afterEach(() => { vi.unstubAllGlobals(); document.body.innerHTML = '' })

  it('saves every job setting and the balance check with the version it read', async () => {
    const calls = routes({ 'PUT /api/v1/attendance/settings': [200, { ...settings, version: 5 }] })
    await mountView(AttendanceSettings, '/')
    await settle()
    ;(document.querySelector('#tab-rules') as HTMLElement).click()
    await settle()
    const input = q('[data-test=rule-compile_day] input') as HTMLInputElement
    input.value = '3'
    input.dispatchEvent(new Event('input'))
    input.dispatchEvent(new Event('change'))
    ;(q('[data-test=leave-balance-check] input') as HTMLInputElement).click()
    await settle()
    q('[data-test=rules-save]')!.click()
    await settle()
    const put = calls.find((c) => c.method === 'PUT')!
    expect(put.body).toEqual({ ...settings, compile_day: 3, leave_balance_check: true })
  }, 60_000)

  it('edits a group: field approval and the photo policy, keeping the members the form does not show', async () => {
    const calls = routes({ 'PUT /api/v1/attendance/groups/g1': [200, { ...group, version: 3 }] })
    await mountView(AttendanceSettings, '/')
    await settle()
    ;(document.querySelector('#tab-groups') as HTMLElement).click()
    await settle()
    expect(q('[data-test=group-row]')!.textContent).toContain('销售组')
    q('[data-test=group-edit]')!.click()
    await settle()
    expect((q('[data-test=group-name]') as HTMLInputElement).value).toBe('销售组')
    ;(q('[data-test=group-field-approval] input') as HTMLInputElement).click()
    ;(q('[data-test=group-photo-policy] input[value=always]') as HTMLInputElement).click()
    await settle()
    q('[data-test=group-add]')!.click()
    await settle()
    const put = calls.find((c) => c.method === 'PUT')!
    expect(put.path).toBe('/api/v1/attendance/groups/g1')
    expect(put.body).toMatchObject({ id: 'g1', version: 2, name: '销售组', field_approval: true, photo_policy: 'always',
      week_shifts: group.week_shifts, members: [{ kind: 'department', ref_id: 'd1' }, { kind: 'exclude', ref_id: 'u9' }] })
  }, 60_000)
})
