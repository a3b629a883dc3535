// Meeting times as people read them: date and hour:minute, never seconds
// (bookings are on the minute), the end without its date when on the same day.
const dateTime: Intl.DateTimeFormatOptions = { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false }
const timeOnly: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit', hour12: false }

export const fmtDateTime = (d: string | Date) => new Date(d).toLocaleString(undefined, dateTime)

export function fmtRange(s: string | Date, e: string | Date): string {
  const a = new Date(s), b = new Date(e)
  const sameDay = a.toDateString() === b.toDateString()
  return `${fmtDateTime(a)} – ${sameDay ? b.toLocaleTimeString(undefined, timeOnly) : fmtDateTime(b)}`
}
