import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { fetchReplies, mountView } from '../../test/mount'
import type { PairStatus, SyncOverview } from './bindings'
import SyncSettings from './SyncSettings.vue'

// The Wails bindings are the OS boundary of this page: window.go.app.Sync
// (app/sync.go) and window.go.app.App.PickFolder (the native folder chooser)
// are replaced by a test double that records the calls and answers with the
// status the test sets.
function pair(over: Partial<PairStatus>): PairStatus {
  return { pair_id: 'p1', local_path: '/home/li/Work', space_id: '', remote_folder_id: '', mode: 'backup', state: 'synced', pending: 0, files_done: 0, files_total: 0,
    bytes_done: 0, bytes_total: 0, last_sync: '2026-12-01T10:00:00Z', ...over }
}

let status: SyncOverview
let prefs: number
let calls: { name: string; args: unknown[] }[]

function installBindings() {
  calls = []
  const rec = (name: string, answer: () => unknown = () => undefined) => vi.fn(async (...args: unknown[]) => {
    calls.push({ name, args })
    return answer()
  })
  ;(window as any).go = {
    app: {
      App: { PickFolder: rec('PickFolder', () => '/home/li/项目资料') },
      Sync: {
        SyncStatus: rec('SyncStatus', () => structuredClone(status)),
        ListPairs: rec('ListPairs', () => []),
        AddPair: rec('AddPair', () => ({ id: 'p9' })),
        RemovePair: rec('RemovePair'),
        PausePair: rec('PausePair', () => { status.pairs[0].state = 'paused'; status.overall = 'paused' }),
        ResumePair: rec('ResumePair', () => { status.pairs[0].state = 'synced'; status.overall = 'synced' }),
        ConfirmDeletes: rec('ConfirmDeletes', () => { status.pairs[0].pending_delete = 0; status.pairs[0].state = 'synced' }),
        ConfirmOverwrites: rec('ConfirmOverwrites', () => { status.pairs[0].pending_overwrite = 0; status.pairs[0].state = 'synced' }),
        Preferences: rec('Preferences', () => ({ bandwidth_kbps: prefs })),
        SetBandwidthLimit: rec('SetBandwidthLimit', () => { prefs = calls[calls.length - 1].args[0] as number }),
      },
    },
  }
}

// The next call of a confirm binding answers as the native dialog's "No"
// does (app/confirm.go: errNotConfirmed).
function declineNext(name: 'ConfirmDeletes' | 'ConfirmOverwrites') {
  const sync = (window as any).go.app.Sync
  const orig = sync[name]
  sync[name] = vi.fn(async (...args: unknown[]) => {
    calls.push({ name, args })
    sync[name] = orig
    throw { code: 'invalid', key: 'desktop.not_confirmed', message: 'not confirmed in the dialog; nothing was changed' }
  })
}

const q = (sel: string) => document.querySelector(sel) as HTMLElement | null
const click = async (sel: string) => {
  const el = q(sel)
  if (!el) throw new Error('no element ' + sel)
  el.click()
  await flushPromises()
}
const called = (name: string) => calls.filter((c) => c.name === name)

