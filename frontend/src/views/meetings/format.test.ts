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

describe('meeting times in the meeting zone', () => {
  it('reads the clock of the zone given, whatever the browser zone', () => {
    expect(fmtRange('2026-12-02T02:00:00Z', '2026-12-02T03:30:00Z', 'Asia/Tokyo')).toMatch(/11:00 – 12:30$/)
    expect(fmtRange('2026-12-02T02:00:00Z', '2026-12-02T03:30:00Z', 'America/New_York')).toMatch(/21:00 – 22:30$/)
    // 23:30–00:30 in Shanghai crosses midnight there, so the end keeps its date.
    expect(fmtRange('2026-12-02T15:30:00Z', '2026-12-02T16:30:00Z', 'Asia/Shanghai').split('–')[1]).toMatch(/2026/)
  })
})
