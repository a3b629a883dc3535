import { describe, expect, it } from 'vitest'
import { displayValue, duration, files, formatDays, formatMoney, label, missingRequired, submitValues, tableTotals, type Names } from './format'
import type { Field } from '@/api/approvals'

const names: Names = { users: { u1: { name: '李娜' } }, departments: { d1: '销售部' } }
const f = (type: string, extra: Partial<Field> = {}): Field => ({ key: 'k', type, label_zh: '字段', label_en: 'Field', required: false, ...extra })
const leaveType = f('select', { options: [{ value: 'annual', label_zh: '年假', label_en: 'Annual leave' }, { value: 'sick', label_zh: '病假', label_en: '' }] })

describe('displayValue', () => {
  it('shows option labels, never the stored value', () => {
    expect(displayValue(leaveType, 'annual', 'zh-CN', names)).toBe('年假')
    expect(displayValue(leaveType, 'annual', 'en', names)).toBe('Annual leave')
    expect(displayValue(leaveType, 'sick', 'en', names)).toBe('病假') // no English label: the Chinese one
    expect(displayValue(leaveType, 'gone', 'zh-CN', names)).toBe('gone') // option removed since
    const multi = f('multiselect', { options: leaveType.options })
    expect(displayValue(multi, ['annual', 'sick'], 'zh-CN', names)).toBe('年假、病假')
  })
  it('formats money, ranges, people, departments and files', () => {
    expect(displayValue(f('money'), { amount: 128000, currency: 'CNY' }, 'zh-CN', names)).toBe('¥1,280.00')
    expect(displayValue(f('daterange'), { start: '2026-12-07', end: '2026-12-11', start_half: 'am', end_half: 'pm', days: 5 }, 'zh-CN', names))
      .toBe('2026-12-07 上午 – 2026-12-11 下午（5天）')
    expect(displayValue(f('daterange'), { start: '2026-12-07', end: '2026-12-07', days: 1 }, 'en', names)).toBe('2026-12-07 – 2026-12-07 (1 day)')
    expect(displayValue(f('person'), 'u1', 'en', names)).toBe('李娜')
    expect(displayValue(f('department'), 'd1', 'zh-CN', names)).toBe('销售部')
    expect(displayValue(f('attachment'), [{ id: 'a', name: '发票.pdf', size: 3 }, { id: 'b', name: '行程.png', size: 4 }], 'zh-CN', names)).toBe('发票.pdf、行程.png')
    expect(displayValue(f('text'), '', 'zh-CN', names)).toBe('')
  })
  it('reads a detail table row by row', () => {
    const table = f('table', { columns: [f('text', { key: 'what', label_zh: '说明', label_en: 'What' }), f('money', { key: 'amt', label_zh: '金额', label_en: 'Amount' })] })
    const rows = [{ what: '高铁票', amt: { amount: 55300 } }, { what: '酒店', amt: { amount: 72700 } }]
    expect(displayValue(table, rows, 'zh-CN', names)).toBe('1. 说明：高铁票，金额：¥553.00\n2. 说明：酒店，金额：¥727.00')
    expect(tableTotals(table, rows)).toEqual({ amt: 128000 })
  })
})

describe('small formats', () => {
  it('money, days, labels, durations, files', () => {
    expect(formatMoney(123456789)).toBe('¥1,234,567.89')
    expect(formatMoney(5, 'USD')).toBe('USD 0.05')
    expect(formatMoney(-1050)).toBe('¥-10.50') // as the server writes it
    expect(formatDays(0.5, 'zh-CN')).toBe('0.5天')
    expect(formatDays(2, 'en')).toBe('2 days')
    expect(label('en', '请假', 'Leave')).toBe('Leave')
    expect(label('zh-CN', '', 'Leave')).toBe('Leave')
    expect(duration(0, 'zh-CN')).toBe('—')
    expect(duration(1800, 'zh-CN')).toBe('30 分钟')
    expect(duration(5400, 'en')).toBe('1.5 h')
    expect(duration(3 * 86400, 'zh-CN')).toBe('3.0 天')
    expect(files(['old-id'])).toEqual([{ id: 'old-id', name: 'old-id', size: 0 }])
  })
})

describe('submitting', () => {
  const fields: Field[] = [
    f('attachment', { key: 'att' }), f('text', { key: 'why', required: true }),
    f('table', { key: 'items', columns: [f('text', { key: 'name', required: true }), f('attachment', { key: 'receipt' })] }),
  ]
  it('sends attachments by ID and leaves empty values out', () => {
    expect(submitValues(fields, { att: [{ id: 'e1', name: 'a.pdf', size: 1 }], why: '', items: [{ name: 'pen', receipt: [{ id: 'e2', name: 'r.png', size: 2 }] }] }))
      .toEqual({ att: ['e1'], items: [{ name: 'pen', receipt: ['e2'] }] })
  })
  it('finds required fields left empty, table cells included', () => {
    expect(missingRequired(fields, { items: [{ name: 'ok' }, {}] })).toEqual(['form.why', 'form.items.1.name'])
  })
})
