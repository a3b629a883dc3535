// The department tree from the flat list the API returns (parent_id links).
import type { Department, User } from '@/api/org'

export interface DeptNode {
  id: string
  name: string
  dept: Department
  children: DeptNode[]
  /** Active members in this department and below. */
  count: number
}

/** buildTree nests departments under their parents (sort_order, then name); orphans become roots. */
export function buildTree(depts: Department[], users: User[] = []): DeptNode[] {
  const direct = new Map<string, number>()
  for (const u of users) if (u.active) direct.set(u.department_id, (direct.get(u.department_id) ?? 0) + 1)
  const nodes = new Map(depts.map((d) => [d.id, { id: d.id, name: d.name, dept: d, children: [] as DeptNode[], count: 0 }]))
  const roots: DeptNode[] = []
  for (const n of nodes.values()) {
    const p = n.dept.parent_id ? nodes.get(n.dept.parent_id) : undefined
    if (p) p.children.push(n)
    else roots.push(n)
  }
  const order = (a: DeptNode, b: DeptNode) => a.dept.sort_order - b.dept.sort_order || a.name.localeCompare(b.name, 'zh-CN')
  const finish = (n: DeptNode): number => {
    n.children.sort(order)
    n.count = (direct.get(n.id) ?? 0) + n.children.reduce((s, c) => s + finish(c), 0)
    return n.count
  }
  roots.sort(order).forEach(finish)
  return roots
}

/** deptPath is "公司 / 销售部 / 华东组" for a department id. */
export function deptPath(depts: Department[], id: string): string {
  const byId = new Map(depts.map((d) => [d.id, d]))
  const names: string[] = []
  for (let d = byId.get(id), i = 0; d && i < 50; d = d.parent_id ? byId.get(d.parent_id) : undefined, i++) names.unshift(d.name)
  return names.join(' / ')
}

/** descendants lists id and every department below it. */
export function descendants(depts: Department[], id: string): Set<string> {
  const out = new Set([id])
  let grew = true
  while (grew) {
    grew = false
    for (const d of depts) if (d.parent_id && out.has(d.parent_id) && !out.has(d.id)) { out.add(d.id); grew = true }
  }
  return out
}
