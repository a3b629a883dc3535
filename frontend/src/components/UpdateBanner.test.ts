import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { mountView } from '../test/mount'
import type { UpdateInfo } from '../views/sync/bindings'
import UpdateBanner from './UpdateBanner.vue'

// window.go.app.App.UpdateState is the desktop shell (app/update.go).
function shell(info: UpdateInfo) {
  ;(window as any).go = { app: { App: { UpdateState: vi.fn(async () => info) } } }
}
const banner = () => document.querySelector('[data-test=update-banner]')

describe('UpdateBanner', () => {
  afterEach(() => {
    delete (window as any).go
    document.body.innerHTML = ''
  })

  it('says a verified update installs on restart, with its changes, until closed', async () => {
    shell({ state: 'ready', version: '1.4.0', changelog: '同步更快\n修复托盘' })
    await mountView(UpdateBanner)
    await flushPromises()
    expect(banner()?.textContent).toContain('Tack 1.4.0 已下载并验证签名')
    expect(banner()?.textContent).toContain('托盘菜单 → 退出')
    expect(document.querySelector('[data-test=update-changes]')?.textContent).toBe('同步更快\n修复托盘')
    ;(document.querySelector('[data-test=update-banner] .el-alert__close-btn') as HTMLElement).click()
    await flushPromises()
    expect(banner()).toBeNull()
  }, 20_000)

  it('reports a refused build and cannot be closed', async () => {
    shell({ state: 'refused', version: '1.5.0', changelog: '', reason: 'downgrade' })
    await mountView(UpdateBanner)
    await flushPromises()
    expect(banner()?.textContent).toContain('已拒绝 Tack 更新 1.5.0')
    expect(banner()?.textContent).toContain('不比当前版本新')
    expect(document.querySelector('[data-test=update-banner] .el-alert__close-btn')).toBeNull()
  }, 20_000)

  it('shows nothing in a browser or when there is nothing to say', async () => {
    await mountView(UpdateBanner)
    await flushPromises()
    expect(banner()).toBeNull()
    shell({ state: '', version: '', changelog: '' })
    await mountView(UpdateBanner)
    await flushPromises()
    expect(banner()).toBeNull()
  }, 20_000)
})
