import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { i18n, setLocale } from '../../locales'
import { fetchReplies } from '../../test/mount'
import FeedDialog from './FeedDialog.vue'

async function openDialog() {
  setLocale('zh-CN')
  const w = mount(FeedDialog, { props: { modelValue: false }, global: { plugins: [i18n, ElementPlus] }, attachTo: document.body })
  await w.setProps({ modelValue: true })
  await flushPromises()
  await new Promise((r) => setTimeout(r, 50))
  await flushPromises()
  return w
}
const q = (sel: string) => document.querySelector(sel) as HTMLElement | null
const click = async (sel: string) => { q(sel)!.click(); await flushPromises() }
// ElMessageBox renders its own buttons; the confirm one is the primary button.
async function confirmBox() {
  await new Promise((r) => setTimeout(r, 50))
  ;(document.querySelector('.el-message-box .el-button--primary') as HTMLElement).click()
  await flushPromises()
  await new Promise((r) => setTimeout(r, 50))
  await flushPromises()
}

describe('calendar subscription', () => {
  afterEach(() => { vi.unstubAllGlobals(); document.body.innerHTML = '' })

  it('opening it never replaces an address already in use', async () => {
    const calls = fetchReplies([200, { active: true, created_at: '2026-11-02T02:00:00Z', last_used_at: '2026-12-04T01:30:00Z' }])
    await openDialog()
    expect(calls.map((c) => c.path)).toEqual(['/api/v1/calendar/token'])
    expect(q('[data-test=feed-url]')).toBeNull()
    const text = q('[data-test=feed-status]')!.textContent!
    expect(text).toContain('你的订阅网址生成于')
    expect(text).toContain('日历应用最近一次同步')
    expect(q('[data-test=feed-create]')).toBeNull()
  }, 20_000)

  it('makes an address once, shows it with a webcal link', async () => {
    const calls = fetchReplies(
      [200, { active: false, created_at: null, last_used_at: null }],
      [200, { token: 'tok123', path: '/api/v1/calendar/tok123.ics' }],
      [200, { active: true, created_at: '2026-12-04T01:00:00Z', last_used_at: null }],
    )
    await openDialog()
    expect(q('[data-test=feed-status]')!.textContent).toContain('你还没有订阅网址')
    await click('[data-test=feed-create]')
    expect(calls[1]).toMatchObject({ path: '/api/v1/calendar/token' })
    const url = (q('[data-test=feed-url]') as HTMLInputElement).value
    expect(url).toBe(window.location.origin + '/api/v1/calendar/tok123.ics')
    expect(q('[data-test=feed-webcal]')!.getAttribute('href')).toBe(url.replace(/^https?:/, 'webcal:'))
  }, 20_000)

  it('turns the feed off only after asking', async () => {
    const calls = fetchReplies(
      [200, { active: true, created_at: '2026-11-02T02:00:00Z', last_used_at: null }],
      [204, null],
      [200, { active: false, created_at: null, last_used_at: null }],
    )
    await openDialog()
    await click('[data-test=feed-revoke]')
    expect(calls).toHaveLength(1) // nothing sent before the confirmation
    await confirmBox()
    expect(calls.map((c) => c.path)).toEqual(['/api/v1/calendar/token', '/api/v1/calendar/token', '/api/v1/calendar/token'])
    expect(q('[data-test=feed-status]')!.textContent).toContain('你还没有订阅网址')
  }, 20_000)
})
