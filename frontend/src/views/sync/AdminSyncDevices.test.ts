import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { fetchReplies, mountView } from '../../test/mount'
import AdminSyncDevices from './AdminSyncDevices.vue'

const device = (over: Record<string, unknown>) => ({
  id: 'd1', user_id: 'u1', user_name: '王芳', name: 'FRONT-DESK', client: 'desktop 1.0', reported_at: '2026-12-01T10:00:00Z',
  last_backup_at: '2026-12-01T09:00:00Z', pairs: [], stopped: 0, errors: 0, skipped: 0, behind: false, ...over,
})

describe('admin: computer backups', () => {
  afterEach(() => {
    vi.unstubAllGlobals()
    document.body.innerHTML = ''
  })

  it('shows which computers are behind, and asks the server for only those', async () => {
    const fetches = fetchReplies(
      [200, { items: [
        device({ id: 'd2', user_name: '李雷', name: 'LAPTOP-7', behind: true, stopped: 1, last_backup_at: null,
          pairs: [{ pair_id: 'p', local_path: 'C:\\Users\\li\\Documents', state: 'stopped', error: 'sync: load index: primary key required', skipped: 0, pending_delete: 0 }] }),
        device({}),
      ], next_cursor: '' }],
      [200, { items: [], next_cursor: '' }],
    )
    await mountView(AdminSyncDevices, '/')
    await flushPromises()
    const bad = document.querySelector('[data-test=device-state-d2]')?.textContent ?? ''
    expect(bad).toContain('超过一天未备份')
    expect(bad).toContain('1 个文件夹已停止')
    expect(document.querySelector('[data-test=device-state-d1]')?.textContent).toContain('正常')
    const table = document.querySelector('[data-test=devices-table]')?.textContent ?? ''
    expect(table).toContain('从未')
    expect(table).toContain('原因：sync: load index: primary key required')
    ;(document.querySelector('[data-test=devices-behind]') as HTMLElement).click()
    await flushPromises()
    expect(fetches.map((c) => c.path)).toEqual(['/api/v1/sync/devices', '/api/v1/sync/devices?behind=1'])
  }, 20_000)
})
