// Meeting times live in the meeting's time zone, which need not be the
// browser's (an office in Shanghai books a call with the Tokyo team). The
// date pickers know only the browser's zone, so the booking dialog keeps
// "wall" Dates: Dates whose browser-local fields (year … minute) are the
// wall clock in the meeting's zone. These helpers convert both ways. (A wall
// time inside the browser's own DST gap, 02:00–03:00 on one night a year,
// cannot be such a Date; the picker moves it an hour on, as it would anyway.)

const formatters = new Map<string, Intl.DateTimeFormat>()

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', second: '2-digit' })
    formatters.set(zone, f)
  }
  return f
}

/** wallFields are the year, month (1–12), day, hour, minute and second of instant in zone. */
function wallFields(instant: Date, zone: string): number[] {
  const p: Record<string, number> = {}
  for (const part of formatter(zone).formatToParts(instant)) if (part.type !== 'literal') p[part.type] = Number(part.value)
  return [p.year, p.month, p.day, p.hour, p.minute, p.second]
}

/** offsetMinutes is zone's offset from UTC at instant, in minutes (Asia/Shanghai: 480). */
export function offsetMinutes(instant: Date, zone: string): number {
  const [y, mo, d, h, mi, s] = wallFields(instant, zone)
  return Math.round((Date.UTC(y, mo - 1, d, h, mi, s) - Math.floor(instant.getTime() / 1000) * 1000) / 60000)
}

/** wallInZone is the wall Date showing instant as the clock reads in zone. */
export function wallInZone(instant: Date | string, zone: string): Date {
  const [y, mo, d, h, mi, s] = wallFields(new Date(instant), zone)
  return new Date(y, mo - 1, d, h, mi, s)
}

/**
 * instantFromWall is the instant at which the clock in zone reads wall's
 * browser-local fields. A wall time repeated by a DST change resolves to
 * its first occurrence; one skipped by it to an instant next to the gap.
 */
export function instantFromWall(wall: Date, zone: string): Date {
  const asUTC = Date.UTC(wall.getFullYear(), wall.getMonth(), wall.getDate(), wall.getHours(), wall.getMinutes(), wall.getSeconds())
  // Two rounds settle the offset in effect at the result (it may differ from
  // the one at the first guess across a DST change).
  let t = asUTC - offsetMinutes(new Date(asUTC), zone) * 60000
  t = asUTC - offsetMinutes(new Date(t), zone) * 60000
  return new Date(t)
}

/** browserTimeZone is the zone the browser runs in (Asia/Shanghai when it cannot tell). */
export const browserTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'Asia/Shanghai'

/** zoneChoices lists the zones to offer: the given ones first, then every zone the browser knows. */
export function zoneChoices(...first: string[]): string[] {
  const all = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : []
  const common = ['Asia/Shanghai', 'Asia/Hong_Kong', 'Asia/Taipei', 'Asia/Singapore', 'Asia/Tokyo', 'Asia/Seoul',
    'Europe/London', 'Europe/Berlin', 'America/New_York', 'America/Los_Angeles', 'UTC']
  return [...new Set([...first.filter(Boolean), ...common, ...all])]
}

/**
 * zoneName is how a person reads zone in locale: its localized name and UTC
 * offset (zh-CN: "中国标准时间 (GMT+08:00)"), never the IANA id, which is
 * English. Falls back to the id where the browser has no name for it.
 */
export function zoneName(zone: string, locale: string, at?: Date): string {
  // Cached per zone and locale (a choice list names ~400 zones, and each
  // Intl.DateTimeFormat is costly); the offset is today's.
  const key = zone + '|' + locale
  if (!at) {
    const hit = zoneNames.get(key)
    if (hit !== undefined) return hit
    const name = nameZone(zone, locale, new Date())
    zoneNames.set(key, name)
    return name
  }
  return nameZone(zone, locale, at)
}

const zoneNames = new Map<string, string>()

function nameZone(zone: string, locale: string, at: Date): string {
  try {
    const part = (style: 'longGeneric' | 'longOffset') => new Intl.DateTimeFormat(locale, { timeZone: zone, timeZoneName: style })
      .formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? ''
    const name = part('longGeneric')
    const offset = part('longOffset')
    if (!name) return zone
    return name === offset ? name : `${name} (${offset})`
  } catch {
    return zone
  }
}
