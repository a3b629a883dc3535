// Pure helpers of the template designer: new fields and nodes with valid,
// unique keys, moving items, and reading the server's path-keyed errors.
import type { Branch, Condition, Field, FlowNode } from '@/api/approvals'

export const FIELD_TYPES = ['text', 'textarea', 'number', 'money', 'date', 'daterange', 'select', 'multiselect', 'person', 'department', 'attachment', 'table'] as const
export const APPROVER_KINDS = ['manager', 'manager_n', 'dept_head', 'role', 'users', 'applicant_choose'] as const
export const MODES = ['sequential', 'all', 'any'] as const
export const FIELD_OPS = ['lt', 'lte', 'gt', 'gte', 'eq', 'ne', 'in'] as const

/** freeKey returns base, base_2, base_3… not used by any of taken (keys match ^[a-z][a-z0-9_]{0,39}$). */
export function freeKey(base: string, taken: string[]): string {
  const clean = base.toLowerCase().replace(/[^a-z0-9_]/g, '_').replace(/^[^a-z]+/, '').slice(0, 34) || 'field'
  if (!taken.includes(clean)) return clean
  for (let i = 2; ; i++) if (!taken.includes(`${clean}_${i}`)) return `${clean}_${i}`
}

/** newField is a field of type with a free key and the type's sensible defaults. */
export function newField(type: string, taken: string[]): Field {
  const f: Field = { key: freeKey(type, taken), type, label_zh: '', label_en: '', required: false }
  if (type === 'select' || type === 'multiselect') f.options = [{ value: 'option_1', label_zh: '选项 1', label_en: 'Option 1' }]
  if (type === 'table') f.columns = [{ key: 'item', type: 'text', label_zh: '项目', label_en: 'Item', required: true }]
  if (type === 'daterange') f.half_day = false
  return f
}

/** nodeIds collects every node ID of a flow, inside branches too. */
export function nodeIds(nodes: FlowNode[], out: string[] = []): string[] {
  for (const n of nodes) {
    out.push(n.id)
    for (const b of n.branches ?? []) nodeIds(b.nodes ?? [], out)
  }
  return out
}

/** newNode is a node of type with an ID unused in the whole flow. */
export function newNode(type: string, flow: FlowNode[]): FlowNode {
  const id = freeKey(type === 'cc' ? 'cc' : type === 'condition' ? 'condition' : 'step', nodeIds(flow))
  if (type === 'condition') {
    return { id, type, name_zh: '条件分支', name_en: 'Condition', approvers: { kind: '' }, branches: [
      { name_zh: '条件 1', name_en: 'Case 1', conditions: [{ kind: 'field', field: '', op: 'gte', value: 0 }], nodes: [] },
      { name_zh: '其他情况', name_en: 'Otherwise', conditions: [], nodes: [] },
    ] }
  }
  if (type === 'cc') return { id, type, name_zh: '抄送', name_en: 'CC', approvers: { kind: 'role', role: 'hr' } }
  return { id, type: 'approver', name_zh: '审批', name_en: 'Approval', approvers: { kind: 'dept_head' }, mode: 'sequential' }
}

/** newBranch is one more case of a condition node (placed before the default). */
export function newBranch(n: number): Branch {
  return { name_zh: `条件 ${n}`, name_en: `Case ${n}`, conditions: [{ kind: 'field', field: '', op: 'gte', value: 0 } as Condition], nodes: [] }
}

/** move returns list with item i moved by delta (−1 up, +1 down), unchanged at the ends. */
export function move<T>(list: T[], i: number, delta: number): T[] {
  const j = i + delta
  if (j < 0 || j >= list.length) return list
  const out = [...list]
  ;[out[i], out[j]] = [out[j], out[i]]
  return out
}

/** errorsUnder keeps the errors whose path starts with prefix, keyed by the rest ("fields.2.key" under "fields.2." → "key"). */
export function errorsUnder(errors: Record<string, string>, prefix: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(errors)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v
  return out
}

/** cleanTemplate drops the UI-only leftovers the server would refuse (options of non-select fields, columns of non-tables…). */
export function cleanFields(fields: Field[]): Field[] {
  return fields.map((f) => {
    const c: Field = { ...f }
    if (c.type !== 'select' && c.type !== 'multiselect') delete c.options
    if (c.type !== 'table') delete c.columns
    else c.columns = cleanFields(c.columns ?? [])
    if (c.type !== 'daterange') { delete c.half_day; delete c.day_count }
    if (c.type !== 'number' && c.type !== 'money') { delete c.min; delete c.max }
    return c
  })
}

/** normalizeFlow fills the lists the server may send as null (a default branch has no conditions, an empty branch no nodes). */
export function normalizeFlow(nodes: FlowNode[] | null | undefined): FlowNode[] {
  return (nodes ?? []).map((n) => ({
    ...n,
    approvers: n.approvers ?? { kind: '' },
    branches: n.type === 'condition' ? (n.branches ?? []).map((b) => ({ ...b, conditions: b.conditions ?? [], nodes: normalizeFlow(b.nodes) })) : n.branches,
  }))
}
