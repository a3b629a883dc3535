import { describe, expect, it } from 'vitest'
import { cleanFields, errorsUnder, freeKey, move, newField, newNode, nodeIds, normalizeFlow } from './designer'
import type { FlowNode } from '@/api/approvals'

describe('template designer helpers', () => {
  it('makes keys the server accepts and never repeats one', () => {
    expect(freeKey('Leave Type', [])).toBe('leave_type')
    expect(freeKey('9lives', [])).toBe('lives')
    expect(freeKey('text', ['text', 'text_2'])).toBe('text_3')
    expect(freeKey('请假', [])).toBe('field')
    for (const k of [freeKey('a'.repeat(60), []), newField('money', ['money']).key]) expect(k).toMatch(/^[a-z][a-z0-9_]{0,39}$/)
  })
  it('gives new fields and nodes sensible defaults and unique IDs', () => {
    expect(newField('select', []).options).toHaveLength(1)
    expect(newField('table', []).columns?.[0].type).toBe('text')
    const flow: FlowNode[] = [newNode('approver', [])]
    flow.push(newNode('condition', flow))
    flow[1].branches![0].nodes.push(newNode('approver', flow))
    const ids = nodeIds(flow)
    expect(new Set(ids).size).toBe(ids.length)
    expect(ids).toEqual(['step', 'condition', 'step_2'])
    expect(flow[1].branches![1].conditions).toEqual([]) // the default branch
  })
  it('moves items and reads nested errors', () => {
    expect(move([1, 2, 3], 0, 1)).toEqual([2, 1, 3])
    expect(move([1, 2, 3], 0, -1)).toEqual([1, 2, 3])
    expect(errorsUnder({ 'fields.1.key': 'duplicate', 'fields.10.type': 'invalid', name_zh: 'required' }, 'fields.1.')).toEqual({ key: 'duplicate' })
  })
  it('drops settings that do not belong to the type', () => {
    const f = { ...newField('select', []), type: 'text', half_day: true, columns: [] }
    expect(cleanFields([f])[0]).toEqual({ key: 'select', type: 'text', label_zh: '', label_en: '', required: false })
  })
})

describe('normalizeFlow', () => {
  it('turns the nulls of a Go template into lists', () => {
    const raw = [{ id: 'route', type: 'condition', name_zh: '', name_en: '', approvers: { kind: '' },
      branches: [{ name_zh: '其他', name_en: '', conditions: null, nodes: null }] }] as unknown as FlowNode[]
    const n = normalizeFlow(raw)
    expect(n[0].branches![0].conditions).toEqual([])
    expect(n[0].branches![0].nodes).toEqual([])
  })
})
