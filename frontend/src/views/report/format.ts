// Small helpers of the report views.
import type { Report, ReportTemplate } from '@/api/report'
import { label } from '../approvals/format'

export { label }

/** templateName is the report's (or template's) name in the UI language. */
export function templateName(locale: string, r: Pick<Report, 'template_name' | 'template_name_en'> | ReportTemplate): string {
  return 'template_name' in r ? label(locale, r.template_name, r.template_name_en) : label(locale, r.name_zh, r.name_en)
}

/** when shows a time as "MM-DD HH:mm" (the year only when not this one). */
export function when(iso: string | null | undefined, now = new Date()): string {
  if (!iso) return ''
  const d = new Date(iso)
  const p = (n: number) => String(n).padStart(2, '0')
  const md = `${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`
  return d.getFullYear() === now.getFullYear() ? md : `${d.getFullYear()}-${md}`
}

/** clock shows "HH:mm". */
export function clock(iso: string | Date): string {
  const d = typeof iso === 'string' ? new Date(iso) : iso
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`
}

/** excerpt is the first filled field's text, one line. */
export function excerpt(r: Report, max = 80): string {
  for (const f of r.fields ?? []) {
    const v = r.form?.[f.key]
    if (typeof v === 'string' && v.trim()) {
      const s = v.trim().replace(/\s+/g, ' ')
      return s.length > max ? s.slice(0, max) + '…' : s
    }
  }
  return ''
}

/** readCount counts the recipients who have read a report. */
export function readCount(r: Report): { read: number; unread: number } {
  const read = r.recipients.filter((x) => x.read_at).length
  return { read, unread: r.recipients.length - read }
}

/** noNames: report forms show no person or department fields by name yet. */
export const noNames = { users: {}, departments: {} }

const pad = (n: number) => String(n).padStart(2, '0')

/** isoWeekKey is the ISO week holding a (local) date, as the server names it: "2026-W02". */
export function isoWeekKey(d: Date): string {
  const t = new Date(Date.UTC(d.getFullYear(), d.getMonth(), d.getDate()))
  const day = t.getUTCDay() || 7
  t.setUTCDate(t.getUTCDate() + 4 - day) // the Thursday of the week names its year
  const year = t.getUTCFullYear()
  const week = Math.ceil(((t.getTime() - Date.UTC(year, 0, 1)) / 86400000 + 1) / 7)
  return `${year}-W${pad(week)}`
}

/** periodDate is a date inside a period key (its first day), for the pickers. */
export function periodDate(cycle: string, key: string): Date | null {
  let m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(key)
  if (cycle === 'daily' && m) return new Date(+m[1], +m[2] - 1, +m[3])
  m = /^(\d{4})-(\d{2})$/.exec(key)
  if (cycle === 'monthly' && m) return new Date(+m[1], +m[2] - 1, 1)
  m = /^(\d{4})-W(\d{2})$/.exec(key)
  if (cycle === 'weekly' && m) {
    const jan4 = new Date(+m[1], 0, 4) // week 1 holds 4 January
    const monday = new Date(jan4)
    monday.setDate(jan4.getDate() - ((jan4.getDay() + 6) % 7) + (+m[2] - 1) * 7)
    return monday
  }
  return null
}

/** periodKey is the period of a cycle holding a date. */
export function periodKey(cycle: string, d: Date): string {
  if (cycle === 'weekly') return isoWeekKey(d)
  if (cycle === 'monthly') return `${d.getFullYear()}-${pad(d.getMonth() + 1)}`
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
}

/** shiftPeriod is the period delta periods before (negative) or after a key. */
export function shiftPeriod(cycle: string, key: string, delta: number): string {
  const d = periodDate(cycle, key)
  if (!d) return key
  if (cycle === 'monthly') d.setMonth(d.getMonth() + delta)
  else d.setDate(d.getDate() + delta * (cycle === 'weekly' ? 7 : 1))
  return periodKey(cycle, d)
}
