// Meeting times as people read them: date and hour:minute, never seconds
// (bookings are on the minute), the end without its date when on the same
// day; in a given time zone (the meeting's) or, without one, the browser's.
const dateTime: Intl.DateTimeFormatOptions = { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false }
const timeOnly: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit', hour12: false }
const dateOnly: Intl.DateTimeFormatOptions = { year: 'numeric', month: '2-digit', day: '2-digit' }
const inZone = (o: Intl.DateTimeFormatOptions, zone?: string) => (zone ? { ...o, timeZone: zone } : o)

export const fmtDateTime = (d: string | Date, zone?: string) => new Date(d).toLocaleString(undefined, inZone(dateTime, zone))

export function fmtRange(s: string | Date, e: string | Date, zone?: string): string {
  const a = new Date(s), b = new Date(e)
  const sameDay = a.toLocaleDateString(undefined, inZone(dateOnly, zone)) === b.toLocaleDateString(undefined, inZone(dateOnly, zone))
  return `${fmtDateTime(a, zone)} – ${sameDay ? b.toLocaleTimeString(undefined, inZone(timeOnly, zone)) : fmtDateTime(b, zone)}`
}
