import { describe, expect, it } from 'vitest'
import { repeatOf, ruleOf } from './repeat'

describe('repeat choices', () => {
  it('round-trips the choices through the canonical rule order', () => {
    expect(repeatOf('FREQ=DAILY;COUNT=5;BYDAY=MO,TU,WE,TH,FR')).toEqual({ repeat: 'FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR', count: 5 })
    expect(repeatOf('FREQ=WEEKLY;INTERVAL=2;COUNT=8')).toEqual({ repeat: 'FREQ=WEEKLY;INTERVAL=2', count: 8 })
    expect(ruleOf('FREQ=WEEKLY', 4)).toBe('FREQ=WEEKLY;COUNT=4')
    expect(repeatOf('')).toEqual({ repeat: 'none', count: 10 })
    expect(ruleOf('none', 3)).toBe('')
  })
  it('keeps rules the dialog cannot express as they are', () => {
    const r = repeatOf('FREQ=WEEKLY;UNTIL=20260301T000000Z;BYDAY=MO')
    expect(r.repeat).toBe('custom:FREQ=WEEKLY;UNTIL=20260301T000000Z;BYDAY=MO')
    expect(ruleOf(r.repeat, r.count)).toBe('FREQ=WEEKLY;UNTIL=20260301T000000Z;BYDAY=MO')
  })
})
