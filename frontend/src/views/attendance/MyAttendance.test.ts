import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { fetchRoutes, flush, mountView } from '../../test/mount'
import MyAttendance from './MyAttendance.vue'

const day = { user_id: 'u1', work_date: '2026-01-05', day_type: 'work', status: 'pending', flags: [], late_minutes: 0, early_minutes: 0,
  worked_minutes: 0, overtime_minutes: 0, leave_type: '', leave_minutes: 0, leave_half_days: 0, first_in: null, last_out: null }
const today = { date: '2026-01-05', group: { id: 'g', name: '默认考勤组', schedule: 'fixed' }, day_type: 'work',
  shift: { id: 's', name: '默认', start_min: 510, end_min: 1050 }, day, punches: [], places: [{ id: 'p', name: '总部' }],
  makeup_cap: 3, makeup_used: 1, makeup_left: 2, field_allowed: true }

function geolocation(lat: number, lng: number, accuracy: number) {
  vi.stubGlobal('navigator', { ...navigator, geolocation: {
    getCurrentPosition: (ok: (p: unknown) => void) => ok({ coords: { latitude: lat, longitude: lng, accuracy } }) } })
}

const q = (sel: string) => document.querySelector(sel) as HTMLElement | null

describe('my attendance', () => {
  afterEach(() => { vi.unstubAllGlobals(); document.body.innerHTML = '' })

  it('shows the shift and the makeup punches left, and sends the position when punching', async () => {
    geolocation(31.2304, 121.4737, 20)
    const calls = fetchRoutes({
      'GET /api/v1/attendance/today': [200, today],
      'GET /api/v1/attendance/days': [200, { items: [day], next_cursor: '' }],
      'POST /api/v1/attendance/punches': [201, { punch: { id: 'x', at: '2026-01-05T00:20:00Z', method: 'gps', distance_m: 30 }, day }],
    })
    await mountView(MyAttendance, '/')
    await flushPromises()
    expect(q('[data-test=shift-text]')!.textContent).toContain('08:30–17:30')
    expect(q('[data-test=makeup-left]')!.textContent).toContain('2/3')
    q('[data-test=punch-btn]')!.click()
    await flushPromises(); await flush(); await flushPromises()
    const post = calls.find((c) => c.method === 'POST')!
    expect(post.body).toEqual({ lat: 31.2304, lng: 121.4737, accuracy: 20, device: expect.stringMatching(/.{16,}/) })
    expect(q('[data-test=punch-message]')!.textContent).toContain('打卡成功')
  }, 20_000)

  it('outside the fence: the translated refusal and the field punch form', async () => {
    geolocation(31.3, 121.6, 15)
    fetchRoutes({
      'GET /api/v1/attendance/today': [200, today],
      'GET /api/v1/attendance/days': [200, { items: [], next_cursor: '' }],
      'POST /api/v1/attendance/punches': [400, { error: { code: 'invalid', key: 'attendance.outside_fence', message: 'outside' } }],
    })
    await mountView(MyAttendance, '/')
    await flushPromises()
    q('[data-test=punch-btn]')!.click()
    await flushPromises(); await flush(); await flushPromises()
    expect(q('[data-test=punch-message]')!.textContent).toContain('不在任何办公地点的打卡范围内')
    expect(q('[data-test=field-form]')).not.toBeNull()
    expect((q('[data-test=field-submit]') as HTMLButtonElement).disabled).toBe(true)
  }, 20_000)
})

