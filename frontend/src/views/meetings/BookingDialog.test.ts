import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { createPinia, setActivePinia, type Pinia } from 'pinia'
import { useSession } from '@/stores/session'
import { i18n, setLocale } from '../../locales'
import BookingDialog from './BookingDialog.vue'
import type { Meeting } from '@/api/meetings'

const meeting = {
  id: 'm1', title: '周会', organizer_id: 'u1', minute_taker_id: 'u2', room_id: 'r1', place: '', online_url: '', agenda: '过进度',
  attachments: ['/drive/entries/f1'], time_zone: 'Asia/Shanghai', start: '2026-01-06T02:00:00Z', end: '2026-01-06T03:00:00Z',
  rrule: 'FREQ=WEEKLY;COUNT=4', reminder_minutes: 15, status: 'active', version: 3,
  attendees: [{ user_id: 'u2', response: 'accepted' }], exceptions: [],
} as unknown as Meeting

/** signedIn is a Pinia whose session store holds u1 (the route guard's load, done). */
function signedIn(): Pinia {
  const pinia = createPinia()
  setActivePinia(pinia)
  useSession().setMe({ id: 'u1', name: '张伟', roles: ['member'] } as never)
  return pinia
}

/** routes answers fetch by method and path and records what was sent. */
function routes(table: Record<string, [number, unknown]>) {
  const sent: { key: string; body: unknown }[] = []
  vi.stubGlobal('fetch', vi.fn(async (path: string, init?: RequestInit) => {
    const key = (init?.method ?? 'GET') + ' ' + path.split('?')[0]
    sent.push({ key, body: init?.body ? JSON.parse(String(init.body)) : undefined })
    const [status, body] = table[key] ?? [404, { error: { code: 'not_found', key: 'not_found', message: key } }]
    return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
  }))
  return sent
}

describe('editing a meeting in the booking dialog', () => {
  afterEach(() => { vi.unstubAllGlobals(); document.body.innerHTML = '' })

  it('starts from the meeting and sends a change with its version, rule and people', async () => {
    const sent = routes({
      'GET /api/v1/users': [200, { items: [{ id: 'u1', name: '张伟' }, { id: 'u2', name: '李娜' }] }],
      'PATCH /api/v1/meetings/m1': [200, { meeting: { ...meeting, version: 4 }, warnings: [] }],
    })
    setLocale('zh-CN')
    const w = mount(BookingDialog, { props: { modelValue: true, rooms: [], initial: {}, meeting }, global: { plugins: [signedIn(), i18n, ElementPlus] }, attachTo: document.body })
    await (w.vm as unknown as { reset: () => Promise<void> }).reset()
    await flushPromises()
    expect(document.querySelector('.el-dialog__title')?.textContent).toBe('修改会议')
    expect((document.querySelector('[data-test=title]') as HTMLInputElement).value).toBe('周会')
    ;(document.querySelector('[data-test=save]') as HTMLElement).click()
    await flushPromises()
    const patch = sent.find((s) => s.key === 'PATCH /api/v1/meetings/m1')
    expect(patch?.body).toMatchObject({ title: '周会', version: 3, rrule: 'FREQ=WEEKLY;COUNT=4', attendee_ids: ['u2'], minute_taker_id: 'u2',
      room_id: 'r1', time_zone: 'Asia/Shanghai', reminder_minutes: 15, attachments: ['/drive/entries/f1'],
      start: '2026-01-06T02:00:00.000Z', end: '2026-01-06T03:00:00.000Z' })
    expect(sent.some((s) => s.key === 'POST /api/v1/meetings')).toBe(false)
    expect(w.emitted('saved')).toHaveLength(1)
  }, 30_000) // the whole dialog (date pickers, selects) renders slowly in jsdom

  it('shows and sends the times in the meeting\'s own zone, not the browser\'s', async () => {
    const tokyo = { ...meeting, time_zone: 'Asia/Tokyo', start: '2026-01-06T01:00:00Z', end: '2026-01-06T02:30:00Z', rrule: '' } as Meeting
    const sent = routes({
      'GET /api/v1/users': [200, { items: [{ id: 'u1', name: '张伟' }, { id: 'u2', name: '李娜' }] }],
      'PATCH /api/v1/meetings/m1': [200, { meeting: { ...tokyo, version: 4 }, warnings: [] }],
    })
    setLocale('zh-CN')
    const w = mount(BookingDialog, { props: { modelValue: true, rooms: [], initial: {}, meeting: tokyo }, global: { plugins: [signedIn(), i18n, ElementPlus] }, attachTo: document.body })
    await (w.vm as unknown as { reset: () => Promise<void> }).reset()
    await flushPromises()
    // 01:00 UTC is 10:00 in Tokyo, whatever zone the test runs in.
    expect((document.querySelector('[data-test=start] input') as HTMLInputElement).value).toBe('2026-01-06 10:00')
    expect((document.querySelector('[data-test=end] input') as HTMLInputElement).value).toBe('2026-01-06 11:30')
    ;(document.querySelector('[data-test=save]') as HTMLElement).click()
    await flushPromises()
    expect(sent.find((x) => x.key === 'PATCH /api/v1/meetings/m1')?.body).toMatchObject({
      time_zone: 'Asia/Tokyo', start: '2026-01-06T01:00:00.000Z', end: '2026-01-06T02:30:00.000Z' })
  }, 30_000)

  it('counts the signed-in user from the session store in the free/busy, without asking /me', async () => {
    const sent = routes({
      'GET /api/v1/users': [200, { items: [{ id: 'u1', name: '张伟' }, { id: 'u2', name: '李娜' }] }],
      'GET /api/v1/freebusy': [200, { users: { u1: [] }, rooms: {} }],
    })
    setLocale('zh-CN')
    const w = mount(BookingDialog, { props: { modelValue: true, rooms: [], initial: {} }, global: { plugins: [signedIn(), i18n, ElementPlus] }, attachTo: document.body })
    await (w.vm as unknown as { reset: () => Promise<void> }).reset()
    await flushPromises()
    ;(document.querySelector('[data-test=show-freebusy]') as HTMLElement).click()
    await flushPromises()
    const calls = (fetch as unknown as { mock: { calls: [string][] } }).mock.calls.map(([p]) => p)
    expect(calls.find((p) => p.startsWith('/api/v1/freebusy'))).toContain('users=u1&')
    expect(sent.some((x) => x.key === 'GET /api/v1/me')).toBe(false)
  }, 30_000)
})
