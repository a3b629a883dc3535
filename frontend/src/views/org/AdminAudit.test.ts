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
})