describe('a punch that looks off', () => {
  afterEach(() => { vi.unstubAllGlobals(); document.body.innerHTML = '' })

  it('asks for a photo with the reasons, then sends the same position again with the photo and this browser\'s ID', async () => {
    geolocation(31.2304, 121.4737, 60)
    let n = 0
    const calls = fetchRoutes({
      'GET /api/v1/attendance/today': [200, today],
      'GET /api/v1/attendance/days': [200, { items: [day], next_cursor: '' }],
      'POST /api/v1/attendance/punches': () => n++ === 0
        ? [400, { error: { code: 'invalid', key: 'attendance.photo_needed', message: 'photo', fields: { photo: 'required', reasons: 'edge,new_device' } } }]
        : [201, { punch: { id: 'x', at: '2026-01-05T00:20:00Z', method: 'gps', distance_m: 150, checks: 'edge,new_device', photo_id: 'ph' }, day }],
    })
    await mountView(MyAttendance, '/')
    await flushPromises()
    expect(q('[data-test=photo-needed]')).toBeNull()
    q('[data-test=punch-btn]')!.click()
    await flushPromises(); await flush(); await flushPromises()
    const step = q('[data-test=photo-needed]')!
    expect(step.textContent).toContain('定位可能在办公地点范围之外')
    expect(step.textContent).toContain('第一次用这台手机或浏览器打卡')
    expect(q('[data-test=field-form]')).toBeNull()
    const send = q('[data-test=punch-photo-send]') as HTMLButtonElement
    expect(send.disabled).toBe(true)
    const input = q('[data-test=punch-photo]') as HTMLInputElement
    Object.defineProperty(input, 'files', { value: [new File([new Uint8Array([0xff, 0xd8, 0xff, 0xd9])], 'me.jpg', { type: 'image/jpeg' })] })
    input.dispatchEvent(new Event('change'))
    await flushPromises(); await flush(); await flushPromises()
    ;(q('[data-test=punch-photo-send]') as HTMLButtonElement).click()
    await flushPromises(); await flush(); await flushPromises()
    const posts = calls.filter((c) => c.method === 'POST')
    expect(posts).toHaveLength(2)
    const first = posts[0].body as Record<string, unknown>
    const form = posts[1].body as FormData
    expect(form).toBeInstanceOf(FormData)
    expect(form.get('lat')).toBe('31.2304')
    expect(form.get('accuracy')).toBe('60')
    expect(form.get('device')).toBe(first.device)
    expect(form.get('photo')).toBeInstanceOf(Blob)
    expect(q('[data-test=photo-needed]')).toBeNull()
    expect(q('[data-test=punch-message]')!.textContent).toContain('打卡成功')
  }, 20_000)
})

describe('the month calendar', () => {
  afterEach(() => { vi.unstubAllGlobals(); document.body.innerHTML = '' })

  it('puts the 1st under its weekday even when the first known day is later', async () => {
    fetchRoutes({
      'GET /api/v1/attendance/today': [200, { ...today, date: '2026-12-07' }],
      'GET /api/v1/attendance/days': [200, { items: [{ ...day, work_date: '2026-12-07' }], next_cursor: '' }],
    })
    await mountView(MyAttendance, '/')
    await flushPromises()
    // 2026-12-01 is a Tuesday: one blank cell (Monday) before it.
    const grid = q('.ma-grid')!
    const cells = Array.from(grid.children).slice(7)
    expect(cells[0].getAttribute('data-test')).toBeNull()
    expect(cells[1].getAttribute('data-test')).toBe('day-2026-12-01')
  }, 20_000)
})

describe('in the desktop app', () => {
  afterEach(() => { vi.unstubAllGlobals(); delete (window as any).go; document.body.innerHTML = '' })

  it('punches by the office network without asking for a position, and keeps the automatic punch setting', async () => {
    const asked = vi.fn()
    vi.stubGlobal('navigator', { ...navigator, geolocation: { getCurrentPosition: asked } })
    const set = vi.fn(async (on: boolean) => on)
    ;(window as any).go = { app: { App: { PickFolder: vi.fn(), StartAtLogin: vi.fn(), SetStartAtLogin: vi.fn(),
      AutoPunch: async () => false, SetAutoPunch: set } } }
    const calls = fetchRoutes({
      'GET /api/v1/attendance/today': [200, today],
      'GET /api/v1/attendance/days': [200, { items: [day], next_cursor: '' }],
      'POST /api/v1/attendance/punches': [201, { punch: { id: 'x', at: '2026-01-05T00:20:00Z', method: 'network', distance_m: 0 }, day }],
    })
    await mountView(MyAttendance, '/')
    await flushPromises()
    expect(q('[data-test=desktop-punch]')!.textContent).toContain('极速打卡')
    q('[data-test=punch-btn]')!.click()
    await flushPromises(); await flush(); await flushPromises()
    expect(asked).not.toHaveBeenCalled()
    const post = calls.find((c) => c.method === 'POST')!
    expect(post.body).toEqual({ device: expect.any(String) })
    expect(q('[data-test=punch-message]')!.textContent).toContain('打卡成功')
    q('[data-test=auto-punch]')!.click()
    await flushPromises()
    expect(set).toHaveBeenCalledWith(true)
  }, 20_000)
})
