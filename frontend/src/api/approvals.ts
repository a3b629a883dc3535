// Typed calls for the approvals API (see backend/api/approval_handlers.go).
import { api, uploadWithProgress, type Page } from './client'

export interface Option { value: string; label_zh: string; label_en: string }
export interface Field {
  key: string; type: string; label_zh: string; label_en: string; required: boolean; options?: Option[]
  min?: number; max?: number; max_length?: number; half_day?: boolean; day_count?: '' | 'calendar' | 'working'; columns?: Field[]; title?: boolean
}
export interface Condition { kind: string; field?: string; op?: string; value?: unknown; values?: string[]; department_id?: string; role?: string }
export interface Branch { name_zh: string; name_en: string; conditions: Condition[]; nodes: FlowNode[] }
export interface ApproverSpec { kind: string; levels?: number; role?: string; user_ids?: string[] }
export interface FlowNode { id: string; type: string; name_zh: string; name_en: string; approvers: ApproverSpec; mode?: string; branches?: Branch[] }
export interface Starters { everyone: boolean; departments: string[]; roles: string[] }
export interface Template {
  id: string; builtin_key: string; prefix: string; name_zh: string; name_en: string; description_zh: string; description_en: string
  category: string; icon: string; starters: Starters; sla_hours: number; skip_self: boolean; skip_repeat: boolean; active: boolean
  /** where a step that would land on the applicant goes: up (their leader), auto (approved), user (self_approval_user) */
  self_approval: string; self_approval_user: string
  current_version: number; version: number; fields: Field[]; flow: { nodes: FlowNode[] }
}
export interface RouteNode { id: string; type: string; name_zh: string; name_en: string; mode: string; approvers: string[]; skipped: boolean; skip_reason?: string; notes?: string[]
  /** set when the step would have landed on the applicant: up (their leader) or user (the template's fallback approver) */
  self?: string }
export interface UserBrief { id: string; name: string; title: string; active: boolean }
export interface Preview { nodes: RouteNode[]; cc: string[]; users: Record<string, UserBrief>; form: Record<string, unknown>; undecided: string[] }
export interface Instance {
  id: string; number: string; template_id: string; template_name: string; template_name_en: string; title: string; title_en: string
  applicant_id: string; department_id: string
  form: Record<string, unknown>; route: RouteNode[]; current_node: number; status: string; archived: boolean; version: number
  submitted_at: string; finished_at: string | null
}
// An inbox row: the columns the list shows (no form, no route).
export interface ListItem extends Pick<Instance, 'id' | 'number' | 'template_id' | 'template_name' | 'template_name_en' | 'title' | 'title_en'
  | 'applicant_id' | 'department_id' | 'current_node' | 'status' | 'submitted_at' | 'finished_at'> { applicant_name: string; overdue: boolean }
export interface Task { id: string; node_index: number; stage: number; kind: string; assignee_id: string; status: string; comment: string; assigned_at: string | null; acted_at: string | null; due_at: string | null; overdue: boolean }
export interface TimelineEntry { id: string; actor_id: string; action: string; node_index: number; comment: string; data: Record<string, unknown>; created_at: string }
export interface Permissions { can_approve: boolean; can_reject: boolean; can_transfer: boolean; can_add_approver: boolean; can_return: boolean; can_withdraw: boolean; can_remind: boolean; can_comment: boolean }
export interface Comment { id: string; author_id: string; body: string; attachments: string[]; files: FileRef[]; created_at: string }
export interface Detail extends Instance {
  fields: Field[]; tasks: Task[]; timeline: TimelineEntry[]; comments: Comment[]; users: Record<string, UserBrief>
  departments: Record<string, string>; department_name: string; permissions: Permissions; my_task_id: string
}
export interface Turnaround { key: string; name: string; name_en?: string; count: number; finished: number; pending: number; overdue: number; avg_seconds: number; p90_seconds: number }
export interface Stats { scope: string; total: number; pending: number; overdue: number; overdue_steps: number; by_template: Turnaround[]; by_approver: Turnaround[] }
export interface InboxCounts { todo: number; overdue: number }
/** Attachment is an archived file of a request or comment. */
export interface FileRef { id: string; name: string; size: number }
export interface ActionBody { comment?: string; user_id?: string; position?: 'before' | 'after'; node_index?: number; attachments?: string[] }

export interface ListQuery { box: string; q?: string; template_id?: string; status?: string; from?: string; to?: string; cursor?: string }
export function listParams(f: ListQuery): string {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(f)) if (v) q.set(k, String(v))
  return q.toString()
}

export const approvalsApi = {
  templates: () => api.get<Page<Template>>('/api/v1/approval/templates').then((p) => p.items),
  template: (id: string) => api.get<Template>('/api/v1/approval/templates/' + id),
  createTemplate: (t: Partial<Template>) => api.post<Template>('/api/v1/approval/templates', t),
  updateTemplate: (id: string, t: Record<string, unknown>) => api.patch<Template>('/api/v1/approval/templates/' + id, t),
  preview: (id: string, form: Record<string, unknown>, approvers: Record<string, string[]>) =>
    api.post<Preview>(`/api/v1/approval/templates/${id}/preview`, { form, approvers }),
  submit: (template_id: string, form: Record<string, unknown>, approvers: Record<string, string[]>) =>
    api.post<Instance>('/api/v1/approvals', { template_id, form, approvers }),
  list: (f: ListQuery) => api.get<Page<ListItem>>('/api/v1/approvals?' + listParams(f)),
  get: (id: string) => api.get<Detail>('/api/v1/approvals/' + id),
  act: (id: string, action: string, body: ActionBody = {}) => api.post<Instance>(`/api/v1/approvals/${id}/${action}`, body),
  bulkApprove: (ids: string[], comment = '') => api.post<{ results: Record<string, string> }>('/api/v1/approvals/bulk-approve', { ids, comment }),
  stats: (f: Partial<ListQuery>) => api.get<Stats>('/api/v1/approval/stats?' + listParams(f as ListQuery)),
  counts: () => api.get<InboxCounts>('/api/v1/approvals/counts'),
  exportUrl: (format: 'csv' | 'xlsx', f: Partial<ListQuery>, lang: string) =>
    `/api/v1/approvals/export?format=${format}&lang=${encodeURIComponent(lang)}&` + listParams(f as ListQuery),
  attachmentUrl: (instanceId: string, fileId: string) => `/api/v1/approvals/${instanceId}/attachments/${fileId}`,
  upload: (file: File, onProgress?: (sent: number, total: number) => void) =>
    uploadWithProgress<FileRef>('/api/v1/approval/attachments?name=' + encodeURIComponent(file.name), file, onProgress,
      { headers: { 'Content-Type': 'application/octet-stream' } }),
  users: (q = '') => api.get<Page<UserBrief>>('/api/v1/users?limit=200&q=' + encodeURIComponent(q)).then((p) => p.items),
}
