// A small company for the org views' component tests: three departments,
// four people, the built-in roles and one custom role.
import type { Component } from 'vue'
import type { Department, Role, User } from '@/api/org'
import { useSession } from '@/stores/session'
import { fetchRoutes, mountView, settle } from './mount'

export const person = (id: string, name: string, department_id: string, roles: string[] = [], extra: Partial<User> = {}): User => ({
  id, name, email: id + '@x.test', department_id, title: '工程师', phone: '1380000' + id.padStart(4, '0').slice(-4),
  manager_id: null, active: true, totp_enabled: false, locale: '', version: 1, created_at: '', updated_at: '', deactivated_at: null,
  roles: ['member', ...roles], ...extra,
})

export const departments: Department[] = [
  { id: 'root', name: '示例科技', parent_id: null, head_id: 'boss', sort_order: 0, version: 1 },
  { id: 'sales', name: '销售部', parent_id: 'root', head_id: 'li', sort_order: 1, version: 4 },
  { id: 'east', name: '华东组', parent_id: 'sales', head_id: null, sort_order: 0, version: 2 },
]

export const users: User[] = [
  person('boss', '赵总', 'root', ['admin']),
  person('li', '李娜', 'sales', ['dept_head'], { title: '销售总监' }),
  person('wang', '王芳', 'east', [], { title: '销售代表' }),
  person('gone', '周离', 'sales', [], { active: false, deactivated_at: '2026-01-01T00:00:00Z' }),
]

const role = (id: string, name: string, builtin: boolean, privileged: boolean): Role => ({ id, name, description: '', builtin, privileged, created_at: '' })
export const roles: Role[] = [
  role('admin', 'admin', true, true), role('hr', 'hr', true, true), role('dept_head', 'dept_head', true, true),
  role('member', 'member', true, false), role('fire_warden', '消防员', false, false),
]

/** directory is the fetch table of useDirectory's load. */
export const directory = {
  'GET /api/v1/departments': [200, { items: departments, next_cursor: '' }] as [number, unknown],
  'GET /api/v1/users': [200, { items: users, next_cursor: '' }] as [number, unknown],
  'GET /api/v1/roles': [200, { items: roles, next_cursor: '' }] as [number, unknown],
}

/**
 * mountOrg mounts an org view over this company: fetch answers the directory
 * plus table (see fetchRoutes), me (if given) is signed in, and the first
 * loads have settled. It returns the wrapper and the recorded requests.
 */
export async function mountOrg(view: Component, table: Parameters<typeof fetchRoutes>[0] = {}, opts: { at?: string; me?: User } = {}) {
  const calls = fetchRoutes({ ...directory, ...table })
  const m = await mountView(view, opts.at ?? '/')
  if (opts.me) useSession().setMe(opts.me)
  await settle()
  return { ...m, calls }
}
