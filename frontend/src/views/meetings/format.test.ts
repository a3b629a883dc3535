import { describe, expect, it } from 'vitest'
import { fmtRange } from './format'

describe('meeting time ranges', () => {
  it('shows minutes, not seconds, and drops the date of a same-day end', () => {
    const r = fmtRange('2026-12-02T02:00:00Z', '2026-12-02T03:00:00Z')
    expect(r).not.toMatch(/:\d\d:\d\d/)
    expect(r.split('–')[1].trim()).toMatch(/^\d\d:\d\d$/)
  })
  it('keeps the end date when the meeting runs past midnight', () => {
    const r = fmtRange('2026-12-02T10:00:00Z', '2026-12-03T10:00:00Z')
    expect(r.split('–')[1]).toMatch(/2026/)
  })
})
