import { afterEach, describe, expect, it, vi } from 'vitest'
import { mountOrg } from '../../test/org'
import AdminAudit from './AdminAudit.vue'

// The audit log reads as sentences, not JSON: actions translated, people and
// departments by name, the system as such.
const entry = (id: string, actor_id: string, action: string, target_type: string, target_id: string, detail: Record<string, unknown>) =>
  ({ id, actor_id, action, target_type, target_id, detail, created_at: '2026-01-06T02:00:00Z' })

describe('AdminAudit', { timeout: 30_000 }, () => {
  afterEach(() => { vi.unstubAllGlobals(); document.body.innerHTML = '' })

  it('names the actor, the action, the target and the details', async () => {
    const { wrapper, calls } = await mountOrg(AdminAudit, { 'GET /api/v1/audit': [200, { items: [
      entry('a1', 'boss', 'user.update', 'user', 'wang', { department_id: 'east', roles: ['member', 'fire_warden'] }),
      entry('a2', 'system', 'department.delete', 'department', 'old', { name: '旧部门' }),
    ], next_cursor: 'c2' }] })
    expect(calls.find((c) => c.path.startsWith('/api/v1/audit'))?.path).toBe('/api/v1/audit?limit=50')
    const rows = wrapper.findAll('[data-test=audit-table] tbody tr').map((r) => r.text())
    expect(rows[0]).toContain('赵总')
    expect(rows[0]).toContain('修改成员')
    expect(rows[0]).toContain('王芳')
    expect(rows[0]).toContain('部门华东组')
    expect(rows[0]).toContain('角色成员、消防员')
    expect(rows[1]).toContain('系统')
    expect(rows[1]).toContain('删除部门')
    expect(rows[1]).toContain('旧部门') // gone from the directory: the name recorded at the time
    expect(wrapper.text()).toContain('加载更多')
  })

  it('translates every field name and value the server records, not raw keys', async () => {
    const { wrapper } = await mountOrg(AdminAudit, { 'GET /api/v1/audit': [200, { items: [
      entry('b1', 'boss', 'settings.email', 'settings', 'email', { enabled: true, host: 'smtp.corp.test', port: 587, security: 'starttls', site_url: 'https://tack.corp.test' }),
      entry('b2', 'boss', 'approval.calendar_settings', 'calendar', 'week', { work_days: [1, 2, 3], work_start: '09:00', work_end: '18:00' }),
      entry('b3', 'boss', 'approval.calendar_set', 'calendar_day', '2026-10-01', { working: false, note: '国庆' }),
      entry('b4', 'boss', 'user.totp_enable', 'user', 'wang', {}),
      entry('b5', 'boss', 'role.create', 'role', 'r1', { name: '财务', privileged: false }),
      entry('b6', 'boss', 'department.update', 'department', 'east', { updated_at: '2026-01-06T02:00:00Z', version: 3 }),
    ], next_cursor: '' }] })
    const rows = wrapper.findAll('[data-test=audit-table] tbody tr').map((r) => r.text())
    expect(rows[0]).toContain('修改邮件设置')
    expect(rows[0]).toContain('启用是')
    expect(rows[0]).toContain('加密方式STARTTLS（必须加密）')
    expect(rows[0]).toContain('邮件服务器smtp.corp.test')
    expect(rows[1]).toContain('修改工作时间')
    expect(rows[1]).toContain('工作日周一、周二、周三')
    expect(rows[1]).toContain('工作日历')
    expect(rows[2]).toContain('安排休息')
    expect(rows[2]).toContain('说明国庆')
    expect(rows[3]).toContain('开启两步验证')
    expect(rows[4]).toContain('特权角色否')
    expect(rows[5]).toContain('修改时间2026')
    expect(rows[0]).toContain('邮件通知设置')
    for (const raw of ['week', 'work_days', 'enabled', 'security', 'true', 'false', 'privileged', 'updated_at', 'T02:00', 'calendar_settings', 'totp_enable']) {
      expect(wrapper.text(), raw).not.toContain(raw)
    }
  })
})
