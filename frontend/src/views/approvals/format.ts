// How approval values read to people, the same rules as the server's
// DisplayValue (backend/approval/display.go): option labels (年假), never the
// stored values (annual); names, not IDs; money and day counts formatted.
import type { Field, FileRef } from '@/api/approvals'

/** Names resolves the IDs a form refers to. */
export interface Names {
  users: Record<string, { name: string } | undefined>
  departments: Record<string, string | undefined>
}

export type { FileRef }

export const isEn = (locale: string) => locale.toLowerCase().startsWith('en')

/** label picks the text of the locale, falling back to the other language. */
export function label(locale: string, zh: string, en: string): string {
  return isEn(locale) ? en || zh : zh || en
}

/** formatMoney: ¥1,280.00 for CNY, "USD 12.50" otherwise (cents in). */
export function formatMoney(cents: number, currency = 'CNY'): string {
  const neg = cents < 0
  const abs = Math.round(Math.abs(cents))
  const whole = Math.floor(abs / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  const s = `${neg ? '-' : ''}${whole}.${String(abs % 100).padStart(2, '0')}`
  return !currency || currency === 'CNY' ? '¥' + s : `${currency} ${s}`
}

/** formatDays: 5天 / "5 days", "1 day". */
export function formatDays(d: number, locale: string): string {
  if (isEn(locale)) return d === 1 ? '1 day' : `${d} days`
  return `${d}天`
}

function optionLabel(f: Field, v: string, locale: string): string {
  const o = f.options?.find((x) => x.value === v)
  return o ? label(locale, o.label_zh, o.label_en) || v : v
}

/** files reads an attachment value: archived {id,name,size} or (older requests) bare IDs. */
export function files(v: unknown): FileRef[] {
  if (!Array.isArray(v)) return []
  return v.map((x) => (typeof x === 'string' ? { id: x, name: x, size: 0 } : (x as FileRef))).filter((x) => x && x.id)
}

const empty = (v: unknown) => v == null || v === '' || (Array.isArray(v) && v.length === 0) ||
  (typeof v === 'object' && !Array.isArray(v) && Object.keys(v as object).length === 0)

/** displayValue is a form value as people read it ('' when empty). Tables give one line per row. */
export function displayValue(f: Field, v: unknown, locale: string, names: Names): string {
  if (empty(v)) return ''
  const en = isEn(locale)
  const sep = en ? ', ' : '、'
  switch (f.type) {
    case 'select': return optionLabel(f, String(v), locale)
    case 'multiselect': return (v as string[]).map((x) => optionLabel(f, x, locale)).join(sep)
    case 'number': return String(v)
    case 'money': {
      const m = v as { amount?: number; currency?: string }
      return typeof m.amount === 'number' ? formatMoney(m.amount, m.currency) : ''
    }
    case 'daterange': {
      const r = v as { start?: string; end?: string; start_half?: string; end_half?: string; days?: number }
      const half = (h?: string) => (h === 'am' ? (en ? ' AM' : ' 上午') : h === 'pm' ? (en ? ' PM' : ' 下午') : '')
      let s = `${r.start ?? ''}${half(r.start_half)} – ${r.end ?? ''}${half(r.end_half)}`
      if (typeof r.days === 'number') s += en ? ` (${formatDays(r.days, locale)})` : `（${formatDays(r.days, locale)}）`
      return s
    }
    case 'person': return names.users[String(v)]?.name ?? String(v)
    case 'department': return names.departments[String(v)] ?? String(v)
    case 'attachment': return files(v).map((x) => x.name).join(sep)
    case 'table': {
      const rows = v as Record<string, unknown>[]
      return rows.map((row, i) => {
        const cells = (f.columns ?? []).map((c) => {
          const s = displayValue(c, row[c.key], locale, names)
          return s ? label(locale, c.label_zh, c.label_en) + (en ? ': ' : '：') + s : ''
        }).filter(Boolean)
        return `${i + 1}. ${cells.join(en ? ', ' : '，')}`
      }).join('\n')
    }
    default: return String(v)
  }
}

/** tableTotals sums the money columns of a detail table: {column key: cents}. */
export function tableTotals(f: Field, rows: Record<string, unknown>[] | undefined): Record<string, number> {
  const out: Record<string, number> = {}
  for (const c of f.columns ?? []) {
    if (c.type !== 'money') continue
    out[c.key] = (rows ?? []).reduce((sum, r) => sum + (((r[c.key] as { amount?: number }) ?? {}).amount ?? 0), 0)
  }
  return out
}

/** duration prints seconds as "45 分钟" / "3.5 小时" / "2.1 天" (or English). */
export function duration(s: number, locale: string): string {
  if (!s) return '—'
  const en = isEn(locale)
  if (s < 3600) { const n = Math.max(1, Math.round(s / 60)); return en ? `${n} min` : `${n} 分钟` }
  if (s < 48 * 3600) { const n = (s / 3600).toFixed(1); return en ? `${n} h` : `${n} 小时` }
  const n = (s / 86400).toFixed(1)
  return en ? `${n} days` : `${n} 天`
}

/**
 * submitValues is the form as the API takes it: attachments by ID (the form
 * holds the uploaded files' {id,name,size} to show them), empty values left out.
 */
export function submitValues(fields: Field[], form: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const f of fields) {
    const v = form[f.key]
    if (empty(v)) continue
    if (f.type === 'attachment') out[f.key] = files(v).map((x) => x.id)
    else if (f.type === 'table') out[f.key] = (v as Record<string, unknown>[]).map((row) => submitValues(f.columns ?? [], row))
    else out[f.key] = v
  }
  return out
}

/** missingRequired lists the error keys ("form.k", "form.t.0.c") of required fields left empty. */
export function missingRequired(fields: Field[], form: Record<string, unknown>, prefix = 'form.'): string[] {
  const out: string[] = []
  for (const f of fields) {
    const v = form[f.key]
    if (f.required && empty(v)) out.push(prefix + f.key)
    if (f.type === 'table' && Array.isArray(v)) {
      v.forEach((row, i) => out.push(...missingRequired(f.columns ?? [], row as Record<string, unknown>, `${prefix}${f.key}.${i}.`)))
    }
  }
  return out
}