describe('folder sync settings', () => {
  beforeEach(() => {
    status = { overall: 'synced', pairs: [] }
    prefs = 0
    installBindings()
  })
  afterEach(() => {
    delete (window as any).go
    vi.unstubAllGlobals()
    document.body.innerHTML = ''
  })

  it('adds a pair with the native folder picker and the space root', async () => {
    const fetches = fetchReplies([200, { items: [{ id: 's1', name: '全公司', root_id: 'root1' }] }])
    await mountView(SyncSettings, '/')
    await flushPromises()
    await click('[data-test=sync-add]')
    expect(fetches[0].path).toBe('/api/v1/drive/spaces')
    await click('[data-test=sync-choose]')
    expect(called('PickFolder')).toHaveLength(1)
    expect((q('input[data-test=sync-local-path], [data-test=sync-local-path] input') as HTMLInputElement).value).toBe('/home/li/项目资料')
    await click('[data-test=sync-add-ok]')
    expect(called('AddPair')[0].args[0]).toEqual({ local_path: '/home/li/项目资料', space_id: 's1', remote_folder_id: 'root1', mode: 'backup' })
  }, 20_000)

  it('chooses the drive folder in the drive\'s folder picker, and says where each pair goes', async () => {
    status = { overall: 'synced', pairs: [pair({ pair_id: 'a', space_id: 's2', remote_folder_id: 'f9' })] }
    const space = (id: string, name: string, kind: string, role: string) => ({ id, name, kind, role, root_id: 'root-' + id })
    const routes: Record<string, unknown> = {
      '/api/v1/drive/spaces': { items: [space('s1', '全公司', 'company', 'viewer'), space('s2', '销售部', 'department', 'editor')] },
      '/api/v1/drive/entries/f9/path': { items: [{ id: 'root-s2', name: '销售部' }, { id: 'f9', name: '合同' }] },
      '/api/v1/drive/entries/root-s2/children': { items: [{ id: 'f9', name: '合同', kind: 'folder' }, { id: 'x', name: 'a.txt', kind: 'file' }], next_cursor: '' },
    }
    vi.stubGlobal('fetch', vi.fn(async (path: string) => {
      const body = routes[path.split('?')[0]]
      return new Response(JSON.stringify(body ?? { error: { code: 'not_found', key: 'x', message: path } }), { status: body ? 200 : 404, headers: { 'Content-Type': 'application/json' } })
    }))
    await mountView(SyncSettings, '/')
    await vi.waitFor(() => expect(q('[data-test=sync-drive-a]')?.textContent).toBe('销售部 / 合同'))

    await click('[data-test=sync-add]')
    await click('[data-test=sync-choose]')
    expect((q('input[data-test=sync-drive-folder]') as HTMLInputElement).value).toBe('空间根目录')
    await click('[data-test=sync-choose-drive]')
    // A backup goes to a space the user can edit: 全公司 (read only) is not offered.
    await vi.waitFor(() => expect([...document.querySelectorAll('[data-test=picker-node]')].map((n) => n.getAttribute('data-name'))).toEqual(['销售部']))
    ;(document.querySelector('.el-tree-node__expand-icon') as HTMLElement).click()
    await vi.waitFor(() => expect(document.querySelector('[data-test=picker-node][data-name=合同]')).not.toBeNull())
    ;(document.querySelector('[data-test=picker-node][data-name=合同]') as HTMLElement).click()
    await flushPromises()
    await click('[data-test=picker-ok]')
    await vi.waitFor(() => expect((q('input[data-test=sync-drive-folder]') as HTMLInputElement).value).toBe('销售部 / 合同'))
    await click('[data-test=sync-add-ok]')
    expect(called('AddPair')[0].args[0]).toEqual({ local_path: '/home/li/项目资料', space_id: 's2', remote_folder_id: 'f9', mode: 'backup' })

    // Another space chosen in the list afterwards: the folder picked in the old one no longer applies.
    await click('[data-test=sync-add]')
    await click('[data-test=sync-choose]')
    await click('[data-test=sync-choose-drive]')
    const last = (sel: string) => [...document.querySelectorAll(sel)].pop() as HTMLElement | undefined
    await vi.waitFor(() => expect(last('[data-test=picker-node][data-name=销售部]')).toBeTruthy())
    last('.el-tree-node__expand-icon')!.click()
    await vi.waitFor(() => expect(last('[data-test=picker-node][data-name=合同]')).toBeTruthy())
    last('[data-test=picker-node][data-name=合同]')!.click()
    await flushPromises()
    const oks = document.querySelectorAll('[data-test=picker-ok]')
    ;(oks[oks.length - 1] as HTMLElement).click()
    await vi.waitFor(() => expect((q('input[data-test=sync-drive-folder]') as HTMLInputElement).value).toBe('销售部 / 合同'))
    await click('[data-test=sync-space]')
    const opt = [...document.querySelectorAll('.el-select-dropdown__item')].find((o) => o.textContent?.includes('全公司')) as HTMLElement
    opt.click()
    await flushPromises()
    expect((q('input[data-test=sync-drive-folder]') as HTMLInputElement).value).toBe('空间根目录')
    await click('[data-test=sync-add-ok]')
    expect(called('AddPair')[1].args[0]).toEqual({ local_path: '/home/li/项目资料', space_id: 's1', remote_folder_id: 'root-s1', mode: 'backup' })
  }, 20_000)

  it('shows each pair as synced, syncing N files, or an error with its reason', async () => {
    status = { overall: 'error', pairs: [
      pair({ pair_id: 'a', local_path: '/a', state: 'synced' }),
      pair({ pair_id: 'b', local_path: '/b', state: 'syncing', files_total: 10, files_done: 3, bytes_total: 100, bytes_done: 30 }),
      pair({ pair_id: 'c', local_path: '/c', state: 'error', error: 'drive unreachable: connection refused' }),
    ] }
    await mountView(SyncSettings, '/')
    await flushPromises()
    expect(q('[data-test=sync-status-a]')?.textContent).toContain('已同步')
    expect(q('[data-test=sync-status-b]')?.textContent).toContain('正在同步 7 个文件')
    expect(q('[data-test=sync-status-c]')?.textContent).toContain('出错')
    expect(q('[data-test=sync-status-c]')?.textContent).toContain('原因：drive unreachable: connection refused')
    expect(q('[data-test=sync-overall]')?.textContent).toContain('出错')
  }, 20_000)

  it('holds a mass delete until the user confirms it', async () => {
    status = { overall: 'needs_confirmation', pairs: [pair({ state: 'needs_confirmation', pending_delete: 120 })] }
    await mountView(SyncSettings, '/')
    await flushPromises()
    expect(q('[data-test=sync-held]')?.textContent).toContain('/home/li/Work 中有 120 个文件被删除，等待你确认')
    // One question: the desktop shell's native dialog (inside the
    // binding). "No" there answers desktop.not_confirmed: still held, no
    // error shown, and the page asks nothing of its own.
    declineNext('ConfirmDeletes')
    await click('[data-test=sync-confirm-p1]')
    expect(document.querySelectorAll('.el-message-box')).toHaveLength(0)
    expect(q('.el-message--error')).toBeNull()
    expect(q('[data-test=sync-held]')?.textContent).toContain('120 个文件被删除')
    await click('[data-test=sync-confirm-p1]')
    expect(document.querySelectorAll('.el-message-box')).toHaveLength(0)
    expect(called('ConfirmDeletes').map((c) => c.args[0])).toEqual(['p1', 'p1'])
    expect(q('[data-test=sync-held]')).toBeNull()
  }, 20_000)

  it('says at once that a pair stopped, and why', async () => {
    status = { overall: 'stopped', pairs: [pair({ state: 'stopped', error: 'sync: load index: primary key required', stopped_at: '2026-12-01T10:00:00Z' })] }
    await mountView(SyncSettings, '/')
    await flushPromises()
    expect(q('[data-test=sync-stopped]')?.textContent).toContain('/home/li/Work 已停止同步')
    expect(q('[data-test=sync-stopped]')?.textContent).toContain('原因：sync: load index: primary key required')
    expect(q('[data-test=sync-status-p1]')?.textContent).toContain('已停止')
    expect(q('[data-test=sync-overall]')?.textContent).toContain('已停止')
    await click('[data-test=sync-resume-p1]') // try again
    expect(called('ResumePair').map((c) => c.args[0])).toEqual(['p1'])
  }, 20_000)

  it('asks to sign in again when the session expired, not "unreachable"', async () => {
    status = { overall: 'signed_out', pairs: [pair({ state: 'signed_out', error: 'sync: the server ended this session (it expired or was signed out): sign in again' })] }
    await mountView(SyncSettings, '/')
    await flushPromises()
    expect(q('[data-test=sync-signed-out]')?.textContent).toContain('登录已过期，文件夹同步已暂停')
    expect(q('[data-test=sync-status-p1]')?.textContent).toContain('需要重新登录')
    expect(q('[data-test=sync-overall]')?.textContent).toContain('需要重新登录')
    expect(q('[data-test=sync-stopped]')).toBeNull()
  }, 20_000)

  it('says the drive folder was deleted or moved, and that nothing local was deleted', async () => {
    status = { overall: 'folder_gone', pairs: [pair({ state: 'folder_gone', error: 'sync: the drive folder was deleted or moved to another space; nothing on this computer was deleted', stopped_at: '2026-12-01T10:00:00Z' })] }
    await mountView(SyncSettings, '/')
    await flushPromises()
    expect(q('[data-test=sync-folder-gone]')?.textContent).toContain('/home/li/Work 对应的云盘文件夹已被删除或移到其他空间')
    expect(q('[data-test=sync-folder-gone]')?.textContent).toContain('本机上的文件没有被删除')
    expect(q('[data-test=sync-status-p1]')?.textContent).toContain('云盘文件夹已删除或移走')
    await click('[data-test=sync-resume-p1]') // after restoring it from the trash
    expect(called('ResumePair').map((c) => c.args[0])).toEqual(['p1'])
  }, 20_000)

  it('lists the files that could not be backed up, and symlinks as a note', async () => {
    status = { overall: 'synced', pairs: [pair({ skipped: [
      { path: 'mail/outlook.pst', reason: 'locked', detail: 'The process cannot access the file' },
      { path: 'secret.txt', reason: 'unreadable', detail: 'permission denied' },
      { path: 'pipe', reason: 'special' },
      { path: 'link', reason: 'symlink' },
    ] })] }
    await mountView(SyncSettings, '/')
    await flushPromises()
    const skipped = q('[data-test=sync-skipped-p1]')?.textContent ?? ''
    expect(skipped).toContain('3 个文件未能备份')
    expect(skipped).toContain('mail/outlook.pst — 被其他程序独占打开')
    expect(skipped).toContain('secret.txt — 无法读取')
    expect(skipped).toContain('pipe — 不是普通文件')
    expect(skipped).toContain('下次同步时会自动重试')
    expect(skipped).not.toContain('link')
    expect(q('[data-test=sync-links-p1]')?.textContent).toContain('1 个符号链接未同步')
    expect(q('[data-test=sync-links-p1]')?.textContent).toContain('符号链接不会被跟随')
  }, 20_000)

  it('holds a mass overwrite until the user confirms it', async () => {
    status = { overall: 'needs_confirmation', pairs: [pair({ state: 'needs_confirmation', pending_overwrite: 300 })] }
    await mountView(SyncSettings, '/')
    await flushPromises()
    expect(q('[data-test=sync-overwrites]')?.textContent).toContain('/home/li/Work 中有 300 个文件同时被改写，暂不上传')
    expect(q('[data-test=sync-status-p1]')?.textContent).toContain('大量改写等待确认')
    declineNext('ConfirmOverwrites')
    await click('[data-test=sync-confirm-overwrites-p1]')
    expect(document.querySelectorAll('.el-message-box')).toHaveLength(0)
    expect(q('[data-test=sync-overwrites]')?.textContent).toContain('300 个文件同时被改写')
    await click('[data-test=sync-confirm-overwrites-p1]')
    expect(document.querySelectorAll('.el-message-box')).toHaveLength(0)
    expect(called('ConfirmOverwrites').map((c) => c.args[0])).toEqual(['p1', 'p1'])
    expect(q('[data-test=sync-overwrites]')).toBeNull()
  }, 20_000)

  it('pauses and resumes a pair', async () => {
    status = { overall: 'synced', pairs: [pair({})] }
    await mountView(SyncSettings, '/')
    await flushPromises()
    await click('[data-test=sync-pause-p1]')
    expect(called('PausePair').map((c) => c.args[0])).toEqual(['p1'])
    expect(q('[data-test=sync-status-p1]')?.textContent).toContain('已暂停')
    await click('[data-test=sync-resume-p1]')
    expect(called('ResumePair').map((c) => c.args[0])).toEqual(['p1'])
    expect(q('[data-test=sync-status-p1]')?.textContent).toContain('已同步')
  }, 20_000)

  it('says once that sync is not running while signed out, without error toasts', async () => {
    ;(window as any).go.app.Sync.SyncStatus = vi.fn(async () => { throw { code: 'unavailable', key: 'desktop.sync_not_running', message: 'sync: the sync engine is not running' } })
    await mountView(SyncSettings, '/')
    await flushPromises()
    expect(q('[data-test=sync-not-running]')?.textContent).toContain('登录服务器后')
    expect(q('.el-message--error')).toBeNull()
    expect(q('[data-test=sync-add]')).toBeNull()
  }, 20_000)

  it('turns the speed limit on, changes it and turns it off again', async () => {
    await mountView(SyncSettings, '/')
    await flushPromises()
    expect(called('Preferences')).toHaveLength(1)
    expect(q('[data-test=sync-speed]')?.textContent).toContain('不限速')
    expect(q('[data-test=sync-speed-kbps]')).toBeNull()
    await click('[data-test=sync-speed-on]')
    expect(called('SetBandwidthLimit').map((c) => c.args[0])).toEqual([1024])
    expect(document.body.textContent).toContain('已保存：1024 KB/秒')
    const input = q('[data-test=sync-speed-kbps] input') as HTMLInputElement
    input.value = '300'
    input.dispatchEvent(new Event('input'))
    input.dispatchEvent(new Event('change'))
    await flushPromises()
    expect(called('SetBandwidthLimit').map((c) => c.args[0])).toEqual([1024, 300])
    await click('[data-test=sync-speed-on]')
    expect(called('SetBandwidthLimit').map((c) => c.args[0])).toEqual([1024, 300, 0])
    expect(prefs).toBe(0)
  }, 20_000)

  it('shows a saved limit, and a refused one translated', async () => {
    prefs = 512
    ;(window as any).go.app.Sync.SetBandwidthLimit = vi.fn(async () => {
      throw { code: 'invalid', key: 'desktop.bad_bandwidth', message: 'the speed limit must be between 0 (no limit) and 10485760 KB/s' }
    })
    await mountView(SyncSettings, '/')
    await flushPromises()
    const input = q('[data-test=sync-speed-kbps] input') as HTMLInputElement
    expect(input.value).toBe('512')
    input.value = '600'
    input.dispatchEvent(new Event('input'))
    input.dispatchEvent(new Event('change'))
    await flushPromises()
    await new Promise((r) => setTimeout(r, 150)) // the form item shows its error after a debounce
    expect(q('[data-test=sync-speed]')?.textContent).toContain('限速须在 0（不限速）到 10485760 KB/秒之间')
  }, 20_000)

  it('shows start at login and turns it off', async () => {
    let on = true
    ;(window as any).go.app.App.StartAtLogin = vi.fn(async () => on)
    ;(window as any).go.app.App.SetStartAtLogin = vi.fn(async (v: boolean) => { on = v; return v })
    await mountView(SyncSettings, '/')
    await flushPromises()
    expect(q('[data-test=sync-at-login]')?.textContent).toContain('开机启动')
    expect(q('[data-test=sync-at-login-on]')?.classList.contains('is-checked')).toBe(true)
    await click('[data-test=sync-at-login-on]')
    expect(on).toBe(false)
  }, 20_000)

  it('shows start at login turned on by the first pair without a reload', async () => {
    // The Go side turns it on when the first pair is added (Autostart.ApplyDefault).
    let on = false
    ;(window as any).go.app.App.StartAtLogin = vi.fn(async () => on)
    ;(window as any).go.app.Sync.AddPair = vi.fn(async (req: unknown) => { on = true; return req })
    fetchReplies([200, { items: [{ id: 's1', name: '全公司', root_id: 'root1' }] }])
    await mountView(SyncSettings, '/')
    await flushPromises()
    expect(q('[data-test=sync-at-login-on]')?.classList.contains('is-checked')).toBe(false)
    await click('[data-test=sync-add]')
    await click('[data-test=sync-choose]')
    await click('[data-test=sync-add-ok]')
    await vi.waitFor(() => expect(q('[data-test=sync-at-login-on]')?.classList.contains('is-checked')).toBe(true))
  }, 20_000)

  it('translates a refused folder', async () => {
    fetchReplies([200, { items: [{ id: 's1', name: '全公司', root_id: 'root1' }] }])
    ;(window as any).go.app.Sync.AddPair = vi.fn(async () => {
      throw { code: 'conflict', key: 'sync.pair_overlap', message: 'the folder is inside, or contains, a folder that is already synced' }
    })
    await mountView(SyncSettings, '/')
    await flushPromises()
    await click('[data-test=sync-add]')
    await click('[data-test=sync-choose]')
    await click('[data-test=sync-add-ok]')
    expect(document.body.textContent).toContain('该文件夹在已同步的文件夹之内，或包含已同步的文件夹')
  }, 20_000)

  it('lists the drive names it refused, each with its reason, in red', async () => {
    status = { overall: 'synced', pairs: [pair({ pair_id: 'r', refused: [
      { folder: '', name: '../escape.txt', problem: 'slash' },
      { folder: '项目/2027', name: 'CON.txt', problem: 'windows_reserved' },
    ] })] }
    await mountView(SyncSettings, '/')
    await flushPromises()
    const box = q('[data-test=sync-refused-r]')
    expect(box?.textContent).toContain('云盘上有 2 项的名称不能用作本机的文件名，未同步：')
    expect(box?.textContent).toContain('“../escape.txt”：名称不能包含 / 或 \\')
    expect(box?.textContent).toContain('“CON.txt”（在 项目/2027 中）：这是 Windows 的保留名称（如 CON、NUL、COM1），请换一个')
  }, 20_000)

  it('translates a folder that was not chosen in the native chooser', async () => {
    fetchReplies([200, { items: [{ id: 's1', name: '全公司', root_id: 'root1' }] }])
    ;(window as any).go.app.Sync.AddPair = vi.fn(async () => {
      throw { code: 'invalid', key: 'desktop.folder_not_picked', message: 'choose the folder with the Choose… button' }
    })
    await mountView(SyncSettings, '/')
    await flushPromises()
    await click('[data-test=sync-add]')
    await click('[data-test=sync-choose]')
    const field = q('[data-test=sync-local-path]')
    expect(((field?.tagName === 'INPUT' ? field : field?.querySelector('input')) as HTMLInputElement).readOnly).toBe(true)
    await click('[data-test=sync-add-ok]')
    expect(document.body.textContent).toContain('请用“选择…”按钮选择要同步的本机文件夹')
  }, 20_000)
})
