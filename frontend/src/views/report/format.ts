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
