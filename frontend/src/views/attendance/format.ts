// Shared display helpers of the attendance views.
import type { Day } from '@/api/attendance'

/** hhmm turns minutes from midnight into "08:30" (a night shift's end past midnight wraps). */
export function hhmm(min: number): string {
  const m = ((min % 1440) + 1440) % 1440
  return String(Math.floor(m / 60)).padStart(2, '0') + ':' + String(m % 60).padStart(2, '0')
}

/** clock is an instant's local time "08:29". */
export function clock(iso: string | null | undefined, locale: string): string {
  if (!iso) return '—'
  return new Date(iso).toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit', hour12: false })
}

/** tagType is the Element Plus tag colour of a day's status. */
export function tagType(d: Pick<Day, 'status'>): 'success' | 'warning' | 'danger' | 'info' | 'primary' {
  switch (d.status) {
    case 'normal': return 'success'
    case 'late': case 'early_leave': case 'missing_punch': return 'warning'
    case 'serious_late': case 'absent': return 'danger'
    case 'on_leave': case 'business_trip': case 'outing': return 'primary'
    default: return 'info'
  }
}

/** monthOf is "2026-01" of a "2026-01-05" date. */
export const monthOf = (date: string) => date.slice(0, 7)

/** jpeg re-encodes a picked photo as a JPEG of at most max px a side (smaller upload; the browser drops metadata too). */
export async function jpeg(file: Blob, max = 1600): Promise<Blob> {
  try {
    const bmp = await createImageBitmap(file)
    const k = Math.min(1, max / Math.max(bmp.width, bmp.height))
    const c = document.createElement('canvas')
    c.width = Math.round(bmp.width * k)
    c.height = Math.round(bmp.height * k)
    c.getContext('2d')?.drawImage(bmp, 0, 0, c.width, c.height)
    const out = await new Promise<Blob | null>((res) => c.toBlob(res, 'image/jpeg', 0.85))
    return out ?? file
  } catch {
    return file
  }
}

const DEVICE_KEY = 'tack.attendance.device'

/**
 * deviceId is this browser's random install ID for punches: the server asks
 * for a photo when a person who punched from another browser uses a new one.
 * Only a hash of it (with the person) is stored.
 */
export function deviceId(): string {
  try {
    let id = localStorage.getItem(DEVICE_KEY)
    if (!id) {
      id = typeof crypto.randomUUID === 'function' ? crypto.randomUUID()
        : Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('')
      localStorage.setItem(DEVICE_KEY, id)
    }
    return id
  } catch {
    return '' // storage blocked: the server treats it as an unknown device
  }
}
