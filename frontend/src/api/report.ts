// Typed calls for work reports 日志 (backend/api/report_handlers.go, backend/report/API.md).
import { api, type Page } from './client'
import type { Field } from './approvals'

export type Cycle = 'daily' | 'weekly' | 'monthly' | 'none'
export interface ReportTemplate {
  id: string; builtin_key: string; name_zh: string; name_en: string; fields: Field[]; cycle: Cycle; due_time: string
  departments: string[]; users: string[]; recipients: string[]; recipient_departments: string[]
  created_by: string; active: boolean; version: number
}
/** TemplateInput is what the template designer saves (backend/report/templates.go). */
export type TemplateInput = Pick<ReportTemplate, 'name_zh' | 'name_en' | 'fields' | 'cycle' | 'due_time' | 'departments' | 'users' | 'recipients' | 'recipient_departments'> & { active?: boolean; version?: number }
export interface ReportRecipient { user_id: string; name: string; reason: 'leader' | 'template' | 'group' | 'chosen' | 'mentioned'; read_at: string | null }
export interface Report {
  id: string; template_id: string; writer_id: string; department_id: string; period: string; form: Record<string, unknown>
  status: 'draft' | 'submitted'; template_version: number; due_at: string | null; submitted_at: string | null; late: boolean; edited_at: string | null; version: number; created_at: string; updated_at: string
  template_name: string; template_name_en: string; fields: Field[]; writer_name: string; recipients: ReportRecipient[]
  likes: number; liked_by_me: boolean; comments: number; revisions: number; read_by_me: boolean; can_edit: boolean; edit_until: string | null
}
export interface ReportComment { id: string; report_id: string; author_id: string; author_name: string; parent_id: string | null; body: string; created_at: string }
export interface ReportRevision { id: string; report_id: string; form: Record<string, unknown>; created_at: string }
export type ExpectedState = 'missing' | 'pending' | 'late' | 'on_time' | 'exempt'
export interface ExpectedRow { user_id: string; name: string; department_id: string; state: ExpectedState; exempt?: string; report_id?: string; submitted_at?: string }
export interface MissingView { template_id: string; cycle: Cycle; period: string; due_at: string | null; counts: Partial<Record<ExpectedState, number>>; rows: ExpectedRow[] }
export interface WeekView { user_id: string; name: string; week: string; days: string[]; reports: Report[] }
export interface ReportSearch { q: string; writer_id?: string; template_id?: string; from?: string; to?: string; limit?: number }
export interface StatsRow {
  department_id: string; name: string; expected: number; submitted: number; on_time: number; late: number; exempt: number
  submission_rate: number; on_time_rate: number; sums: Record<string, number>
}
export interface ReportStats { template_id: string; cycle: Cycle; fields: Field[]; periods: { period: string; due_at: string | null; departments: StatsRow[]; total: StatsRow }[] }
export interface ReportFilter { writer_id?: string; template_id?: string; period?: string; unread?: boolean; status?: string; cursor?: string; limit?: number }

function qs(f: ReportFilter | ReportSearch): string {
  const p = new URLSearchParams()
  for (const [k, v] of Object.entries(f)) if (v !== undefined && v !== '' && v !== false) p.set(k, String(v))
  const s = p.toString()
  return s ? '?' + s : ''
}

export const reportApi = {
  templates: () => api.get<Page<ReportTemplate>>('/api/v1/report/templates').then((p) => p.items),
  template: (id: string) => api.get<ReportTemplate>('/api/v1/report/templates/' + id),
  start: (templateId: string, period = '') => api.post<Report>('/api/v1/reports', { template_id: templateId, period }),
  get: (id: string) => api.get<Report>('/api/v1/reports/' + id),
  save: (id: string, form: Record<string, unknown>, version: number) => api.put<Report>('/api/v1/reports/' + id, { form, version }),
  submit: (id: string, form: Record<string, unknown>, version: number, cc: string[] = [], mentions: string[] = []) =>
    api.post<Report>('/api/v1/reports/' + id + '/submit', { form, version, cc, mentions }),
  discard: (id: string) => api.del<void>('/api/v1/reports/' + id),
  sent: (f: ReportFilter = {}) => api.get<Page<Report>>('/api/v1/reports/sent' + qs(f)),
  received: (f: ReportFilter = {}) => api.get<Page<Report>>('/api/v1/reports/received' + qs(f)),
  /** the reports of the departments the caller heads and below (heads above the leader read them). */
  team: (f: ReportFilter = {}) => api.get<Page<Report>>('/api/v1/reports/team' + qs(f)),
  /** the templates the caller may change (admins all, a head their own). */
  managed: () => api.get<Page<ReportTemplate>>('/api/v1/report/templates/manage').then((p) => p.items),
  createTemplate: (t: TemplateInput) => api.post<ReportTemplate>('/api/v1/report/templates', t),
  updateTemplate: (id: string, t: TemplateInput) => api.put<ReportTemplate>('/api/v1/report/templates/' + id, t),
  deactivateTemplate: (id: string) => api.del<void>('/api/v1/report/templates/' + id),
  /** full text over the submitted reports the caller may see, newest first (backend/report/search.go). */
  search: (f: ReportSearch) => api.get<Page<Report>>('/api/v1/reports/search' + qs(f)),
  revisions: (id: string) => api.get<Page<ReportRevision>>('/api/v1/reports/' + id + '/revisions').then((p) => p.items),
  comments: (id: string) => api.get<Page<ReportComment>>('/api/v1/reports/' + id + '/comments').then((p) => p.items),
  /** mentions: people @-mentioned, who are told and may then read the report. */
  comment: (id: string, body: string, parentId?: string, mentions: string[] = []) =>
    api.post<ReportComment>('/api/v1/reports/' + id + '/comments', { body, parent_id: parentId ?? null, mentions }),
  like: (id: string, on: boolean) => (on ? api.put<Report>('/api/v1/reports/' + id + '/like') : api.del<Report>('/api/v1/reports/' + id + '/like')),
  /** people to copy a report to (the directory's active colleagues). */
  people: (q = '') => api.get<Page<{ id: string; name: string; title: string }>>('/api/v1/users?limit=50&q=' + encodeURIComponent(q)).then((p) => p.items),
  missing: (templateId: string, period = '') => api.get<MissingView>('/api/v1/report/missing' + qs({ template_id: templateId, period })),
  /** the missing list as an Excel workbook (a link: the session cookie authorises it). */
  missingExportUrl: (templateId: string, period: string, lang: string) =>
    '/api/v1/report/missing/export' + qs({ template_id: templateId, period }) + '&lang=' + encodeURIComponent(lang),
  stats: (templateId: string, periods = 6) => api.get<ReportStats>('/api/v1/report/stats?' + new URLSearchParams({ template_id: templateId, periods: String(periods) }).toString()),
  /** the writer's own activity of a period as a proposed text (never saved by itself). */
  suggestion: (templateId: string, period = '') =>
    api.get<{ period: string; field_key: string; lines: string[]; text: string }>('/api/v1/report/suggestion' + qs({ template_id: templateId, period })),
  week: (userId: string, date = '') => api.get<WeekView>('/api/v1/report/week?' + new URLSearchParams(date ? { user_id: userId, date } : { user_id: userId }).toString()),
}
