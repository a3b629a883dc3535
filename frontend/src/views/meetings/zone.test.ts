import { describe, expect, it } from 'vitest'
import { instantFromWall, offsetMinutes, wallInZone, zoneChoices, zoneName } from './zone'

// The wall Dates are browser-local; these checks read them back through the
// same local fields, so they hold whatever zone the test runner is in.
const fields = (d: Date) => [d.getFullYear(), d.getMonth() + 1, d.getDate(), d.getHours(), d.getMinutes()].join(' ')

describe('meeting time zones', () => {
  it('reads an instant as the clock in the meeting zone', () => {
    expect(fields(wallInZone('2026-01-06T02:00:00Z', 'Asia/Shanghai'))).toBe('2026 1 6 10 0')
    expect(fields(wallInZone('2026-01-06T02:00:00Z', 'Asia/Tokyo'))).toBe('2026 1 6 11 0')
    expect(fields(wallInZone('2026-01-06T02:00:00Z', 'America/New_York'))).toBe('2026 1 5 21 0')
    expect(fields(wallInZone('2026-01-06T02:00:00Z', 'Australia/Adelaide'))).toBe('2026 1 6 12 30')
  })

  it('turns a wall clock in a zone back into the instant, across DST', () => {
    const at = (y: number, mo: number, d: number, h: number, mi = 0) => new Date(y, mo - 1, d, h, mi)
    expect(instantFromWall(at(2026, 1, 6, 10), 'Asia/Shanghai').toISOString()).toBe('2026-01-06T02:00:00.000Z')
    // New York: EST (-5) before 2026-03-08, EDT (-4) after.
    expect(instantFromWall(at(2026, 3, 6, 10), 'America/New_York').toISOString()).toBe('2026-03-06T15:00:00.000Z')
    expect(instantFromWall(at(2026, 3, 9, 10), 'America/New_York').toISOString()).toBe('2026-03-09T14:00:00.000Z')
    // 01:30 happens twice on 2026-11-01: the first (EDT) is meant.
    expect(instantFromWall(at(2026, 11, 1, 1, 30), 'America/New_York').toISOString()).toBe('2026-11-01T05:30:00.000Z')
    expect(offsetMinutes(new Date('2026-07-01T00:00:00Z'), 'Europe/London')).toBe(60)
    expect(offsetMinutes(new Date('2026-01-01T00:00:00Z'), 'Asia/Kolkata')).toBe(330)
  })

  it('round-trips every half hour of the weeks around DST changes', () => {
    for (const [zone, from] of [['Europe/Berlin', Date.UTC(2026, 2, 26)], ['America/New_York', Date.UTC(2026, 10, 28)]] as const) {
      for (let t = from; t < from + 6 * 24 * 3600e3; t += 30 * 60000) {
        const wall = wallInZone(new Date(t), zone)
        // A wall time inside the runner's own DST gap cannot be a local Date (see zone.ts).
        const hm = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', hour: '2-digit', minute: '2-digit' }).format(new Date(t))
        if (hm !== `${String(wall.getHours()).padStart(2, '0')}:${String(wall.getMinutes()).padStart(2, '0')}`) continue
        expect(instantFromWall(wall, zone).getTime()).toBe(t)
      }
    }
  })

  it('offers the meeting and browser zones first', () => {
    const z = zoneChoices('Asia/Tokyo', 'Asia/Shanghai')
    expect(z.slice(0, 2)).toEqual(['Asia/Tokyo', 'Asia/Shanghai'])
    expect(new Set(z).size).toBe(z.length)
  })
})

describe('zoneName', () => {
  it('names zones in the locale with the offset, never the IANA id', () => {
    const at = new Date('2026-01-05T00:00:00Z')
    expect(zoneName('Asia/Shanghai', 'zh-CN', at)).toBe('中国标准时间 (GMT+08:00)')
    expect(zoneName('Asia/Tokyo', 'zh-CN', at)).toBe('日本标准时间 (GMT+09:00)')
    expect(zoneName('America/New_York', 'zh-CN', at)).toBe('北美东部时间 (GMT-05:00)')
    expect(zoneName('Asia/Shanghai', 'en', at)).toContain('China')
    expect(zoneName('No/Such_Zone', 'zh-CN', at)).toBe('No/Such_Zone')
  })
})
