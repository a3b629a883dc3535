import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { i18n, setLocale } from '../../locales'
import { fetchReplies } from '../../test/mount'
import RoomsDialog from './RoomsDialog.vue'

const rooms = [{ id: 'r1', name: '松山厅', capacity: 8, location: '3F', equipment: ['投影仪'], version: 2 }]

async function openDialog() {
  setLocale('zh-CN')
  const w = mount(RoomsDialog, { props: { modelValue: true, rooms }, global: { plugins: [i18n, ElementPlus] }, attachTo: document.body })
  await flushPromises()
  return w
}
const click = async (sel: string) => { (document.querySelector(sel) as HTMLElement).click(); await flushPromises() }

describe('room admin', () => {
  afterEach(() => { vi.unstubAllGlobals(); document.body.innerHTML = '' })

  it('changes a room with its version', async () => {
    const calls = fetchReplies([200, { ...rooms[0], capacity: 10, version: 3 }])
    const w = await openDialog()
    await click('[data-test="room-edit-松山厅"]')
    expect((document.querySelector('[data-test=room-name]') as HTMLInputElement).value).toBe('松山厅')
    await click('[data-test=room-add]')
    expect(calls[0].path).toBe('/api/v1/rooms/r1')
    expect(calls[0].body).toEqual({ name: '松山厅', capacity: 8, location: '3F', equipment: ['投影仪'], version: 2 })
    expect(w.emitted('changed')).toHaveLength(1)
  }, 20_000)

  it('says in Chinese when someone else changed the room first', async () => {
    fetchReplies([409, { error: { code: 'conflict', key: 'meeting.room_stale_version', message: 'stale' } }])
    const w = await openDialog()
    await click('[data-test="room-edit-松山厅"]')
    await click('[data-test=room-add]')
    expect(document.querySelector('[data-test=room-error]')?.textContent).toContain('会议室已被他人修改，请刷新后重试')
    expect(w.emitted('changed')).toBeUndefined()
  }, 20_000)
})
