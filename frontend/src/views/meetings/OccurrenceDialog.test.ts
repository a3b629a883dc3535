import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { i18n, setLocale } from '../../locales'
import { fetchReplies } from '../../test/mount'
import OccurrenceDialog from './OccurrenceDialog.vue'
import type { Meeting } from '@/api/meetings'

const meeting = {
  id: 'm1', title: '周会', start: '2026-01-06T02:00:00Z', end: '2026-01-06T03:00:00Z', rrule: 'FREQ=WEEKLY;COUNT=4', version: 3,
  exceptions: [{ original_start: '2026-01-20T02:00:00Z', cancelled: false, start: '2026-01-21T06:00:00Z', end: '2026-01-21T07:30:00Z' }],
  attendees: [], attachments: [],
} as unknown as Meeting

async function open(originalStart: string) {
  setLocale('zh-CN')
  const w = mount(OccurrenceDialog, { props: { modelValue: true, meeting, originalStart }, global: { plugins: [i18n, ElementPlus] }, attachTo: document.body })
  ;(w.vm as unknown as { reset: () => void }).reset()
  await flushPromises()
  return w
}
const save = async () => {
  (document.querySelector('[data-test=occ-save]') as HTMLElement).click()
  await flushPromises()
}

// The dialog's date pickers render slowly in jsdom: seconds on a loaded machine, past Vitest's 5 s default.
describe('moving one occurrence', { timeout: 30_000 }, () => {
  afterEach(() => { vi.unstubAllGlobals(); document.body.innerHTML = '' })

  it('sends the original start and the new time, keeping the duration by default', async () => {
    const calls = fetchReplies([200, { meeting: { ...meeting, version: 4 }, warnings: [] }])
    const w = await open('2026-01-13T02:00:00Z')
    await save()
    expect(calls[0].path).toBe('/api/v1/meetings/m1/occurrences')
    expect(calls[0].body).toEqual({ original_start: '2026-01-13T02:00:00Z', start: '2026-01-13T02:00:00.000Z', end: '2026-01-13T03:00:00.000Z' })
    expect((w.emitted('saved') ?? [])[0]).toEqual([{ ...meeting, version: 4 }])
  })

  it('starts from where an already moved occurrence is now', async () => {
    const calls = fetchReplies([200, { meeting, warnings: [] }])
    await open('2026-01-20T02:00:00Z')
    await save()
    expect(calls[0].body).toMatchObject({ start: '2026-01-21T06:00:00.000Z', end: '2026-01-21T07:30:00.000Z' })
  })

  it('shows the room clash in Chinese, naming the other meeting', async () => {
    fetchReplies([409, { error: { code: 'conflict', key: 'meeting.room_conflict', message: 'x',
      fields: { room_id: 'conflict', conflict_title: '客户会', conflict_start: '2026-01-13T02:00:00Z', conflict_end: '2026-01-13T03:00:00Z' } } }])
    const w = await open('2026-01-13T02:00:00Z')
    await save()
    expect(document.querySelector('[data-test=occ-error]')?.textContent).toContain('会议室已被「客户会」占用')
    expect(w.emitted('saved')).toBeUndefined()
  })

  it('says only "booked" and when for a meeting the server does not name', async () => {
    fetchReplies([409, { error: { code: 'conflict', key: 'meeting.room_conflict', message: 'x',
      fields: { room_id: 'conflict', conflict_start: '2026-01-13T02:00:00Z', conflict_end: '2026-01-13T03:00:00Z' } } }])
    await open('2026-01-13T02:00:00Z')
    await save()
    const text = document.querySelector('[data-test=occ-error]')?.textContent ?? ''
    expect(text).toContain('会议室在该时段已被预订')
    expect(text).not.toContain('「')
  })
})
