import { describe, expect, it } from 'vitest'
import { isoWeekKey, periodDate, periodKey, shiftPeriod } from './format'

describe('report periods', () => {
  it('names ISO weeks as the server does, across years', () => {
    expect(isoWeekKey(new Date(2026, 0, 5))).toBe('2026-W02') // Monday
    expect(isoWeekKey(new Date(2026, 0, 11))).toBe('2026-W02') // Sunday
    expect(isoWeekKey(new Date(2026, 0, 1))).toBe('2026-W01') // Thursday
    expect(isoWeekKey(new Date(2027, 0, 1))).toBe('2026-W53') // Friday of the last week of 2026
    expect(isoWeekKey(new Date(2024, 11, 30))).toBe('2025-W01')
  })
  it('finds the first day of a period', () => {
    expect(periodDate('weekly', '2026-W02')).toEqual(new Date(2026, 0, 5))
    expect(periodDate('weekly', '2025-W01')).toEqual(new Date(2024, 11, 30))
    expect(periodDate('monthly', '2026-03')).toEqual(new Date(2026, 2, 1))
    expect(periodDate('daily', '2026-02-28')).toEqual(new Date(2026, 1, 28))
    expect(periodDate('weekly', '2026-01')).toBeNull()
  })
  it('steps to the previous and next period', () => {
    expect(shiftPeriod('daily', '2026-03-01', -1)).toBe('2026-02-28')
    expect(shiftPeriod('weekly', '2026-W01', -1)).toBe('2025-W52')
    expect(shiftPeriod('weekly', '2026-W53', 1)).toBe('2027-W01')
    expect(shiftPeriod('monthly', '2026-01', -1)).toBe('2025-12')
    expect(shiftPeriod('monthly', '2026-12', 1)).toBe('2027-01')
    expect(periodKey('weekly', new Date(2026, 0, 7))).toBe('2026-W02')
  })
})
